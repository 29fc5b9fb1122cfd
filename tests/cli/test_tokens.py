"""Tokens as an operator keeps them: listed without their secrets, rotated one at a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli as run


def _create(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    code, out, err = run(capsys, "--home", str(home), "token", "create", *args)
    assert code == 0, err
    return out.strip()


def test_token_list_shows_each_token_without_its_secret(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    peer = _create(capsys, home, "--principal", "ir-node", "--role", "peer", "--party", "IR")
    viewer = _create(capsys, home, "--principal", "desk", "--role", "viewer", "--expires", "0")
    code, out, err = run(capsys, "--home", str(home), "token", "list", "--json")
    assert code == 0, err
    listed = {row["id"]: row for row in json.loads(out)}
    peer_id, viewer_id = peer.split("_")[1], viewer.split("_")[1]
    assert set(listed) == {peer_id, viewer_id}
    assert listed[peer_id] | {"created": None, "expires": None} == {
        "id": peer_id, "principal": "ir-node", "role": "peer", "party": "IR", "created": None, "expires": None,
        "revoked": None, "status": "active",
    }  # fmt: skip
    assert listed[peer_id]["expires"] > listed[peer_id]["created"]
    assert listed[viewer_id]["expires"] is None
    code, out, err = run(capsys, "--home", str(home), "token", "list")
    assert code == 0, err
    assert peer_id in out and "ir-node" in out and "desk" in out
    for secret in (peer, viewer):
        assert secret.split("_", 2)[2] not in out


def test_token_list_with_none_says_how_to_make_one(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--home", str(home), "token", "list")
    assert (code, out, err) == (0, "no tokens: create one with 'sarhad token create --principal P --role R'\n", "")
    code, out, _ = run(capsys, "--home", str(home), "token", "list", "--json")
    assert json.loads(out) == []


def test_a_peer_token_rotates_by_revoking_the_old_one_alone(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Rotation without a gap: the new token is issued and registered on the peer before the old one ends.
    old = _create(capsys, home, "--principal", "ir-node", "--role", "peer", "--party", "IR")
    new = _create(capsys, home, "--principal", "ir-node", "--role", "peer", "--party", "IR")
    old_id, new_id = old.split("_")[1], new.split("_")[1]
    code, out, err = run(capsys, "--home", str(home), "token", "revoke", "--principal", "ir-node", "--id", old_id)
    assert code == 0, err
    assert out == f"revoked 1 token(s) of ir-node ({old_id})\n"
    code, out, _ = run(capsys, "--home", str(home), "token", "list", "--json")
    status = {row["id"]: row["status"] for row in json.loads(out)}
    assert status == {old_id: "revoked", new_id: "active"}
    # the id of another principal's token, or one already revoked, is named and changes nothing
    other = _create(capsys, home, "--principal", "desk", "--role", "viewer").split("_")[1]
    for wrong in (other, old_id):
        code, _, err = run(capsys, "--home", str(home), "token", "revoke", "--principal", "ir-node", "--id", wrong)
        assert code == 1
        assert err == f"error: principal 'ir-node' has no active token {wrong}\n"
    code, out, _ = run(capsys, "--home", str(home), "token", "list", "--json")
    assert {row["id"]: row["status"] for row in json.loads(out)} == status | {other: "active"}


@pytest.mark.parametrize("days", ["-3", "4000"])
def test_an_expiry_out_of_range_names_the_option_and_its_never(
    home: Path, capsys: pytest.CaptureFixture[str], days: str
) -> None:
    code, out, err = run(capsys, "--home", str(home), "token", "create", "--principal", "a", "--role", "viewer",
                         "--expires", days)  # fmt: skip
    assert (code, out) == (1, "")
    assert err == f"error: --expires {days}: give the days until the token expires, up to 3650, or 0 for never\n"
    code, out, _ = run(capsys, "--home", str(home), "token", "list", "--json")
    assert json.loads(out) == []


def test_revoke_given_a_whole_token_as_its_id_never_prints_the_secret(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The token pasted where its id goes: refused naming --id and the form of an id, without repeating the token
    # (its secret would land in the terminal's scrollback), and nothing is revoked.
    token = _create(capsys, home, "--principal", "ir-node", "--role", "peer", "--party", "IR")
    secret = token.split("_", 2)[2]
    for given in (token, token[:-3], "IR-NODE"):
        code, out, err = run(capsys, "--home", str(home), "token", "revoke", "--principal", "ir-node", "--id", given)
        assert (code, out) == (1, "")
        assert err == (
            "error: --id: a token's id is 12 lower-case hex digits, as 'sarhad token list' shows it (the <id> of"
            " sarhad_<id>_<secret>), not the token itself\n"
        )
        assert secret[:12] not in err
    code, out, _ = run(capsys, "--home", str(home), "token", "list", "--json")
    assert [row["status"] for row in json.loads(out)] == ["active"]
