"""Every framework command that publishes a record takes ``--tlp``: a party can mark an indicator value, a dispute
or a recommendation TLP:CLEAR for the parliamentary monitors (who read TLP:CLEAR alone) from the command line, a
value that is not a TLP level is refused, and a dispute's reply or update (a recommendation's follow-up) keeps the
record's marking: a ``--tlp`` other than it is refused and nothing is published."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.exchange.withheld import record_withheld
from sarhad.framework import ops
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.report import Readable, build_context
from sarhad.framework.store import load
from sarhad.log.envelope import Envelope
from sarhad.node import Node
from sarhad.web.auth import Principal
from sarhad.web.context import Context
from tests.conftest import run_cli


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fw_home(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    """A PK node holding the founding framework, once on SQLite and once on PostgreSQL, for the CLI."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    n = Node.init(tmp_path / "pk", "PK", database_url=url)
    ops.init_template(n, "pk-ir-2025")
    yield n
    n.close()


def _run(capsys: pytest.CaptureFixture[str], node: Node, *args: str) -> tuple[int, str, str]:
    code, out, err = run_cli(capsys, "--home", str(node.settings.home), *args)
    return code, out.strip(), " ".join(err.split())


def _markings(node: Node, object_id: str) -> list[str]:
    return [str(r[0]) for r in node.db.fetchall("SELECT tlp FROM objects WHERE id = ? ORDER BY modified", (object_id,))]


def _monitor(node: Node) -> Readable:
    ctx = Context(node)
    principal = Principal("mp-committee", "viewer", "PARL")
    return Readable(ctx.read_clause(principal, "o"), lambda f: ctx.incident_filters(principal, f))


def _open_clear_dispute(capsys: pytest.CaptureFixture[str], node: Node) -> str:
    code, out, err = _run(
        capsys, node, "dispute", "open", "--commitment", "C-02", "--quarter", "2025Q4",
        "--subject", "Did both committees meet?", "--position", "Both met.", "--tlp", "CLEAR",
    )  # fmt: skip
    assert code == 0, err
    return out


def test_indicator_record_and_dispute_open_publish_clear_for_the_monitors(
    fw_home: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, fw_home, "indicator", "record", "I-04.1", "--quarter", "2025Q4", "--value", "2",
                        "--tlp", "clear")  # fmt: skip
    assert code == 0, err
    dispute = _open_clear_dispute(capsys, fw_home)
    monitor = _monitor(fw_home)
    seen = load(fw_home.db, readable=monitor.objects)
    assert [(v["indicator"], v["period"], v["value"]) for v in seen.values] == [("I-04.1", "2025Q4", 2)]
    assert [d["code"] for d in seen.disputes] == [dispute]


