"""The CLI contract of framework monitoring (other checks rely on it)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import run_cli as run


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    h = tmp_path / "pk"
    assert run(capsys, "--home", str(h), "init", "--party", "PK")[0] == 0
    code, out, err = run(capsys, "--home", str(h), "framework", "init", "--template", "pk-ir-2025")
    assert code == 0, err
    assert "13 commitments" in out and "due unspecified: C-01, C-06" in out
    return h


def test_framework_list_json_contract(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    h = str(home)
    assert (
        run(capsys, "--home", h, "assess", "C-02", "--quarter", "2026Q1", "--level", "2", "--rationale", "ToR")[0] == 0
    )
    code, _, err = run(
        capsys,
        "--home",
        h,
        "assess",
        "C-02",
        "--quarter",
        "2026Q1",
        "--level",
        "3",
        "--compliance",
        "LC",
        "--effectiveness",
        "substantial",
        "--rationale",
        "two meetings",
        "--party",
        "IR",
    )
    assert code == 0, err
    code, out, _ = run(capsys, "--home", h, "framework", "list", "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [f"C-{n:02d}" for n in range(1, 14)]
    assert set(rows[0]) == {"id", "text", "focus_area", "due", "status", "withheld"}
    assert all(r["withheld"] == [] for r in rows)  # nothing shared was superseded unseen
    c2 = rows[1]
    assert c2["due"] == "2025-12-31" and c2["focus_area"] == "governance"
    assert c2["status"]["2026Q1"] == {"PK": 2, "IR": 3, "state": "disputed"}  # full claimed without evidence
    assert rows[0]["due"] == "unspecified" and rows[0]["status"]["2026Q1"] == {
        "PK": None,
        "IR": None,
        "state": "not-assessed",
    }
    code, out, _ = run(capsys, "--home", h, "framework", "list", "--json", "--quarter", "2026Q1")
    assert list(json.loads(out)[1]["status"]) == ["2026Q1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["C-01", "--quarter", "2026Q1", "--level", "4"], "level 4 is outside 0..3"),
        (["C-01", "--quarter", "2026Q5", "--level", "1"], "quarter '2026Q5'"),
        (["C-42", "--quarter", "2026Q1", "--level", "1"], "no commitment 'C-42'"),
    ],
)
def test_assess_invalid_input_is_a_clear_error_and_stores_nothing(
    home: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--home", str(home), "assess", *args, "--rationale", "x")
    assert code == 1 and message in err and "Traceback" not in err
    _, out, _ = run(capsys, "--home", str(home), "framework", "show", "C-01", "--json")
    assert json.loads(out)["assessments"] == []


def test_evidence_add_prints_the_id_and_assess_uses_it(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "minutes.pdf"
    f.write_bytes(b"%PDF-1.4 minutes")
    code, out, err = run(capsys, "--home", str(home), "evidence", "add", str(f), "--kind", "meeting")
    assert code == 0, err
    evidence_id = out.strip()
    assert evidence_id.startswith("x-sarhad-evidence--")
    stored = list((home / "evidence").rglob("minutes.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == f.read_bytes()
    code, out, _ = run(capsys, "--home", str(home), "evidence", "list", "--json")
    (row,) = json.loads(out)
    assert row["sha256"] == hashlib.sha256(b"%PDF-1.4 minutes").hexdigest() and row["size"] == 16
    code, _, err = run(
        capsys,
        "--home",
        str(home),
        "assess",
        "C-02",
        "--quarter",
        "2026Q1",
        "--level",
        "3",
        "--rationale",
        "met",
        "--evidence",
        evidence_id,
        "--draft",
    )
    assert code == 0, err
    _, out, _ = run(capsys, "--home", str(home), "framework", "show", "C-02", "--json")
    (a,) = json.loads(out)["assessments"]
    assert a["evidence_refs"] == [evidence_id] and a["state"] == "draft"
    assert [(e["id"], e["readable"], e["kind"]) for e in a["evidence"]] == [(evidence_id, True, "meeting")]
    code, _, err = run(capsys, "--home", str(home), "evidence", "add", str(f), "--kind", "video")
    assert code == 1 and "evidence kind 'video'" in err


def test_dispute_indicator_milestone_commands(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    h = str(home)
    code, out, err = run(
        capsys,
        "--home",
        h,
        "dispute",
        "open",
        "--commitment",
        "C-08",
        "--quarter",
        "2026Q1",
        "--subject",
        "timeliness",
        "--position",
        "4 of 11 answered",
    )
    assert code == 0, err
    code_ = out.strip()
    assert code_ == "D-2026Q1-PK1"
    assert run(capsys, "--home", h, "dispute", "reply", code_, "--position", "all answered", "--party", "IR")[0] == 0
    _, out, _ = run(capsys, "--home", h, "dispute", "list", "--json")
    (d,) = json.loads(out)
    assert d["status"] == "under-review" and set(d["positions"]) == {"PK", "IR"}
    assert run(capsys, "--home", h, "indicator", "record", "I-02.1", "--quarter", "2026Q1", "--value", "2")[0] == 0
    _, out, _ = run(capsys, "--home", h, "indicator", "list", "--json")
    i021 = next(r for r in json.loads(out) if r["code"] == "I-02.1")
    assert i021["values"] == [
        {"period": "2026Q1", "party": "PK", "value": 2.0, "comment": None, "evidence_refs": [], "evidence": []}
    ]
    assert (
        run(capsys, "--home", h, "milestone", "update", "M-03.1", "--status", "met", "--date-met", "2026-02-24")[0] == 0
    )
    code, _, err = run(capsys, "--home", h, "milestone", "update", "M-03.1", "--due", "2026-06-30")
    assert code == 1 and "needs a --reason" in err
    code, out, _ = run(capsys, "--home", h, "framework", "rebuild", "--json")
    assert json.loads(out)["records"] == 40  # 38 template records, a dispute, a value


def test_report_quarterly_html_from_the_cli(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "q1.html"
    code, out, err = run(
        capsys, "--home", str(home), "report", "quarterly", "--quarter", "2026Q1", "--out", str(out_file), "--json"
    )
    assert code == 0, err
    info = json.loads(out)
    assert info["format"] == "html" and info["assessments"] == 0
    assert "No assessment has been submitted for Q1 2026" in out_file.read_text(encoding="utf-8")
    code, _, err = run(
        capsys, "--home", str(home), "report", "quarterly", "--quarter", "2026Q1", "--out", str(tmp_path / "q1.docx")
    )
    assert code == 1 and ".pdf or .html" in err


def test_assess_takes_several_evidence_ids_after_one_flag(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = str(home)
    ids = []
    for name in ("minutes.txt", "log.csv"):
        (tmp_path / name).write_text(name, encoding="utf-8")
        code, out, err = run(capsys, "--home", h, "evidence", "add", str(tmp_path / name), "--kind", "document")
        assert code == 0, err
        ids.append(out.strip())
    args = ["--home", h, "assess", "C-08", "--quarter", "2026Q1", "--level", "1", "--rationale", "4 of 11"]
    code, out, err = run(capsys, *args, "--evidence", *ids, "--json")
    assert code == 0, err
    assert json.loads(out)["evidence"] == ids
    code, out, err = run(capsys, *args, "--evidence", ids[0], "--evidence", ids[1], "--json")
    assert code == 0 and json.loads(out)["evidence"] == ids
    code, _, err = run(capsys, *args, ids[0])
    assert code == 1 and "evidence ids follow --evidence" in err


def test_a_usage_error_is_a_message_not_a_traceback(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--home", str(home), "framework", "list", "--no-such-option")
    assert code == 2
    assert "No such option: --no-such-option" in err and "Traceback" not in out + err


def test_a_record_for_a_future_quarter_fails_and_list_stays_at_the_current_one(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from sarhad.framework.quarter import Quarter

    h = str(home)
    code, _, err = run(capsys, "--home", h, "assess", "C-02", "--quarter", "2030Q1", "--level", "1", "--rationale", "x")
    assert code == 1 and "quarter 2030Q1 has not started yet" in err
    code, _, err = run(capsys, "--home", h, "indicator", "record", "I-02.1", "--quarter", "2030Q1", "--value", "1")
    assert code == 1 and "quarter 2030Q1 has not started yet" in err
    code, out, _ = run(capsys, "--home", h, "framework", "list", "--json")
    assert max(json.loads(out)[0]["status"]) == str(Quarter.of(datetime.now(UTC).date()))
    dispute = ["dispute", "open", "--commitment", "C-08", "--quarter", "2030Q1", "--subject", "s", "--position", "p"]
    code, _, err = run(capsys, "--home", h, *dispute)
    assert code == 1 and "quarter 2030Q1 has not started yet: a dispute may be for the current quarter" in err
    code, _, err = run(capsys, "--home", h, "recommend", "add", "--quarter", "2030Q1", "--text", "Agree a protocol")
    assert code == 1 and "quarter 2030Q1 has not started yet: a recommendation may be for the current quarter" in err


def test_recommend_list_prints_rows_and_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    h = str(home)
    code, out, _ = run(capsys, "--home", h, "recommend", "list")
    assert (
        code == 0
        and out.strip() == "no recommendations: record one with 'sarhad recommend add --quarter Q --text TEXT'"
    )
    add = ["--home", h, "recommend", "add", "--quarter", "2026Q1", "--text", "Agree a 72-hour protocol"]
    assert run(capsys, *add, "--commitment", "C-08", "--owner", "TC")[0] == 0
    code, out, _ = run(capsys, "--home", h, "recommend", "list")
    assert code == 0 and "R-2026Q1-PK1" in out and "Agree a 72-hour protocol" in out
    code, out, _ = run(capsys, "--home", h, "recommend", "list", "--json", "--quarter", "2026Q1")
    (row,) = json.loads(out)
    assert (row["code"], row["commitment"], row["owner"], row["status"]) == ("R-2026Q1-PK1", "C-08", "TC", "open")
    code, out, _ = run(capsys, "--home", h, "recommend", "list", "--commitment", "C-02")
    assert code == 0 and out.strip() == "no recommendations match"
    assert run(capsys, "--home", h, "recommend", "list", "--json", "--commitment", "C-02")[1].strip() == "[]"
