"""A CSV writer whose rows end in ``\\n`` and whose fields holding a line break are quoted, a bare ``\\r`` too.

Python's csv writer (3.11) quotes a field for a line break only when the character is part of its
``lineterminator``: with ``lineterminator="\\n"`` a field holding a carriage return alone (a note typed on an old
Mac, a cell of a CRLF file read back) is written bare, and every CSV reader, sarhad's import included, then
ends the row there: the file no longer imports. This writer lets the csv module quote as for ``\\r\\n`` line
ends, which quotes both characters, and writes each row with ``\\n`` instead.
"""

from __future__ import annotations

import csv
from typing import IO, Any

__all__ = ["lf_writer"]


class _LfLines:
    """Takes the rows a csv writer with ``\\r\\n`` line ends writes, one ``write`` a row, and writes them with
    ``\\n``."""

    __slots__ = ("_fh",)

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh

    def write(self, line: str) -> int:
        return self._fh.write(line[:-2] + "\n" if line.endswith("\r\n") else line)


def lf_writer(fh: IO[str]) -> Any:
    """A ``csv.writer`` on ``fh`` (opened with ``newline=""``) writing rows that end in ``\\n``, each field
    holding ``\\r`` or ``\\n`` quoted."""
    return csv.writer(_LfLines(fh), lineterminator="\r\n")
