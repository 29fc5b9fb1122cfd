"""Writing framework records: validation before anything is stored, the log, evidence files, disputes."""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Required, TypedDict

import pytest

from sarhad.errors import InvalidInput, NotFound
from sarhad.framework import ops
from sarhad.framework.quarter import Quarter, utc_today
from sarhad.framework.store import load, rebuild
from sarhad.node import Node
from tests.framework.conftest import objects_count


class _Assessment(TypedDict, total=False):
    """``ops.assess``'s arguments after the node."""

    commitment: Required[str]
    quarter: Required[str]
    level: Required[int]
    rationale: Required[str]
    compliance: str
    effectiveness: str
    party: str
    evidence: list[str]


class _Changes(TypedDict, total=False):
    """What a bad-input case changes in a valid assessment."""

    commitment: str
    quarter: str
    level: int
    rationale: str
    compliance: str
    effectiveness: str
    party: str
    evidence: list[str]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"level": 4}, InvalidInput, "level 4 is outside 0..3"),
        ({"level": -1}, InvalidInput, "outside 0..3"),
        ({"quarter": "2026Q5"}, InvalidInput, "quarter number must be 1..4"),
        ({"quarter": "2025Q3"}, InvalidInput, "before the framework's first quarter 2025Q4"),
        ({"commitment": "C-99"}, NotFound, "no commitment 'C-99'"),
        ({"compliance": "XX"}, InvalidInput, "compliance 'XX' is not one of C, LC, PC, NC"),
        ({"effectiveness": "great"}, InvalidInput, "effectiveness 'great'"),
        ({"rationale": "  "}, InvalidInput, "needs a rationale"),
        ({"party": "AF"}, InvalidInput, "party 'AF' is not one of PK, IR, JOINT"),
        ({"evidence": ["E-nope"]}, NotFound, "no evidence 'E-nope'"),
    ],
)
def test_assess_rejects_bad_input_and_stores_nothing(
    fw_node: Node, kwargs: _Changes, error: type[Exception], match: str
) -> None:
    args: _Assessment = {"commitment": "C-01", "quarter": "2026Q1", "level": 1, "rationale": "x"}
    args.update(kwargs)
    before = objects_count(fw_node)
    size = fw_node.log.size() if hasattr(fw_node.log, "size") else None
    with pytest.raises(error, match=match):
        ops.assess(fw_node, **args)
    assert objects_count(fw_node) == before
    assert fw_node.db.fetchone("SELECT COUNT(*) FROM fw_assessments") == (0,)
    if size is not None:
        assert fw_node.log.size() == size


def test_assess_publishes_through_the_log_and_updates_the_view(fw_node: Node) -> None:
    out = ops.assess(fw_node, "c-8", "2026Q1", 2, "requests answered", compliance="lc", effectiveness="Moderate")
    assert out["commitment"] == "C-08" and out["compliance"] == "LC" and out["effectiveness"] == "moderate"
    row = fw_node.db.fetchone("SELECT log_index, origin, body FROM objects WHERE id = ?", (out["id"],))
    assert row is not None and row[0] is not None and row[1] == "PK"
    body = json.loads(row[2])
    assert body["type"] == "x-sarhad-assessment" and body["assessor"] == "PK" and body["state"] == "submitted"
    assert fw_node.db.fetchall("SELECT commitment, quarter, assessor, level FROM fw_assessments") == [
        ("C-08", "2026Q1", "PK", 2)
    ]
    # The same assessment again is unchanged; a revision is a new version of the same object.
    assert (
        ops.assess(fw_node, "C-08", "2026Q1", 2, "requests answered", compliance="LC", effectiveness="moderate")[
            "changed"
        ]
        is False
    )
    ops.assess(fw_node, "C-08", "2026Q1", 3, "all answered")
    versions = fw_node.db.fetchall("SELECT modified FROM objects WHERE id = ? ORDER BY modified", (out["id"],))
    assert len(versions) == 2
    assert fw_node.db.fetchone("SELECT level FROM fw_assessments") == (3,)


def test_assess_draft_is_red_and_not_counted(fw_node: Node) -> None:
    from sarhad.framework.derive import status
    from sarhad.framework.quarter import Quarter

    ops.assess(fw_node, "C-01", "2026Q1", 1, "draft text", state="draft")
    data = load(fw_node.db)
    assert data.assessments[0]["object_marking_refs"] == ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]
    st = status(data, "C-01", Quarter(2026, 1))
    assert st.state == "not-assessed" and len(st.drafts) == 1


