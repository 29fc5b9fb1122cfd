"""The quarterly report of the two-party scenario, in HTML and PDF."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sarhad.framework.report import Readable, build_context, render_html, write_report
from sarhad.importer import import_file
from sarhad.node import Node
from sarhad.web.auth import Principal
from sarhad.web.context import Context
from tests.conftest import UCDP_SAMPLE
from tests.framework import scenario

CHARTS = {
    "chart-levels-by-area": "Implementation levels by focus area",
    "chart-index": "Implementation index over quarters",
    "chart-dumbbell": "Pakistan and Iran ratings",
    "chart-heatmap": "Commitments × quarters",
    "chart-milestones": "Milestones: planned against actual",
    "chart-indicator-bullets": "Indicators against their targets",
    "chart-trade": "Trade against the path to USD 5 bn",
    "chart-incidents": "Incidents and killed per quarter by province",
    "chart-map": "Map of incidents within 50 km of the border",
    "chart-timeliness": "Data-exchange timeliness",
}


def _weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: the Pango system library is missing
        pytest.skip(f"PDF output needs WeasyPrint and Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0): {exc}")


def pdf_text(path: Path) -> str:
    """The PDF's text: pdftotext (poppler-utils) when installed, otherwise pypdf."""
    if shutil.which("pdftotext"):
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    pypdf = pytest.importorskip("pypdf", reason="neither pdftotext nor pypdf is installed")
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


@pytest.fixture(scope="module")
def html(scenario_node: Node) -> str:
    return render_html(build_context(scenario_node, "2026Q1", today=scenario.TODAY))


