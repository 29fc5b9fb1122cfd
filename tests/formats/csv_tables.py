"""A CSV file as a table of strings, read and written back as the tests' edited copies of the fixtures."""

from __future__ import annotations

import csv
from pathlib import Path


def read_table(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    """Every row of the CSV file at ``path``, header first."""
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def write_table(path: Path, table: list[list[str]]) -> Path:
    """Write ``table`` as a UTF-8 CSV file at ``path`` (lines ending in LF); return ``path``."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(table)
    return path