def test_assess_cannot_overwrite_the_other_partys_own_record(fw_node: Node) -> None:
    from sarhad.framework.model import stix_object
    from sarhad.framework.store import index_stored

    # IR's own assessment, as it arrives from IR's node (created by IR), published here like a pulled object.
    ir_own = stix_object("assessment", ("pk-ir-2025", "C-01", "2026Q1", "IR"), "IR", "GREEN", framework="pk-ir-2025",
                         commitment="C-01", quarter="2026Q1", assessor="IR", implementation_level=2,
                         rationale="IR's own", state="submitted", recorded_by="IR")  # fmt: skip
    with fw_node.publisher() as pub:
        index_stored(fw_node.db, ir_own["id"], pub.add_object(ir_own, tlp="GREEN"))
    assert load(fw_node.db).assessments[0]["rationale"] == "IR's own"
    with pytest.raises(InvalidInput, match="IR has published its own assessment of C-01 for 2026Q1"):
        ops.assess(fw_node, "C-01", "2026Q1", 3, "overwrite", party="IR")
    # PK's own assessment of the same commitment is its own record.
    ops.assess(fw_node, "C-01", "2026Q1", 1, "PK's view")
    assert {a["assessor"]: a["implementation_level"] for a in load(fw_node.db).assessments} == {"IR": 2, "PK": 1}


def test_assess_records_the_other_partys_submission_received_off_line(fw_node: Node) -> None:
    ops.assess(fw_node, "C-01", "2026Q1", 1, "IR's view, received by letter", party="IR")
    ops.assess(fw_node, "C-01", "2026Q1", 2, "IR's corrected letter", party="IR")  # a transcription may be revised
    (a,) = load(fw_node.db).assessments
    assert a["assessor"] == "IR" and a["recorded_by"] == "PK" and a["received_off_line"] is True
    assert a["implementation_level"] == 2


def test_evidence_add_hashes_and_copies_read_only(fw_node: Node, tmp_path: Path) -> None:
    f = tmp_path / "minutes.txt"
    f.write_bytes(b"minutes of the first meeting\n")
    out = ops.add_evidence(fw_node, f, "meeting")
    digest = hashlib.sha256(b"minutes of the first meeting\n").hexdigest()
    assert out["sha256"] == digest and out["size"] == 29 and out["code"] == f"E-{digest[:10]}"
    copy = fw_node.settings.home / out["file"]
    assert copy.read_bytes() == f.read_bytes() and not copy.stat().st_mode & stat.S_IWUSR
    assert fw_node.db.fetchone("SELECT sha256, size, kind FROM fw_evidence") == (digest, 29, "meeting")
    # The same file again: the same id, nothing new.
    again = ops.add_evidence(fw_node, f, "meeting")
    assert again["id"] == out["id"] and again["changed"] is False
    assert ops.resolve_evidence(fw_node, [out["code"], digest[:12], out["id"]]) == [out["id"]] * 3
    assert ops.verify_evidence(fw_node)[0]["result"] == "ok"


@pytest.mark.parametrize("ref", ["%", "_", "%%%%%%%%", "________", "x%", "", "  "])
def test_an_evidence_reference_takes_wildcards_as_text(any_fw_node: Node, tmp_path: Path, ref: str) -> None:
    """``--evidence %`` (or ``_``) cited whatever evidence the node held when it held one: a LIKE wildcard."""
    f = tmp_path / "minutes.txt"
    f.write_bytes(b"minutes of the first meeting\n")
    ops.add_evidence(any_fw_node, f, "meeting")
    error, match = (InvalidInput, "an evidence reference is empty") if not ref.strip() else (NotFound, "no evidence")
    with pytest.raises(error, match=match):
        ops.resolve_evidence(any_fw_node, [ref])


def test_an_evidence_prefix_of_several_items_is_ambiguous_and_lists_them(any_fw_node: Node) -> None:
    one = ops.add_evidence(any_fw_node, "https://example.org/a.pdf", "document", sha256="ab" * 32)
    two = ops.add_evidence(any_fw_node, "https://example.org/b.pdf", "document", sha256="ab" * 31 + "cd")
    ids = sorted([one["id"], two["id"]])
    with pytest.raises(InvalidInput, match=f"^evidence 'abababab' is ambiguous: {ids[0]}, {ids[1]}$"):
        ops.resolve_evidence(any_fw_node, ["abababab"])
    assert ops.resolve_evidence(any_fw_node, ["ab" * 31 + "c"]) == [two["id"]]


