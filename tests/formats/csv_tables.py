"""A CSV file as a table of strings, read and written back as the tests' edited copies of the fixtures; the
three formats' sample files and how many records each holds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import UCDP_SAMPLE

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "synthetic"
SAMPLES = {"gtd": ASSETS / "gtd_synthetic.csv", "acled": ASSETS / "acled_synthetic.csv", "ucdp": UCDP_SAMPLE}
"""A sample file of each format: the synthetic GTD and ACLED files and the real UCDP rows."""
COUNTS = {"gtd": 120, "acled": 150, "ucdp": 37}
"""How many records each sample holds."""


def read_table(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    """Every row of the CSV file at ``path``, header first."""
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def write_table(path: Path, table: list[list[str]]) -> Path:
    """Write ``table`` as a UTF-8 CSV file at ``path`` (lines ending in LF); return ``path``."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)
    return path


def table_text(table: list[list[str]], line_end: str = "\n") -> str:
    """``table`` as CSV text, each line ending in ``line_end``."""
    out = io.StringIO()
    csv.writer(out, lineterminator=line_end).writerows(table)
    return out.getvalue()
