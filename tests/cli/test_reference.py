"""docs/cli.md is generated from the commands' help and must be current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sarhad.cli._reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "regenerate: python -m sarhad.cli._reference > docs/cli.md"


def test_cli_reference_documents_the_contract_commands() -> None:
    text = render()
    for command in ("sarhad init", "sarhad import", "sarhad incidents list", "sarhad stats", "sarhad export"):
        assert f"`{command}`" in text


def test_no_help_text_loses_words_to_rich_markup() -> None:
    """Typer renders ``--help`` through rich, which takes ``[default: …]`` or ``[[rule]]`` for a style tag and
    drops it: ``token create --help`` read "The principal's party ." Every help text must print whole."""
    import typer.main
    from rich.markup import render as markup

    from sarhad.cli import app

    lost: list[str] = []

    def walk(cmd: Any, path: str) -> None:
        texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
        lost.extend(f"{path}: {t!r}" for t in texts if markup(t).plain != t)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "sarhad")
    assert not lost, "help texts rich would cut:\n" + "\n".join(lost)


def test_help_paragraphs_wrap_to_the_terminal_not_to_the_source() -> None:
    """A docstring's line breaks are where its source wraps at 120 columns: ``export --help`` printed "(another
    dataset, a" alone on a line of an 80-column terminal. Every paragraph reads as one flowing text."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    shown = subprocess.run(
        [sys.executable, "-m", "sarhad", "export", "--help"], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "from other sources (another dataset, a party's report, a news article, a peer) are converted" in shown