@pytest.mark.parametrize(
    ("source", "kind", "incidents", "error", "match"),
    [
        ("missing.txt", "document", None, InvalidInput, "no such file"),
        ("file", "video", None, InvalidInput, "evidence kind 'video' is not one of"),
        ("file", "incident", ["incident--00000000-0000-4000-8000-000000000000"], NotFound, "no incident"),
    ],
)
def test_evidence_add_rejects_bad_input_and_stores_nothing(
    fw_node: Node,
    tmp_path: Path,
    source: str,
    kind: str,
    incidents: list[str] | None,
    error: type[Exception],
    match: str,
) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    before = objects_count(fw_node)
    with pytest.raises(error, match=match):
        ops.add_evidence(fw_node, tmp_path / source, kind, incidents=incidents)
    assert objects_count(fw_node) == before
    assert not (fw_node.settings.home / "evidence").exists()


def test_evidence_link_with_declared_hash(fw_node: Node) -> None:
    out = ops.add_evidence(fw_node, "https://example.org/communique.pdf", "document", sha256="ab" * 32)
    assert out["url"] == "https://example.org/communique.pdf" and out["sha256"] == "ab" * 32 and out["file"] is None


def test_dispute_lifecycle(fw_node: Node) -> None:
    d = ops.open_dispute(fw_node, "C-08", "2026Q1", "timeliness", "4 of 11 answered", today=date(2026, 3, 25))
    assert d["code"] == "D-2026Q1-PK1" and d["reply_due"] == "2026-04-24"
    ops.reply_dispute(fw_node, d["code"], "all answered by phone", party="IR", today=date(2026, 4, 1))
    ops.update_dispute(fw_node, d["code"], level="joint-committee", note="not settled")
    out = ops.update_dispute(fw_node, d["code"], status="resolved-disagreement-noted", note="both positions noted")
    assert out["status"] == "resolved-disagreement-noted"
    body = load(fw_node.db).disputes[0]
    assert set(body["positions"]) == {"PK", "IR"} and body["resolution"] == "both positions noted"
    assert [h["event"] for h in body["history"]][:2] == ["opened at technical level", "position recorded"]
    with pytest.raises(InvalidInput, match="dispute level 'summit'"):
        ops.update_dispute(fw_node, d["code"], level="summit")
    with pytest.raises(NotFound, match="no dispute 'D-9'"):
        ops.reply_dispute(fw_node, "D-9", "x")


def test_indicator_values_and_targets(fw_node: Node) -> None:
    ops.record_indicator(fw_node, "I-02.1", "2026Q1", 2)
    ops.record_indicator(fw_node, "I-02.1", "2026Q1", 3, party="IR")
    assert sorted(fw_node.db.fetchall("SELECT party, value FROM fw_indicator_values")) == [("IR", 3.0), ("PK", 2.0)]
    with pytest.raises(InvalidInput, match="yes/no"):
        ops.record_indicator(fw_node, "I-03.1", "2026Q1", 2)
    with pytest.raises(InvalidInput, match="percentage"):
        ops.record_indicator(fw_node, "I-08.1", "2026Q1", 120)
    with pytest.raises(NotFound, match="no indicator 'I-99'"):
        ops.record_indicator(fw_node, "I-99", "2026Q1", 1)
    out = ops.set_indicator_target(fw_node, "I-12.1", 5, by="2030Q4")
    assert out["target"]["by"] == "2030-12-31"


def test_milestone_new_due_date_needs_a_reason(fw_node: Node) -> None:
    with pytest.raises(InvalidInput, match="needs a --reason"):
        ops.update_milestone(fw_node, "M-03.1", due="2026-05-31")
    out = ops.update_milestone(fw_node, "M-03.1", due="2026-05-31", reason="postponed")
    assert out["due"] == "2026-03-31" and out["due_revised"] == "2026-05-31"
    with pytest.raises(InvalidInput, match="milestone status 'done'"):
        ops.update_milestone(fw_node, "M-03.1", status="done")


def test_rebuild_recreates_the_views_from_the_objects(scenario_node: Node) -> None:
    tables = (
        "fw_commitments",
        "fw_assessments",
        "fw_indicator_values",
        "fw_evidence",
        "fw_disputes",
        "fw_milestones",
        "fw_evidence_incidents",
        "fw_recommendations",
    )
    before = {t: sorted(scenario_node.db.fetchall(f"SELECT * FROM {t}")) for t in tables}
    with scenario_node.db.transaction():
        count = rebuild(scenario_node.db)
    assert count > 80
    after = {t: sorted(scenario_node.db.fetchall(f"SELECT * FROM {t}")) for t in tables}
    assert after == before


