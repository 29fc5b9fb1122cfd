"""``sarhad serve`` on an address it cannot listen on says so in one line, naming the address, before it
starts anything (no server log line, no traceback)."""

from __future__ import annotations

import socket

import pytest

from sarhad.node import Node
from tests.conftest import run_cli


def test_serve_on_a_port_in_use_names_the_address_and_exits_1(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(node.settings.home)
    node.close()
    with socket.create_server(("127.0.0.1", 0)) as taken:  # another program holds the port
        port = taken.getsockname()[1]
        code, out, err = run_cli(capsys, "--home", home, "serve", "--host", "127.0.0.1", "--port", str(port))
    assert code == 1
    assert err.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert "in use" in err and "--port" in err and len(err.splitlines()) == 1
    assert out == "" and "serving node" not in err


def test_serve_on_an_unknown_host_names_it(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(node.settings.home)
    node.close()
    code, _, err = run_cli(capsys, "--home", home, "serve", "--host", "no-such-host.invalid", "--port", "0")
    assert code == 1
    assert err.startswith("error: cannot listen on no-such-host.invalid:0: ") and "--host" in err
