"""``sarhad peer add`` as an operator runs it: it says whether it registered a new peer or changed one, refuses
a token that cannot be a sarhad token when it is given (not at the first sync), tries the peer with ``--check``,
and prints JSON for scripts (as do ``peer remove``, ``peer former-key`` and the ``token`` commands)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sarhad.errors import InvalidInput
from sarhad.exchange.peers import add_peer, get_peer, list_peers
from sarhad.log.note import Signer
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.web.conftest import serving

# Well-formed tokens (sarhad_<12 hex digits>_<secret>) of no node: registering a peer does not check them.
TOKEN_1 = "sarhad_0123456789ab_" + "a" * 43
TOKEN_2 = "sarhad_0123456789ab_" + "b" * 43


def _home(node: Node) -> tuple[str, str]:
    return ("--home", str(node.settings.home))


def test_peer_add_again_says_updated_and_keeps_one_peer(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = _home(node)
    vkey = Signer.generate("sarhad.ir/log").verifier.vkey
    code, out, err = run_cli(
        capsys, *home, "peer", "add", "IR", "http://127.0.0.1:8402", "--vkey", vkey, "--token", TOKEN_1
    )
    assert code == 0, err
    assert out == "added peer IR (IR) at http://127.0.0.1:8402, log sarhad.ir/log\n"
    # The operator fixes the URL and token, as the exchange guide says: the same peer, changed, not a second one.
    code, out, err = run_cli(
        capsys, *home, "peer", "add", "IR", "http://127.0.0.1:8502", "--vkey", vkey, "--token", TOKEN_2
    )
    assert code == 0, err
    assert out == "updated peer IR (IR): now at http://127.0.0.1:8502, log sarhad.ir/log\n"
    peer = get_peer(node.db, "IR")
    assert (peer.url, peer.token) == ("http://127.0.0.1:8502", TOKEN_2)


@pytest.mark.parametrize(
    ("token", "why"),
    [
        ("garbage", "does not start with 'sarhad_'"),
        ("", "is empty"),
        ("sarhad_0123456789AB_" + "a" * 43, "its id .* is not 12 lower-case hex digits"),
        ("sarhad_0123456789ab_" + "a" * 10, "its secret is 10 characters, expected 20 or more"),
        ("sarhad_0123456789ab_" + "a" * 42 + "=", "its secret holds a character other than"),
        (TOKEN_1 + "\n", "holds a space or line break"),
    ],
)
def test_peer_add_refuses_a_token_that_cannot_be_one_naming_the_option(
    any_node: Node, capsys: pytest.CaptureFixture[str], token: str, why: str
) -> None:
    vkey = Signer.generate("sarhad.ir/log").verifier.vkey
    code, out, err = run_cli(
        capsys, *_home(any_node), "peer", "add", "IR", "http://127.0.0.1:9", "--vkey", vkey, "--token", token
    )
    assert (code, out) == (1, "")
    assert err.startswith("error: --token: ") and "sarhad_<id>_<secret>" in err, err
    assert re.search(why, err), err
    assert "a" * 20 not in err  # the message never repeats a token, however mistyped
    assert list_peers(any_node.db) == []
    # the library refuses it too, naming what it is
    with pytest.raises(InvalidInput, match=r"^the peer's token: .*sarhad_<id>_<secret>"):
        add_peer(any_node.db, "IR", "http://127.0.0.1:9", vkey, token)
    assert list_peers(any_node.db) == []


def test_peer_add_check_tries_the_peer_once_and_registers_only_when_it_accepts_the_token(
    any_node: Node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ir = Node.init(tmp_path / "ir", "IR")
    try:
        vkey = ir.signer.vkey
        good = create_token(ir.db, "pk", "peer", "PK")
        with serving(ir) as url:
            add = ("peer", "add", "IR", url, "--vkey", vkey, "--check")
            # a well-formed token the peer does not know: refused by the peer, and nothing registered here
            code, out, err = run_cli(capsys, *_home(any_node), *add, "--token", TOKEN_1)
            assert (code, out) == (1, ""), err
            assert "GET /log/checkpoint answered 401" in err and "nothing was registered" in err, err
            # the token was given on the command line, not one this node holds: said so, with what to do
            assert f"the peer at {url} refused the token given with --token" in err, err
            assert "'sarhad token create --principal NAME --role peer --party PARTY' on its node" in err, err
            assert "this node holds" not in err and "without --check" not in err, err
            assert TOKEN_1 not in err
            assert list_peers(any_node.db) == []
            # a node set up a moment ago has signed no checkpoint: it answers, and the token is accepted
            code, out, err = run_cli(capsys, *_home(any_node), *add, "--token", good)
            assert code == 0, err
            assert out == (
                f"added peer IR (IR) at {url}, log sarhad.ir/log\n"
                "checked: IR answers, accepts the token and has signed no checkpoint yet\n"
            )
            with ir.db.transaction():
                size = ir.log.sign_checkpoint(ir.signer, ir.settings.origin).size
            # a key of the same origin, but not the peer's: the checkpoint it signs does not verify with it
            other = Signer.generate("sarhad.ir/log").verifier.vkey
            code, out, err = run_cli(
                capsys, *_home(any_node), "peer", "add", "IR", url, "--vkey", other, "--token", good, "--check"
            )
            assert (code, out) == (1, ""), err
            assert "does not verify with the key given" in err, err
            assert err.rstrip().endswith(
                "nothing was changed: peer IR stays registered as it was (its URL, key and token)"
            )
            assert "'sarhad key show'" in err and "without --check" not in err, err
            assert get_peer(any_node.db, "IR").vkey == vkey
            code, out, err = run_cli(capsys, *_home(any_node), *add, "--token", good)
            assert code == 0, err
            assert out == (
                f"updated peer IR (IR): now at {url}, log sarhad.ir/log\n"
                f"checked: IR answers, accepts the token and signs its log with --vkey (checkpoint of size {size})\n"
            )
            code, out, err = run_cli(capsys, *_home(any_node), *add, "--token", good, "--json")
            assert code == 0, err
            assert json.loads(out)["checked"] == {"answers": True, "token_accepted": True, "size": size}
        # the peer is down: said, named, and nothing changed (the registered peer keeps its token)
        code, out, err = run_cli(capsys, *_home(any_node), *add, "--token", TOKEN_2)
        assert (code, out) == (1, ""), err
        assert "cannot reach" in err and "without --check" in err, err
        assert err.rstrip().endswith("nothing was changed: peer IR stays registered as it was (its URL, key and token)")
        assert "serving at the URL given?" in err and "peer list" not in err, err  # it is not registered yet
        assert get_peer(any_node.db, "IR").token == good
    finally:
        ir.close()


def test_peer_and_token_commands_print_json(any_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = _home(any_node)
    signer = Signer.generate("sarhad.ir/log")
    vkey = signer.verifier.vkey
    add = ("peer", "add", "IR", "http://127.0.0.1:9", "--vkey", vkey, "--json")
    code, out, err = run_cli(capsys, *home, *add, "--token", TOKEN_1)
    assert code == 0, err
    added = {
        "name": "IR", "url": "http://127.0.0.1:9", "party": "IR", "origin": "sarhad.ir/log", "vkey": vkey,
        "action": "added", "checked": None,
    }  # fmt: skip
    assert json.loads(out) == added
    code, out, err = run_cli(capsys, *home, *add, "--token", TOKEN_2)
    assert (code, json.loads(out)) == (0, {**added, "action": "updated"}), err
    assert TOKEN_2 not in out  # the token is a secret: never printed back
    code, out, err = run_cli(capsys, *home, "peer", "list", "--json")
    assert (code, [p["name"] for p in json.loads(out)]) == (0, ["IR"]), err
    code, out, err = run_cli(capsys, *home, "peer", "remove", "IR", "--json")
    assert (code, json.loads(out)) == (0, {"name": "IR", "log_copy": None}), err

    code, out, err = run_cli(
        capsys, *home, "token", "create", "--principal", "ir-node", "--role", "peer", "--party", "ir", "--json"
    )
    assert code == 0, err
    created = json.loads(out)
    token = created.pop("token")
    assert token.startswith(f"sarhad_{created['id']}_")
    assert created["expires"] > created["created"]
    assert created | {"created": None, "expires": None} == {
        "id": created["id"], "principal": "ir-node", "role": "peer", "party": "IR", "created": None,
        "expires": None, "revoked": None, "status": "active",
    }  # fmt: skip
    code, out, err = run_cli(capsys, *home, "token", "revoke", "--principal", "ir-node", "--json")
    assert code == 0, err
    assert json.loads(out) == {"principal": "ir-node", "id": None, "revoked": 1}
    assert token.split("_", 2)[2] not in out
