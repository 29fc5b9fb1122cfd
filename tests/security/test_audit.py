"""The audit trail: writes and non-CLEAR reads are recorded, flushed to the log as TLP:AMBER objects, and
editing a flushed record breaks log verification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad import audit
from sarhad.cli import app as cli_app
from sarhad.cli import main
from sarhad.cli.audit import register
from sarhad.errors import InvalidInput, VerificationError
from sarhad.importer import import_file
from sarhad.log.note import Signer, Verifier
from sarhad.log.verify import verify_log
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import UCDP_SAMPLE, UNUSED_TOKEN
from tests.security.conftest import in_process


def _verify(node: Node) -> None:
    verify_log(node.db, [Verifier.from_vkey(node.signer.vkey)], origin=node.settings.origin)


def test_reads_and_writes_are_audited_and_flushed_to_the_log_when_the_app_stops(node: Node) -> None:
    import_file(node, "ucdp", UCDP_SAMPLE)
    analyst = create_token(node.db, "ana", "analyst", "PK")
    outsider = create_token(node.db, "anyone", "viewer", "PUBLIC")
    with in_process(node) as app:
        auth = {"Authorization": f"Bearer {analyst}"}
        taxii = {**auth, "Accept": "application/taxii+json;version=2.1"}
        assert app.request("GET", "/api/incidents?limit=2", headers=auth).status_code == 200
        assert (
            app.request("GET", "/taxii2/sarhad/collections/incidents/objects/?limit=1", headers=taxii).status_code
            == 200
        )
        body = {"source_id": "a-1", "date_start": "2026-01-02", "tlp": "AMBER"}
        assert app.request("POST", "/api/incidents", headers=auth, json=body).status_code == 201
        # a principal who may read only CLEAR costs no audit row for a read
        assert app.request("GET", "/api/stats", headers={"Authorization": f"Bearer {outsider}"}).status_code == 200
        # a failed read is not a read
        assert app.request("GET", "/api/incidents/nope", headers=auth).status_code == 404
        pending = audit.list_audit(node.db)
        assert [(r.principal, r.action) for r in pending] == [
            ("ana", "read"),
            ("ana", "read"),
            ("ana", "create-incident"),
        ]
        assert pending[0].target == "/api/incidents?limit=2"
        assert all(r.logged is None for r in pending)
    rows = audit.list_audit(node.db)
    assert len(rows) == 3 and len({r.logged for r in rows}) == 1 and rows[0].logged is not None
    stored = node.db.fetchone("SELECT tlp, body FROM objects WHERE id = ?", (rows[0].logged,))
    assert stored is not None and stored[0] == audit.AUDIT_TLP
    obj = json.loads(stored[1])
    assert obj["type"] == audit.AUDIT_TYPE and obj["labels"] == [audit.AUDIT_LABEL]
    assert [r["action"] for r in obj["records"]] == ["read", "read", "create-incident"]
    _verify(node)


def test_editing_a_flushed_audit_record_breaks_verification(node: Node) -> None:
    audit.record(node.db, "ana", "read", "/api/incidents/x")
    assert audit.flush_to_log(node) == 1
    assert audit.flush_to_log(node) == 0
    _verify(node)
    logged = audit.list_audit(node.db)[0].logged
    with node.db.transaction():
        node.db.execute("UPDATE objects SET body = replace(body, '\"ana\"', '\"bob\"') WHERE id = ?", (logged,))
    with pytest.raises(VerificationError):
        _verify(node)


def test_flush_splits_large_backlogs_into_batches(node: Node) -> None:
    for i in range(7):
        audit.record(node.db, f"p{i}", "read", "/api/stats")
    assert audit.flush_to_log(node, max_batch=3) == 7
    assert len({r.logged for r in audit.list_audit(node.db)}) >= 2
    _verify(node)


def test_list_audit_filters_by_principal_and_time(node: Node) -> None:
    audit.record(node.db, "ana", "read", "a")
    audit.record(node.db, "bob", "read", "b")
    assert [r.target for r in audit.list_audit(node.db, principal="bob")] == ["b"]
    assert audit.list_audit(node.db, since="2999-01-01") == []
    assert len(audit.list_audit(node.db, since="2000-01-01T00:00Z", limit=1)) == 1
    with pytest.raises(InvalidInput, match=r"--since 'yesterday' is not an ISO 8601"):
        audit.list_audit(node.db, since="yesterday")
    with pytest.raises(InvalidInput, match="limit -1 is negative"):
        audit.list_audit(node.db, limit=-1)


def test_audit_cli_lists_as_json_and_flushes(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    if not any(g.name == "audit" for g in cli_app.registered_groups):
        register(cli_app)
    audit.record(node.db, "ana", "read", "/api/incidents")
    home = str(node.settings.home)
    assert main(["--home", home, "audit", "list", "--json", "--principal", "ana"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["principal"] == "ana" and listed[0]["logged"] is None
    assert main(["--home", home, "audit", "flush"]) == 0
    assert "flushed 1 audit record(s)" in capsys.readouterr().out
    assert main(["--home", home, "audit", "list", "--since", "not a date"]) != 0
    assert "is not an ISO 8601" in capsys.readouterr().err


def test_token_peer_and_rule_changes_through_the_cli_are_audited_without_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(tmp_path / "pk")
    assert main(["--home", home, "init", "--party", "PK"]) == 0
    assert main(["--home", home, "token", "create", "--principal", "ir-node", "--role", "peer", "--party", "IR"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    vkey = Signer.generate("sarhad.ir/log").vkey
    assert (
        main(["--home", home, "peer", "add", "IR", "http://127.0.0.1:9", "--vkey", vkey, "--token", UNUSED_TOKEN]) == 0
    )
    assert main(["--home", home, "token", "revoke", "--principal", "ir-node"]) == 0
    capsys.readouterr()
    assert main(["--home", home, "audit", "list", "--json"]) == 0
    out = capsys.readouterr().out
    rows = [(r["action"], r["target"]) for r in json.loads(out) if r["principal"].startswith("cli")]
    assert rows == [
        ("create-token", "ir-node (peer, IR)"),
        ("add-peer", "IR (IR) at http://127.0.0.1:9"),
        ("revoke-token", "ir-node (1 token(s))"),
    ]
    # The token is sarhad_<id>_<secret>, and the secret (URL-safe base64) may itself hold "_": split once at
    # the id only. (Its part after the last "_", checked before, is 0 to a few characters in about 1 run of
    # 100, and then found in any output.)
    secret = token.split("_", 2)[2]
    assert len(secret) >= 20 and secret not in out and token not in out
