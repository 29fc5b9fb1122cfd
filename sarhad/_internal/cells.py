"""Text cells made safe to open in a spreadsheet (CSV formula injection, CWE-1236).

Excel, LibreOffice and Google Sheets read a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula, and
one that begins with a tab or a carriage return is taken for one after the spreadsheet trims it. An imported
summary or place name such as ``=HYPERLINK("http://…","details")`` would run when an analyst opens the export.
OWASP's rule is followed: such a cell is written with a single quote before it, which the spreadsheet shows as
text and does not display; every other cell is written as it is. Only text is neutralised: a number sarhad
writes (a negative longitude, a figure) is not a formula and stays a number.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FORMULA_STARTS", "neutralised"]

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""What a text cell a spreadsheet would read as a formula begins with (OWASP, "CSV Injection")."""


def neutralised(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: with a single quote before it when it begins as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
