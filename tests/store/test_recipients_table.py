"""The object_recipients view gives the named recipients of every TLP:RED object version, whoever wrote it."""

from __future__ import annotations

import dataclasses
import json

import pytest

from sarhad.model.incident import SARHAD_EXTENSION, Incident, incident_id
from sarhad.node import Node
from sarhad.store.recipients import MIGRATIONS, recipients_of


def _incident(source: str, tlp: str = "RED", recipients: tuple[str, ...] = ()) -> Incident:
    return Incident(id=incident_id("party", "PK", source), reported_by="PK", dataset="party", source_id=source,
                    date_start="2026-01-02", date_end="2026-01-02", tlp=tlp, recipients=recipients)  # fmt: skip


def _rows(node: Node) -> list[tuple[str, str, str]]:
    got = node.db.fetchall(
        "SELECT DISTINCT object_id, recipient, party FROM object_recipients ORDER BY object_id, recipient"
    )
    return [(str(a), str(b), str(c)) for a, b, c in got]


def test_published_red_records_get_their_recipients_and_nothing_else_does(any_node: Node) -> None:
    a = _incident("a", recipients=("IR:desk-a", "PK:jtc-liaison"))
    any_node.publish([a, _incident("b"), _incident("c", "GREEN"), _incident("d", "AMBER")])
    assert _rows(any_node) == [(a.id, "IR:desk-a", "IR"), (a.id, "PK:jtc-liaison", "PK")]
    version = any_node.db.fetchone("SELECT modified FROM objects WHERE id = ?", (a.id,))
    assert version is not None
    assert recipients_of(any_node.db, a.id, str(version[0])) == ("IR:desk-a", "PK:jtc-liaison")


def test_a_new_version_has_its_own_recipients_and_the_old_keeps_its_own(any_node: Node) -> None:
    a = _incident("a", recipients=("IR:desk-a",))
    any_node.publish([a])
    any_node.publish([dataclasses.replace(a, recipients=("IR:desk-b",), title="v2")])
    versions = any_node.db.fetchall("SELECT modified FROM objects WHERE id = ? ORDER BY modified", (a.id,))
    assert [recipients_of(any_node.db, a.id, str(v[0])) for v in versions] == [("IR:desk-a",), ("IR:desk-b",)]
    any_node.publish([dataclasses.replace(a, tlp="GREEN", recipients=(), title="v3")])
    assert len(_rows(any_node)) == 2  # the GREEN version names no one


def test_odd_recipients_in_a_stored_body_give_no_rows_and_do_not_fail(any_node: Node) -> None:
    """A peer's body is what it signed: a recipients value that is not a list of strings is ignored."""
    base = _incident("odd").to_stix("PK")
    for i, odd in enumerate(["IR:desk-a", [7, None, {"IR:x": 1}, "nocolon", ":x", "IR:desk-a", "IR:desk-a"], {}]):
        body = json.loads(json.dumps(base))
        body["extensions"][SARHAD_EXTENSION]["recipients"] = odd
        with any_node.db.transaction():
            any_node.db.execute(
                "INSERT INTO objects (id, modified, type, sha256, content_sha256, tlp, licence, origin, added, seq,"
                " body) VALUES (?, ?, 'incident', 'x', 'x', 'RED', 'L', 'IR', 'now', ?, ?)",
                (base["id"], f"2026-01-0{i + 1}T00:00:00Z", 1000 + i, json.dumps(body)),
            )
    assert _rows(any_node) == [(base["id"], "IR:desk-a", "IR")]  # only the list's one well-formed string, once


def test_updates_and_deletes_of_objects_are_seen_at_once(any_node: Node) -> None:
    a = _incident("a", recipients=("IR:desk-a",))
    any_node.publish([a])
    stored = any_node.db.fetchone("SELECT body FROM objects WHERE id = ?", (a.id,))
    assert stored is not None
    with any_node.db.transaction():
        any_node.db.execute(
            "UPDATE objects SET body = ? WHERE id = ?", (str(stored[0]).replace("desk-a", "desk-z"), a.id)
        )
    assert _rows(any_node) == [(a.id, "IR:desk-z", "IR")]
    with any_node.db.transaction():
        any_node.db.execute("UPDATE objects SET tlp = 'GREEN' WHERE id = ?", (a.id,))
    assert _rows(any_node) == []
    with any_node.db.transaction():
        any_node.db.execute("UPDATE objects SET tlp = 'RED' WHERE id = ?", (a.id,))
        any_node.db.execute("DELETE FROM objects WHERE id = ?", (a.id,))
    assert _rows(any_node) == []


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_every_migration_has_a_statement_for_each_dialect(dialect: str) -> None:
    for statement in MIGRATIONS:
        assert isinstance(statement, str) or statement[dialect]
