"""Framework report benchmark: the time to draw up the quarterly report of the two-party scenario.

Builds the scenario of ``tests/framework/scenario.py`` (13 commitments, 26 submitted assessments, 2 disputes,
6 evidence files, indicator series, 96 incidents) in a fresh node and reconciles its incidents (so that the report
draws its joint picture), then renders the 2026Q1 report ``--rounds``
times as HTML and as PDF (WeasyPrint), reporting wall-clock and CPU seconds (median and max) and the PDF's pages.

Usage::

    python benchmarks/framework_report.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sarhad.framework.report import build_context, render_html, render_pdf
from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from tests.framework import scenario


def _timed(fn: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()  # type: ignore[operator]
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        node = Node.init(root / "pk", "PK")
        wall, cpu = _timed(lambda: scenario.build(node, root / "files"))
        print(f"scenario built in {wall:.1f} s ({cpu:.1f} s CPU)")
        print(reconcile(node.db, "PK").line())
        html_times, pdf_times = [], []
        html = ""
        for _ in range(args.rounds):

            def html_once() -> None:
                nonlocal html
                html = render_html(build_context(node, "2026Q1", today=scenario.TODAY))

            html_times.append(_timed(html_once))
            pdf_times.append(_timed(lambda: render_pdf(html, root / "q1.pdf")))
        pages = (root / "q1.pdf").read_bytes().count(b"/Type /Page\n") or "?"
        try:
            import pypdf

            pages = len(pypdf.PdfReader(str(root / "q1.pdf")).pages)
        except ImportError:
            pass
        for name, times in (("HTML (data + charts + template)", html_times), ("PDF typesetting", pdf_times)):
            walls, cpus = [t[0] for t in times], [t[1] for t in times]
            print(f"{name:34} median {statistics.median(walls):6.2f} s wall, {statistics.median(cpus):6.2f} s CPU;"
                  f" max {max(walls):6.2f} s wall")  # fmt: skip
        print(f"PDF: {pages} pages, {(root / 'q1.pdf').stat().st_size / 1024:.0f} KiB, {args.rounds} rounds")
        node.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