def test_a_reply_or_update_marked_otherwise_than_the_dispute_is_refused_and_publishes_nothing(
    fw_home: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    dispute = _open_clear_dispute(capsys, fw_home)
    (did,) = [d["id"] for d in load(fw_home.db).disputes]
    code, _, err = _run(capsys, fw_home, "dispute", "reply", dispute, "--position", "One met.", "--party", "IR",
                        "--tlp", "GREEN")  # fmt: skip
    assert code == 1
    assert f"dispute {dispute} is marked TLP:CLEAR: a reply marked TLP:GREEN would take all of it" in err
    code, _, err = _run(capsys, fw_home, "dispute", "update", dispute, "--note", "to the JC", "--tlp", "RED")
    assert code == 1 and "an update marked TLP:RED would take all of it" in err and "Traceback" not in err
    assert _markings(fw_home, did) == ["CLEAR"]
    code, _, err = _run(capsys, fw_home, "dispute", "reply", dispute, "--position", "One met.", "--party", "IR",
                        "--tlp", "TLP:CLEAR")  # fmt: skip
    assert code == 0, err
    code, _, err = _run(capsys, fw_home, "dispute", "update", dispute, "--note", "to the JC")
    assert code == 0, err
    assert _markings(fw_home, did) == ["CLEAR", "CLEAR", "CLEAR"]


def test_a_reply_less_strict_than_the_dispute_is_refused(fw_home: Node, capsys: pytest.CaptureFixture[str]) -> None:
    code, dispute, err = _run(
        capsys, fw_home, "dispute", "open", "--commitment", "C-08", "--quarter", "2025Q4",
        "--subject", "Requests unanswered", "--position", "7 of 11 late.", "--tlp", "AMBER",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = _run(capsys, fw_home, "dispute", "reply", dispute, "--position", "All answered.", "--party", "IR",
                        "--tlp", "CLEAR")  # fmt: skip
    assert code == 1
    assert (
        f"dispute {dispute} is marked TLP:AMBER: a reply marked TLP:CLEAR would lay it open to those who may read"
        " TLP:CLEAR; nothing was published" in err
    )
    (d,) = load(fw_home.db).disputes
    assert sorted(d["positions"]) == ["PK"] and _markings(fw_home, d["id"]) == ["AMBER"]


def test_a_clear_recommendation_reaches_the_monitors_report_and_keeps_its_marking(
    fw_home: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    code, rec, err = _run(capsys, fw_home, "recommend", "add", "--quarter", "2025Q4", "--text", "Meet monthly.",
                          "--tlp", "CLEAR")  # fmt: skip
    assert code == 0, err
    code, _, err = _run(capsys, fw_home, "recommend", "update", rec, "--status", "in-progress", "--tlp", "GREEN")
    assert code == 1 and f"recommendation {rec} is marked TLP:CLEAR: a follow-up marked TLP:GREEN" in err
    code, _, err = _run(capsys, fw_home, "recommend", "update", rec, "--status", "in-progress")
    assert code == 0, err
    (r,) = load(fw_home.db).recommendations
    assert _markings(fw_home, r["id"]) == ["CLEAR", "CLEAR"]
    # The current quarter's report follows it up (2025Q4's, as of its end, has it as made: it was followed up today).
    current = str(Quarter.of(utc_today()))
    seen = build_context(fw_home, current, readable=_monitor(fw_home))["recommendations"]["earlier"]
    assert [(x["code"], x["status"]) for x in seen] == [(rec, "in-progress")]


@pytest.mark.parametrize(
    "command",
    [
        ["assess", "C-02", "--quarter", "2025Q4", "--level", "2", "--rationale", "ToR"],
        ["indicator", "record", "I-04.1", "--quarter", "2025Q4", "--value", "2"],
        ["dispute", "open", "--commitment", "C-02", "--quarter", "2025Q4", "--subject", "s", "--position", "p"],
        ["recommend", "add", "--quarter", "2025Q4", "--text", "Meet monthly."],
    ],
)
def test_a_tlp_that_is_not_a_level_is_refused_and_nothing_is_stored(
    fw_home: Node, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    before = fw_home.db.fetchone("SELECT COUNT(*) FROM objects")
    code, _, err = _run(capsys, fw_home, *command, "--tlp", "PUBLIC")
    assert code == 1
    assert "TLP 'PUBLIC' is not one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED" in err and "Traceback" not in err
    assert fw_home.db.fetchone("SELECT COUNT(*) FROM objects") == before


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def green_home(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    """A PK node whose framework was set up TLP:GREEN (``framework init --tlp GREEN``)."""
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    n = Node.init(tmp_path / "pk", "PK", database_url=url)
    ops.init_template(n, "pk-ir-2025", tlp="GREEN")
    yield n
    n.close()


def test_a_new_target_or_milestone_status_keeps_the_frameworks_marking(
    capsys: pytest.CaptureFixture[str], green_home: Node
) -> None:
    """A framework set up TLP:GREEN stays GREEN: a new target or milestone status re-published its indicator or
    milestone TLP:CLEAR, laying it open to every reader of CLEAR."""
    data = load(green_home.db)
    indicator, milestone = data.indicators[0], data.milestones[0]
    assert _markings(green_home, indicator["id"]) == ["GREEN"]
    code, _, err = _run(capsys, green_home, "indicator", "target", indicator["code"], "--value", "4",
                        "--per-quarter")  # fmt: skip
    assert code == 0, err
    code, _, err = _run(capsys, green_home, "milestone", "update", milestone["code"], "--status", "partiallyMet")
    assert code == 0, err
    assert _markings(green_home, indicator["id"]) == ["GREEN", "GREEN"]
    assert _markings(green_home, milestone["id"]) == ["GREEN", "GREEN"]


def test_a_milestone_whose_latest_version_was_withheld_keeps_the_marking_of_the_version_held(
    capsys: pytest.CaptureFixture[str], green_home: Node
) -> None:
    """IR changed a milestone of the framework set up TLP:GREEN under a marking this node may not read (RED for its
    own desk): no version is current here. A new status, built on the GREEN version held, is GREEN too; it was
    published TLP:CLEAR, the default for a record of which no version is current."""
    milestone = load(green_home.db).milestones[0]
    later = "2099-01-01T00:00:00.000Z"
    sha = hashlib.sha256(f"{milestone['id']}@{later}".encode()).hexdigest()
    with green_home.db.transaction():
        record_withheld(green_home.db, [Envelope(milestone["id"], later, sha, "RED", later)], "IR")
    code, _, err = _run(capsys, green_home, "milestone", "update", milestone["code"], "--status", "partiallyMet")
    assert code == 0, err
    assert _markings(green_home, milestone["id"]) == ["GREEN", "GREEN"]
