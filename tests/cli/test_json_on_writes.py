"""Every command that changes the node takes ``--json`` for scripts, and ``audit flush`` prints what it did."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer.main

from sarhad.audit import record
from sarhad.cli import app
from sarhad.node import Node
from tests.conftest import run_cli as run

# Commands without --json: they run until stopped (serve, demo).
WITHOUT_JSON = {"demo", "serve"}


def _commands(cmd: Any, path: tuple[str, ...] = ()) -> dict[str, Any]:
    if hasattr(cmd, "commands"):
        out: dict[str, Any] = {}
        for name, sub in cmd.commands.items():
            out |= _commands(sub, (*path, name))
        return out
    return {" ".join(path): cmd}


def test_every_command_but_the_long_running_ones_takes_json() -> None:
    commands = _commands(typer.main.get_command(app))
    missing = {name for name, cmd in commands.items() if not any("--json" in p.opts for p in cmd.params)}
    assert missing == WITHOUT_JSON


def test_audit_flush_prints_json(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = ("--home", str(node.settings.home))
    record(node.db, "ana", "read", "/api/incidents")
    code, out, err = run(capsys, *home, "audit", "flush", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"flushed": 1}
    code, out, err = run(capsys, *home, "audit", "flush", "--json")
    assert (code, json.loads(out)) == (0, {"flushed": 0}), err