@pytest.fixture(scope="module")
def pdf(scenario_node: Node, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The scenario's 2026Q1 report as PDF, rendered once for the module's tests."""
    _weasyprint()
    out = tmp_path_factory.mktemp("pdf") / "q1.pdf"
    info = write_report(scenario_node, "2026Q1", out, today=scenario.TODAY)
    return out, info


def _section(html: str, ident: str) -> str:
    start = html.index(f'id="{ident}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else None]


def test_html_report_has_every_chart(html: str) -> None:
    for ident, caption in CHARTS.items():
        figure = _section(html, ident)
        assert caption in figure.split("</figcaption>")[0], ident
        assert "<svg" in figure.split("</figure>")[0], f"{ident} has no chart"


def test_html_report_cards_show_both_ratings_and_the_agreed_one(html: str) -> None:
    card = html[html.index('id="card-C-01"') : html.index('id="card-C-02"')]
    assert "divergent" in card and "Pakistan" in card and "Iran" in card
    assert re.search(r"chip-l1\">1</span> minimal", card) and re.search(r"chip-l2\">2</span> intermediate", card)
    assert "none · reconciled 1" in card
    card10 = html[html.index('id="card-C-10"') : html.index('id="card-C-11"')]
    assert "Joint committee" in card10 and 'chip-l1">1</span> minimal</td>\n' not in card10
    assert '<th>Due</th><td><span class="flag">unspecified</span></td>' in card and "due: unspecified" not in html


def test_html_report_register_and_sections(html: str) -> None:
    for ident in (
        "dashboard",
        "changes",
        "ratings",
        "commitments",
        "milestones",
        "indicators",
        "security",
        "register",
        "recommendations",
        "annexes",
    ):
        assert f'id="{ident}"' in html
    register = _section(html, "register")
    assert "D-2026Q1-PK1" in register and "D-2026Q1-IR1" in register
    assert "Only 4 of 11 requests" in register and "liaison channel" in register and "overdue" in register
    assert 'lang="ur" dir="rtl"' in html and "سرحد" in html and "پاکستان" in html and "ایران" in html
    evidence = _section(html, "annexes")
    assert all(len(m) == 64 for m in re.findall(r'class="hash">([0-9a-f]{64})<', evidence))
    assert len(re.findall(r'class="hash">([0-9a-f]{64})<', evidence)) == len(scenario.EVIDENCE)
    # The method annex names each level once: its chip, then its words.
    assert 'chip-l3">3</span> full</td>' in evidence and 'chip-l0">0</span> not initiated</td>' in evidence
    assert not re.search(r"</span> \d (full|intermediate|minimal|not initiated)", evidence)


def test_pdf_report_holds_ratings_disputes_and_charts(pdf: tuple[Path, dict[str, object]]) -> None:
    out, info = pdf
    assert info["format"] == "pdf" and info["assessments"] == 26 and info["disputes"] == 2
    assert out.read_bytes().startswith(b"%PDF-")
    text = " ".join(pdf_text(out).split())
    for caption in CHARTS.values():
        assert caption in text, caption
    assert "D-2026Q1-PK1" in text and "Whether intelligence requests were answered in time" in text
    assert "Only 4 of 11 requests were answered within 72 hours" in text and "liaison channel" in text
    # Both parties' ratings of C-08 side by side: PK 1 (minimal), IR 3 (full).
    c08 = text[text.index("C-08 Intelligence sharing DISPUTED") :][:900]
    assert "Pakistan Iran" in c08 and "1 minimal 3 full" in c08
    assert "Quarterly progress report" in text and "TLP:GREEN" in text


def test_pdf_embeds_its_fonts(pdf: tuple[Path, dict[str, object]]) -> None:
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) is not installed")
    out, _ = pdf
    fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("yes" in row[-5:-2][0] for row in rows), fonts  # the "emb" column
    if "Noto" not in fonts:
        pytest.skip("the Noto fonts (fonts-noto-core) are not installed")
    assert "Naskh" in fonts or "Nastaliq" in fonts, "no Arabic-script font was used for the Urdu/Persian names"


def test_report_for_a_quarter_without_assessments_says_so(scenario_node: Node, tmp_path: Path) -> None:
    out = tmp_path / "q3.html"
    # A quarter that has started (a later one is refused) and that nobody assessed.
    info = write_report(scenario_node, "2026Q3", out, today=date(2026, 8, 3))
    assert info["assessments"] == 0 and info["index"] is None
    html = out.read_text(encoding="utf-8")
    assert "No assessment has been submitted for Q3 2026" in html
    for ident in CHARTS:
        assert f'id="{ident}"' in html


def test_report_for_a_quarter_without_assessments_as_pdf(fw_node: Node, tmp_path: Path) -> None:
    _weasyprint()
    out = tmp_path / "empty.pdf"
    write_report(fw_node, "2025Q4", out)
    text = " ".join(pdf_text(out).split())
    assert "No assessment has been submitted for Q4 2025" in text


@pytest.mark.parametrize(
    ("quarter", "match"),
    [("2026Q5", "quarter number must be 1..4"), ("2024Q1", "before the framework's first quarter")],
)
def test_report_rejects_a_bad_quarter(fw_node: Node, tmp_path: Path, quarter: str, match: str) -> None:
    from sarhad.errors import InvalidInput

    with pytest.raises(InvalidInput, match=match):
        write_report(fw_node, quarter, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_urdu_and_persian_text_is_set_right_to_left(fw_node: Node, tmp_path: Path) -> None:
    from sarhad.framework import ops

    minutes = tmp_path / "minutes.txt"
    minutes.write_text("minutes", encoding="utf-8")
    ev = ops.add_evidence(fw_node, str(minutes), "meeting", title="صورت‌جلسه کمیته فنی مرزی", language="fa")
    ops.assess(fw_node, "C-02", "2026Q1", 3, "Both committees constituted.", evidence=[ev["id"]], party="PK")
    persian = "کمیته‌ها تشکیل شدند، اما هنوز جلسه دوم برگزار نشده است."
    urdu = "کمیٹی نے دو اجلاس کیے؛ معلومات کا تبادلہ ابھی شروع نہیں ہوا۔"
    ops.assess(fw_node, "C-02", "2026Q1", 2, persian, party="IR")
    ops.assess(fw_node, "C-08", "2026Q1", 1, urdu, party="PK")
    page = render_html(build_context(fw_node, "2026Q1"))
    assert f'<span class="rtl-text fa" lang="fa" dir="rtl">{persian}</span>' in page
    assert f'<span class="rtl-text ur" lang="ur" dir="rtl">{urdu}</span>' in page
    assert '<span class="rtl-text fa" lang="fa" dir="rtl">صورت‌جلسه کمیته فنی مرزی</span>' in page
    assert "Both committees constituted." in page and 'dir="rtl">Both' not in page  # English stays as it is


def test_right_to_left_leaves_english_with_a_name_alone() -> None:
    from markupsafe import Markup

    from sarhad.framework.report import right_to_left

    assert (
        right_to_left("Meeting held in Zahedan (زاهدان) on 22 January.")
        == "Meeting held in Zahedan (زاهدان) on 22 January."
    )
    assert right_to_left(3) == 3 and right_to_left(Markup("<svg/>")) == Markup("<svg/>")
    assert right_to_left("پاکستان") == "پاکستان"  # one word: the cover's own markup sets it
    assert 'dir="rtl">&lt;b&gt;کمیته فنی' in right_to_left("<b>کمیته فنی</b>")  # escaped, never raw HTML


def _one_incident(path: Path, day: str) -> Path:
    """A UCDP file of the sample's first row, dated ``day``."""
    with UCDP_SAMPLE.open(newline="", encoding="utf-8") as fh:
        header, first, *_ = list(csv.reader(fh))
    row = dict(zip(header, first, strict=True))
    row.update(id="990001", year=day[:4], date_start=day, date_end=day)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        out.writerow([row[k] for k in header])
    return path


def test_a_principals_report_counts_only_the_incidents_it_may_read(fw_node: Node, tmp_path: Path) -> None:
    import_file(fw_node, "ucdp", _one_incident(tmp_path / "red.csv", "2026-02-10"), reported_by="PK", tlp="RED")
    ctx = Context(fw_node)

    def reader(principal: Principal) -> Readable:
        return Readable(ctx.read_clause(principal, "o"), lambda f: ctx.incident_filters(principal, f))

    full = build_context(fw_node, "2026Q1")["security"]
    pk = build_context(fw_node, "2026Q1", readable=reader(Principal("val", "viewer", "PK")))["security"]
    ir = build_context(fw_node, "2026Q1", readable=reader(Principal("liaison", "viewer", "IR")))["security"]
    assert full["table"][-1]["incidents"] == pk["table"][-1]["incidents"] == 1
    assert full["timeliness"]["PK"][-1] is not None and pk["timeliness"]["PK"][-1] is not None
    # IR's principal may not read PK's RED incident: no count, no timeliness, nothing on the map or list.
    assert ir["table"][-1]["incidents"] == 0 and ir["timeliness"]["PK"][-1] is None
    assert ir["near_count"] == 0


def test_the_dashboard_names_a_milestone_moved_out_of_the_quarter(html: str) -> None:
    tile = _section(html, "dashboard").split("milestones due this quarter met")[1].split("</div>")[0]
    assert "M-05.1 was due 2026-03-31, moved to 2026-04-15" in tile


def test_a_milestone_moved_out_is_named_only_in_the_quarter_it_left(any_fw_node: Node) -> None:
    from datetime import date

    from sarhad.framework import ops

    ops.update_milestone(any_fw_node, "M-03.1", due="2026-05-10", reason="the summit moved", today=date(2026, 3, 1))
    ops.update_milestone(any_fw_node, "M-03.1", due="2026-08-01", reason="again", today=date(2026, 5, 1))
    q1 = build_context(any_fw_node, "2026Q1", today=date(2026, 4, 14))
    # Q1 is over: its report says where the date stood at its end (moved again on 1 May, after it).
    assert [(m["code"], m["from"], str(m["to"])) for m in q1["due_moved"]] == [("M-03.1", "2026-03-31", "2026-05-10")]
    assert "M-03.1" not in [m["code"] for m in q1["due_now"]]
    q2 = build_context(any_fw_node, "2026Q2", today=date(2026, 7, 14))
    assert [(m["code"], m["from"], str(m["to"])) for m in q2["due_moved"]] == [("M-03.1", "2026-05-10", "2026-08-01")]
    html = render_html(q2)
    assert "M-03.1 was due 2026-05-10, moved to 2026-08-01" in html
    q3 = build_context(any_fw_node, "2026Q3", today=date(2026, 10, 14))
    assert q3["due_moved"] == [] and "M-03.1" in [m["code"] for m in q3["due_now"]]


def test_a_report_written_during_its_quarter_calls_late_only_the_milestones_whose_date_has_passed(
    any_fw_node: Node,
) -> None:
    from datetime import date

    def late(quarter: str, today: date) -> list[str]:
        concerns = build_context(any_fw_node, quarter, today=today)["concerns"]
        return [c.split()[1] for c in concerns if c.startswith("Milestone ")]

    # On 7 December 2026, M-04.1 (due 2026-12-31) is due this quarter, not late; those of 2025 and early 2026 are.
    assert late("2026Q4", date(2026, 12, 7)) == ["M-02.1", "M-02.2", "M-03.1", "M-05.1"]
    html = render_html(build_context(any_fw_node, "2026Q4", today=date(2026, 12, 7)))
    assert "M-04.1 (First joint parliamentary session on security) was due" not in html
    # The day after its date, and in the report written after the quarter, it is late.
    assert "M-04.1" in late("2026Q4", date(2027, 1, 1))
    assert late("2026Q4", date(2026, 12, 31)) == ["M-02.1", "M-02.2", "M-03.1", "M-05.1"]


def test_new_evidence_is_in_the_quarter_of_its_utc_capture_day(any_fw_node: Node) -> None:
    from datetime import date

    from sarhad.framework import ops

    # 02:00 in Pakistan on New Year's Day is 21:00 UTC on 31 December; 23:30 in New York on 31 December is
    # 04:30 UTC on New Year's Day.
    # Each added an hour after its capture (a report of a quarter that is over lists the evidence added by its end).
    with scenario.frozen_clock(datetime(2025, 12, 31, 22, 0, tzinfo=UTC)):
        karachi = ops.add_evidence(
            any_fw_node, "https://example.org/a.pdf", "document", captured_at="2026-01-01T02:00:00+05:00"
        )
    with scenario.frozen_clock(datetime(2026, 1, 1, 5, 30, tzinfo=UTC)):
        new_york = ops.add_evidence(
            any_fw_node, "https://example.org/b.pdf", "document", captured_at="2025-12-31T23:30:00-05:00"
        )

    def new(quarter: str) -> list[str]:
        return [
            e["code"] for e in build_context(any_fw_node, quarter, today=date(2026, 4, 14))["changes"]["new_evidence"]
        ]

    assert new("2025Q4") == [karachi["code"]]
    assert new("2026Q1") == [new_york["code"]]


def test_the_open_disputes_of_a_report_are_those_of_its_quarter_and_before(any_fw_node: Node) -> None:
    from datetime import date

    from sarhad.framework import ops

    earlier = ops.open_dispute(
        any_fw_node, "C-02", "2025Q4", "Did both committees meet?", "Both met.", today=date(2026, 1, 10)
    )
    ops.open_dispute(any_fw_node, "C-03", "2026Q2", "Was the summit held?", "Not yet.", today=date(2026, 5, 10))
    q1 = build_context(any_fw_node, "2026Q1", today=date(2026, 12, 7))
    assert [d["code"] for d in q1["open_disputes"]] == [d["code"] for d in q1["register"]] == [earlier["code"]]
    assert re.search(r'<div class="tile-value alert">1</div>', render_html(q1))
    assert len(build_context(any_fw_node, "2026Q2", today=date(2026, 12, 7))["open_disputes"]) == 2