@pytest.mark.postgres
def test_framework_on_postgresql(pg_schema_url: str, tmp_path: Path) -> None:
    n = Node.init(tmp_path / "pk", "PK", database_url=pg_schema_url)
    try:
        ops.init_template(n)
        ops.assess(n, "C-02", "2026Q1", 2, "met once")
        ops.assess(n, "C-02", "2026Q1", 3, "met twice", party="IR")
        ops.open_dispute(n, "C-02", "2026Q1", "meetings", "once only")
        data = load(n.db)
        assert len(data.commitments) == 13 and len(data.assessments) == 2 and len(data.disputes) == 1
        with n.db.transaction():
            assert rebuild(n.db) == len(data.commitments) + len(data.milestones) + len(data.indicators) + 4
    finally:
        n.close()


def test_two_nodes_exchange_framework_records(tmp_path: Path) -> None:
    """IR's own records reach PK's node (as a pull publishes them) and sit beside PK's, never overwritten."""
    pull = pytest.importorskip("sarhad.exchange.pull")
    from sarhad.framework.derive import status
    from sarhad.framework.quarter import Quarter

    pk, ir = Node.init(tmp_path / "pk", "PK"), Node.init(tmp_path / "ir", "IR")
    try:
        for n in (pk, ir):
            ops.init_template(n)
        ops.assess(pk, "C-02", "2026Q1", 2, "one meeting")
        ops.assess(ir, "C-02", "2026Q1", 3, "two meetings")
        rows = ir.db.fetchall("SELECT body FROM objects WHERE type LIKE 'x-sarhad-%' OR type = 'extension-definition'")
        result = pull.publish_stix(pk, [json.loads(r[0]) for r in rows], "ir")
        assert result[3:] == (1, 0, 39)  # only IR's assessment is new: the founding records are identical
        with pk.db.transaction():
            rebuild(pk.db)
        st = status(load(pk.db), "C-02", Quarter(2026, 1))
        assert (st.level("PK"), st.level("IR"), st.state) == (2, 3, "disputed")
        with pytest.raises(InvalidInput, match="IR has published its own assessment"):
            ops.assess(pk, "C-02", "2026Q1", 1, "overwrite", party="IR")
    finally:
        pk.close()
        ir.close()


def test_a_quarter_that_has_not_started_is_refused_for_assessments_and_values(any_fw_node: Node) -> None:
    before = objects_count(any_fw_node)
    mid_q1 = date(2026, 2, 10)
    with pytest.raises(InvalidInput, match=r"^quarter 2026Q2 has not started yet: .* the current quarter 2026Q1 "):
        ops.assess(any_fw_node, "C-02", "2026Q2", 1, "too early", today=mid_q1)
    with pytest.raises(InvalidInput, match="quarter 2026Q2 has not started yet: an indicator value may be for the"):
        ops.record_indicator(any_fw_node, "I-02.1", "2026Q2", 2, today=mid_q1)
    assert objects_count(any_fw_node) == before
    # The current quarter is open: the parties assess during it.
    ops.assess(any_fw_node, "C-02", "2026Q1", 1, "under way", today=mid_q1)
    ops.record_indicator(any_fw_node, "I-02.1", "2026Q1", 1, today=mid_q1)


def test_a_quarter_that_has_not_started_is_refused_for_disputes_and_recommendations(any_fw_node: Node) -> None:
    before = objects_count(any_fw_node)
    mid_q1 = date(2026, 2, 10)
    with pytest.raises(InvalidInput, match=r"^quarter 2026Q2 has not started yet: a dispute .* quarter 2026Q1 "):
        ops.open_dispute(any_fw_node, "C-08", "2026Q2", "timeliness", "late", today=mid_q1)
    with pytest.raises(InvalidInput, match="quarter 2026Q2 has not started yet: a recommendation may be for the"):
        ops.add_recommendation(any_fw_node, "2026Q2", "Agree a protocol", today=mid_q1)
    assert objects_count(any_fw_node) == before
    # The current quarter is open, as for assessments.
    assert ops.open_dispute(any_fw_node, "C-08", "2026Q1", "timeliness", "late", today=mid_q1)["quarter"] == "2026Q1"
    assert ops.add_recommendation(any_fw_node, "2026Q1", "Agree a protocol", today=mid_q1)["quarter"] == "2026Q1"


