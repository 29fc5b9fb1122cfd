"""The reconcile CLI contract: reconcile, clusters list/show, and analyst decisions respected later."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sarhad.cli import main
from sarhad.config import write_settings
from sarhad.node import Node
from sarhad.reconcile.decisions import DECISION_TYPE
from tests.reconcile.helpers import report


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def clusters(capsys: pytest.CaptureFixture[str], home: Path, *flags: str) -> list[dict[str, Any]]:
    code, out, err = run(capsys, home, "clusters", "list", *flags, "--json")
    assert code == 0, err
    data: list[dict[str, Any]] = json.loads(out)
    return data


def by_sources(rows: list[dict[str, Any]]) -> dict[frozenset[str], str]:
    return {frozenset(m["source_id"] for m in r["members"]): r["cluster_id"] for r in rows}


@pytest.fixture
def home(reports_node: Node) -> Path:
    return reports_node.settings.home


def test_reconcile_json_summary_and_list_contract(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, home, "reconcile", "--json")
    assert code == 0
    assert json.loads(out)["clusters"] == 3
    rows = clusters(capsys, home)
    assert len(rows) == 3
    for row in rows:
        joint = {"killed_by_party", "wounded_by_party", "place", "admin1", "country", "lat", "lon"}
        columns = {"cluster_id", "date_start", "date", "members", "killed", "wounded", "flags", "to_review"}
        assert set(row) == {*columns, *joint}
        assert row["to_review"] == []  # no analyst decision a correction put to review
        assert set(row["date"]) == {"start", "end", "precision", "agree"}
        assert all(set(m) == {"id", "source_id", "reported_by", "dataset", "label"} for m in row["members"])
        assert set(row["killed"]) == {"low", "best", "high"}
    disputed = clusters(capsys, home, "--disagreements")
    assert [sorted(m["source_id"] for m in r["members"]) for r in disputed] == [["IR-3", "PK-3"]]
    code, out, _ = run(capsys, home, "reconcile")
    assert code == 0 and out.startswith("reconciled 6 records (0 new or changed, 0 reclustered) into 3 incidents")


def test_show_puts_every_members_version_side_by_side(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, home, "reconcile")
    cid = by_sources(clusters(capsys, home))[frozenset({"PK-3", "IR-3"})]
    code, out, _ = run(capsys, home, "clusters", "show", cid)
    assert code == 0
    for text in (cid, "figures_disagree", "Jaish al-Zolm", "Jaish al-Adl", "2024-03-14", "2024-03-15",
                 "IR IR-3", "PK PK-3", "12"):  # fmt: skip
        assert text in out
    code, out, _ = run(capsys, home, "clusters", "show", cid, "--json")
    assert {r["source_id"] for r in json.loads(out)["records"]} == {"PK-3", "IR-3"}


def test_split_is_published_and_respected_by_later_runs(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, home, "reconcile")
    rows = clusters(capsys, home)
    cid = by_sources(rows)[frozenset({"PK-3", "IR-3"})]
    ir_record = next(m["id"] for r in rows for m in r["members"] if m["source_id"] == "IR-3")
    code, out, err = run(capsys, home, "clusters", "split", cid, ir_record, "--note", "different raids", "--json")
    assert code == 0, err
    assert len(json.loads(out)["clusters"]) == 1
    groups = by_sources(clusters(capsys, home))
    assert frozenset({"PK-3"}) in groups and frozenset({"IR-3"}) in groups
    # A full recompute still keeps them apart: the decision is a logged object of the node.
    run(capsys, home, "reconcile", "--full")
    groups = by_sources(clusters(capsys, home))
    assert frozenset({"PK-3"}) in groups and frozenset({"IR-3"}) in groups
    node = Node.open(_settings(home))
    try:
        row = node.db.fetchone("SELECT body, log_index FROM objects WHERE type = ?", (DECISION_TYPE,))
        assert row is not None and row[1] is not None
        assert json.loads(row[0])["note"] == "different raids"
    finally:
        node.close()


def test_merge_and_confirm_keep_records_together(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, home, "reconcile")
    groups = by_sources(clusters(capsys, home))
    a, b = groups[frozenset({"PK-1", "PAK-1"})], groups[frozenset({"PK-2", "PAK-2"})]
    code, _, err = run(capsys, home, "clusters", "merge", a, b, "--same-source")
    assert code == 0, err
    groups = by_sources(clusters(capsys, home))
    assert frozenset({"PK-1", "PAK-1", "PK-2", "PAK-2"}) in groups
    run(capsys, home, "reconcile", "--full")
    merged = by_sources(clusters(capsys, home))[frozenset({"PK-1", "PAK-1", "PK-2", "PAK-2"})]
    code, out, _ = run(capsys, home, "clusters", "confirm", merged)
    assert code == 0 and "confirm: 4 records now in" in out


def test_merging_two_incidents_of_one_source_is_refused_unless_said(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """PK and ACLED each reported both Quetta attacks: merging their clusters would make one incident that each
    source reported twice, which is most likely a mistake, and a decision once published stays in the log. It is
    refused before anything is published, naming the sources and their records, unless --same-source says so."""
    run(capsys, home, "reconcile")
    groups = by_sources(clusters(capsys, home))
    a, b = groups[frozenset({"PK-1", "PAK-1"})], groups[frozenset({"PK-2", "PAK-2"})]
    saravan = groups[frozenset({"PK-3", "IR-3"})]
    decisions = len(_decision_objects(home))
    code, _, err = run(capsys, home, "clusters", "merge", a, b)
    assert code == 1, err
    assert "ACLED reported 2 of these records (PAK-1, PAK-2); PK reported 2 (PK-1, PK-2)" in err, err
    assert "--same-source" in err and "nothing was published" in err
    assert len(_decision_objects(home)) == decisions
    assert len(by_sources(clusters(capsys, home))) == len(groups)
    # PK reported the Saravan attack and a Quetta one: still two reports of one source
    code, _, err = run(capsys, home, "clusters", "merge", a, saravan)
    assert code == 1 and "PK reported 2 of these records (PK-1, PK-3)" in err, err
    code, out, err = run(capsys, home, "clusters", "merge", a, b, "--same-source")
    assert code == 0 and "merge: 4 records now in" in out, err


def test_a_cluster_merged_away_says_where_its_records_went(any_node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    """After a merge, one of the two cluster ids is gone: the analyst who still holds it is told which cluster its
    records are in now, not to run reconcile (which changes nothing)."""
    from tests.reconcile.conftest import quetta_day

    any_node.publish(quetta_day())
    home = any_node.settings.home
    run(capsys, home, "reconcile")
    groups = by_sources(clusters(capsys, home))
    a, b = groups[frozenset({"PK-1", "PAK-1"})], groups[frozenset({"PK-2", "PAK-2"})]
    code, out, err = run(capsys, home, "clusters", "merge", a, b, "--same-source", "--json")
    assert code == 0, err
    (kept,) = json.loads(out)["clusters"]
    gone = a if kept == b else b
    code, _, err = run(capsys, home, "clusters", "show", gone)
    assert code == 1 and f"no cluster {gone}: it was merged; its records are now in {kept}" in err, err
    code, _, err = run(capsys, home, "clusters", "show", "cluster--missing")
    assert code == 1 and "no cluster cluster--missing" in err and "merged" not in err


def _decision_objects(home: Path) -> list[str]:
    node = Node.open(_settings(home))
    try:
        return [str(i) for (i,) in node.db.fetchall("SELECT id FROM objects WHERE type = ?", (DECISION_TYPE,))]
    finally:
        node.close()


def test_decision_errors_exit_non_zero_with_a_message(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, home, "reconcile")
    groups = by_sources(clusters(capsys, home))
    a = groups[frozenset({"PK-1", "PAK-1"})]
    code, _, err = run(capsys, home, "clusters", "show", "cluster--missing")
    assert code == 1 and "no cluster cluster--missing" in err
    code, _, err = run(capsys, home, "clusters", "split", a, "incident--00000000-0000-0000-0000-000000000000")
    assert code == 1 and f"not in cluster {a}" in err
    code, _, err = run(capsys, home, "clusters", "merge", a, a)
    assert code == 1 and "merge needs two or more different clusters" in err
    members = next(m for m in clusters(capsys, home) if m["cluster_id"] == a)["members"]
    code, _, err = run(capsys, home, "clusters", "split", a, *(m["id"] for m in members))
    assert code == 1 and "a split must leave at least one record in the cluster" in err
    code, _, err = run(capsys, home, "clusters", "list", "--limit", "-1")
    assert code == 1 and "--limit -1: expected a count >= 1" in err


def test_new_report_joins_its_cluster_on_the_next_run(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, home, "reconcile")
    node = Node.open(_settings(home))
    try:
        node.publish([report("UCDP", "555", "2024-05-02", lat=30.1495, lon=66.9612, attack="Armed Assault",
                             perpetrator="BLA", killed=(2, 2, 3))])  # fmt: skip
    finally:
        node.close()
    _code, out, _ = run(capsys, home, "reconcile", "--json")
    assert json.loads(out)["new_records"] == 1
    assert frozenset({"PK-2", "PAK-2", "555"}) in by_sources(clusters(capsys, home))


def _settings(home: Path) -> Any:
    from sarhad.config import load_settings

    return load_settings(home)


def test_stats_and_exports_count_incidents_with_dedup(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    _, out, _ = run(capsys, home, "stats", "--dedup", "--json")
    assert json.loads(out)["incidents"] == 6  # nothing reconciled yet: every report is its own incident
    run(capsys, home, "reconcile")
    _, out, _ = run(capsys, home, "stats", "--json")
    assert json.loads(out)["incidents"] == 6
    code, out, _ = run(capsys, home, "stats", "--dedup", "--by", "country", "--json")
    assert code == 0
    dedup = json.loads(out)
    assert dedup["incidents"] == 3
    assert dedup["killed"] == {"low": 12, "best": 12, "high": 21, "unknown": 0, "range": {"low": 12, "high": 21}}
    assert [(g["key"], g["incidents"]) for g in dedup["groups"]] == [("IR", 1), ("PK", 2)]

    every, one_each = home / "all.csv", home / "dedup.csv"
    assert run(capsys, home, "export", "csv", "--out", str(every))[0] == 0
    code, out, _ = run(capsys, home, "export", "csv", "--out", str(one_each), "--dedup", "--json")
    assert code == 0 and json.loads(out)["incidents"] == 3
    with every.open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 6
    with one_each.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    # Each incident once, by the node's own (PK) report, with PK's own figures untouched.
    assert sorted(r["source_id"] for r in rows) == ["PK-1", "PK-2", "PK-3"]
    assert {r["source_id"]: r["killed_best"] for r in rows}["PK-3"] == "12"
    code, _, err = run(capsys, home, "export", "stix", "--out", str(home / "b.json"), "--dedup")
    assert code == 1 and "--dedup does not apply to stix" in err


def test_the_list_names_each_source_once_with_a_count_after_a_merge(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    """After ``clusters merge --same-source`` a source reported two members of one cluster: the table names it once
    with a count ("PK ×2"), not once per member; --json still lists every member."""
    from tests.reconcile.conftest import quetta_day

    any_node.publish(quetta_day())
    home = any_node.settings.home
    run(capsys, home, "reconcile")
    groups = by_sources(clusters(capsys, home))
    a, b = groups[frozenset({"PK-1", "PAK-1"})], groups[frozenset({"PK-2", "PAK-2"})]
    code, _, err = run(capsys, home, "clusters", "merge", a, b, "--same-source")
    assert code == 0, err
    code, out, err = run(capsys, home, "clusters", "list")
    assert code == 0, err
    assert "ACLED ×2, PK ×2" in out, out
    assert "PK, PK" not in out and "ACLED, ACLED" not in out
    assert "IR, PK" in out  # the Saravan attack: one report each, no count
    merged = next(r for r in clusters(capsys, home) if len(r["members"]) == 4)
    assert sorted(m["source_id"] for m in merged["members"]) == ["PAK-1", "PAK-2", "PK-1", "PK-2"]


def test_a_partys_reports_in_a_datasets_format_are_named_once_with_their_count() -> None:
    """Two reports IR imported in UCDP's format, merged into one cluster: "IR (UCDP format) ×2" beside UCDP's own
    report, not the label once per member."""
    from sarhad.cli.reconcile import _reporters

    members = [
        {"reported_by": "IR", "dataset": "ucdp", "label": "IR (UCDP format)"},
        {"reported_by": "UCDP", "dataset": "ucdp", "label": "UCDP"},
        {"reported_by": "IR", "dataset": "ucdp", "label": "IR (UCDP format)"},
    ]
    assert _reporters(members) == "IR (UCDP format) ×2, UCDP"
    assert _reporters(members[:2]) == "IR, UCDP"  # one report of IR's: the party's own


# One attack in Gwadar that PK dates to the day and GTD only to the year (they agree), and one in Turbat that IR
# dates three days after PK (flagged date_disagree)
_GWADAR = {"lat": 25.1264, "lon": 62.3225, "place": "Gwadar", "attack": "Bombing/Explosion", "killed": 4}
_TURBAT = {"lat": 26.0031, "lon": 63.0544, "place": "Turbat", "attack": "Armed Assault", "killed": 7}


def test_the_list_dates_a_cluster_as_its_reports_do_not_by_its_earliest_first_day(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    any_node.publish(
        [
            report("PK", "PK-2024-611", "2024-06-11", **_GWADAR),  # type: ignore[arg-type]
            report("GTD", "g-2024", "2024-01-01", end="2024-12-31", precision="year", **_GWADAR),  # type: ignore[arg-type]
            report("PK", "PK-2024-301", "2024-04-10", **_TURBAT),  # type: ignore[arg-type]
            report("IR", "IR-1403-12", "2024-04-13", **_TURBAT),  # type: ignore[arg-type]
        ]
    )
    home = any_node.settings.home
    run(capsys, home, "reconcile")
    rows = {frozenset(m["source_id"] for m in r["members"]): r for r in clusters(capsys, home)}
    agree = rows[frozenset({"PK-2024-611", "g-2024"})]
    assert agree["date_start"] == "2024-01-01"  # the list's order: the earliest report's first day
    assert agree["date"] == {"start": "2024-06-11", "end": "2024-06-11", "precision": "day", "agree": True}
    late = rows[frozenset({"PK-2024-301", "IR-1403-12"})]
    assert late["date"] == {"start": "2024-04-10", "end": "2024-04-13", "precision": "day", "agree": False}
    code, out, _ = run(capsys, home, "clusters", "list")
    assert code == 0
    lines = {cid: line for line in out.splitlines() for cid in (agree["cluster_id"], late["cluster_id"]) if cid in line}
    assert "2024-06-11" in lines[agree["cluster_id"]] and "2024-01-01" not in lines[agree["cluster_id"]]
    assert "2024-04-10..2024-04-13" in lines[late["cluster_id"]]
    code, out, _ = run(capsys, home, "clusters", "show", agree["cluster_id"])
    assert code == 0 and "2024-06-11" in out and " 2024 " in out  # GTD's report at its precision


def test_reconcile_writes_the_audiences_rows_for_the_nodes_share_restricted(
    reports_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = reports_node.settings.home

    def left_out() -> str | None:
        row = reports_node.db.fetchone("SELECT value FROM reconcile_state WHERE key = 'audiences_unshared'")
        return None if row is None else str(row[0])

    assert run(capsys, home, "reconcile")[0] == 0
    assert left_out() == "ACLED-ToU,GTD-EUA"  # the default: GTD's and ACLED's rows are not shared
    write_settings(replace(reports_node.settings, share_restricted=True))
    code, out, _ = run(capsys, home, "reconcile", "--json")
    assert code == 0 and json.loads(out)["changed_clusters"] == 3  # every cluster's rows, though nothing changed
    assert left_out() == ""
