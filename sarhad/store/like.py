"""Text put into a SQL ``LIKE`` pattern so that it matches only itself, on both dialects.

In a ``LIKE`` pattern ``%`` and ``_`` are wildcards, and PostgreSQL also takes ``\\`` as an escape character
unless the query names another one. Text a user typed (an id prefix, a name to search for) or a stored value
goes into a pattern through :func:`like_literal`, and the query names :data:`LIKE_ESCAPE`::

    db.fetchall(f"SELECT id FROM t WHERE id LIKE ? ESCAPE '{LIKE_ESCAPE}'", (like_literal(prefix) + "%",))

Without that, a reference typed as ``%`` matches every row, and ``a_b`` matches ``axb``.

Neither dialect ignores case the same way: SQLite's ``LIKE`` and ``LOWER`` fold only ASCII letters (``Ī`` is not
``ī``), PostgreSQL's ``LOWER`` folds as the database's locale says (every letter in ``C.UTF-8``, only ASCII in
``C``). A case-blind search of names a user typed (a province, a perpetrator) therefore compares in Python,
with :func:`folded`, against the distinct values the column holds (:func:`case_blind_matches`), and selects the
rows holding those values: the same rows on both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["LIKE_ESCAPE", "case_blind_matches", "folded", "like_literal"]

LIKE_ESCAPE = "!"
"""The escape character of :func:`like_literal`'s text: ``col LIKE ? ESCAPE '!'`` (not a backslash, which
PostgreSQL's string syntax and JSON text give other meanings)."""


def like_literal(text: str) -> str:
    """``text`` for a ``LIKE … ESCAPE '!'`` pattern: its ``%``, ``_`` and ``!`` match only themselves.

    The caller adds the wildcards it means (``like_literal(prefix) + "%"`` for a prefix). Case is left to the
    dialect: SQLite's ``LIKE`` ignores the case of ASCII letters, PostgreSQL's does not (for a search that
    ignores case on both, see :func:`case_blind_matches`).
    """
    for char in (LIKE_ESCAPE, "%", "_"):  # the escape character first, or its own escapes would be doubled
        text = text.replace(char, LIKE_ESCAPE + char)
    return text


def folded(text: str) -> str:
    """``text`` for a comparison that ignores case by Unicode's rules: its NFC form (a letter and its combining
    accent as the one letter), case-folded (``SĪSTĀN`` and ``sīstān``; ``Straße`` and ``STRASSE``). Accents stay:
    ``Sistan`` is not ``Sīstān``. Scripts without case (Persian, Urdu) are left as they are."""
    return unicodedata.normalize("NFC", text).casefold()


def case_blind_matches(values: Iterable[str | None], *texts: str, contains: bool = False) -> tuple[str, ...]:
    """The ``values`` (a column's distinct values) equal to one of ``texts`` but for case (:func:`folded`), or,
    with ``contains``, holding one of them, sorted; ``None`` values are skipped.

    A query then selects ``col IN (…)`` of these, which finds the same rows on SQLite and PostgreSQL, where
    ``LOWER(col) = LOWER(?)`` or ``LIKE`` would not (see the module's docstring).
    """
    wanted = {folded(text) for text in texts if text}
    if not wanted:
        return ()
    if contains:
        return tuple(sorted(v for v in set(values) if v is not None and any(w in folded(v) for w in wanted)))
    return tuple(sorted(v for v in set(values) if v is not None and folded(v) in wanted))