def test_a_future_quarter_is_refused_by_the_utc_clock(any_fw_node: Node) -> None:
    from sarhad.framework.quarter import Quarter

    now = Quarter.of(utc_today())
    with pytest.raises(InvalidInput, match=f"quarter {now.next()} has not started yet: .* current quarter {now} "):
        ops.assess(any_fw_node, "C-02", str(now.next()), 1, "too early")
    ops.assess(any_fw_node, "C-02", str(now), 1, "under way")


def test_open_dispute_refuses_an_indicator_of_another_commitment(any_fw_node: Node) -> None:
    before = objects_count(any_fw_node)
    with pytest.raises(InvalidInput, match=r"^indicator I-02.1 belongs to commitment C-02, not C-08: .*C-02$"):
        ops.open_dispute(any_fw_node, "C-08", "2026Q1", "timeliness", "late", indicator="i-02.1")
    assert objects_count(any_fw_node) == before
    d = ops.open_dispute(any_fw_node, "C-02", "2026Q1", "meetings", "one only", indicator="I-02.1")
    assert load(any_fw_node.db).disputes[0]["subject"]["indicator"] == "I-02.1" and d["commitment"] == "C-02"


def test_recommendation_table_lists_and_filters_by_quarter_and_commitment(any_fw_node: Node) -> None:
    from sarhad.framework.views import recommendation_table

    ops.add_recommendation(
        any_fw_node, "2026Q1", "Agree a 72-hour protocol", owner="TC", due="2026Q2", commitment="c-8"
    )
    ops.add_recommendation(any_fw_node, "2026Q2", "Hold the summit")
    ops.update_recommendation(any_fw_node, "R-2026Q1-PK1", "implemented", note="signed")
    rows = recommendation_table(any_fw_node.db)
    assert [(r["code"], r["commitment"], r["due"], r["status"]) for r in rows] == [
        ("R-2026Q1-PK1", "C-08", "2026-06-30", "implemented"),
        ("R-2026Q2-PK1", None, None, "open"),
    ]
    assert rows[0]["history"][0]["note"] == "signed" and rows[0]["owner"] == "TC"
    assert [r["code"] for r in recommendation_table(any_fw_node.db, quarter="2026q2")] == ["R-2026Q2-PK1"]
    assert [r["code"] for r in recommendation_table(any_fw_node.db, commitment="C-8")] == ["R-2026Q1-PK1"]
    assert recommendation_table(any_fw_node.db, quarter="2026Q2", commitment="C-08") == []
    with pytest.raises(NotFound, match="no commitment 'C-99'"):
        recommendation_table(any_fw_node.db, commitment="C-99")


@pytest.fixture
def local_date_not_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A local time zone whose date differs from the UTC date now (UTC+14 in the UTC afternoon, UTC-12 in the
    morning); yields the UTC date."""
    import time
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati" if now.hour >= 11 else "Etc/GMT+12")
    time.tzset()
    try:
        assert date.today() != now.date()
        yield now.date().isoformat()
    finally:
        monkeypatch.undo()
        time.tzset()


def test_the_framework_stamps_days_in_utc(any_fw_node: Node, local_date_not_utc: str) -> None:
    from sarhad.framework.report import build_context

    day = local_date_not_utc
    n = any_fw_node
    assert ops.update_milestone(n, "M-03.1", due="2026-06-30", reason="after the summit")["changed"]
    m = next(m for m in load(n.db).milestones if m["code"] == "M-03.1")
    assert m["changes"][-1]["on"] == day and m["date_modified"] == day
    ops.set_indicator_target(n, "I-12.1", 5, by="2030Q4", baseline=2.5)
    i = load(n.db).indicator("I-12.1")
    assert i["target"]["source"] == f"set by PK on {day}" and i["baseline"]["date"] == day
    d = ops.open_dispute(n, "C-08", "2026Q1", "timeliness", "late")
    ops.reply_dispute(n, d["code"], "on time", party="IR")
    ops.update_dispute(n, d["code"], note="raised at the JC")
    (dispute,) = load(n.db).disputes
    assert dispute["raised_on"] == day and [h["on"] for h in dispute["history"]] == [day, day, day]
    ops.add_recommendation(n, "2026Q1", "Agree a protocol")
    ops.update_recommendation(n, "R-2026Q1-PK1", "in-progress")
    assert load(n.db).recommendations[0]["history"][0]["on"] == day
    # The default version of the current quarter's report is today (UTC); a quarter that is over is drawn as of
    # its end, its version that day.
    assert build_context(n, str(Quarter.of(date.fromisoformat(day))))["version"] == day
