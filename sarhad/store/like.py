"""Text put into a SQL ``LIKE`` pattern so that it matches only itself, on both dialects.

In a ``LIKE`` pattern ``%`` and ``_`` are wildcards, and PostgreSQL also takes ``\\`` as an escape character
unless the query names another one. Text a user typed (an id prefix, a name to search for) or a stored value
goes into a pattern through :func:`like_literal`, and the query names :data:`LIKE_ESCAPE`::

    db.fetchall(f"SELECT id FROM t WHERE id LIKE ? ESCAPE '{LIKE_ESCAPE}'", (like_literal(prefix) + "%",))

Without that, a reference typed as ``%`` matches every row, and ``a_b`` matches ``axb``.
"""

from __future__ import annotations

__all__ = ["LIKE_ESCAPE", "like_literal"]

LIKE_ESCAPE = "!"
"""The escape character of :func:`like_literal`'s text: ``col LIKE ? ESCAPE '!'`` (not a backslash, which
PostgreSQL's string syntax and JSON text give other meanings)."""


def like_literal(text: str) -> str:
    """``text`` for a ``LIKE … ESCAPE '!'`` pattern: its ``%``, ``_`` and ``!`` match only themselves.

    The caller adds the wildcards it means (``like_literal(prefix) + "%"`` for a prefix). Case is left to the
    dialect: SQLite's ``LIKE`` ignores the case of ASCII letters, PostgreSQL's does not.
    """
    for char in (LIKE_ESCAPE, "%", "_"):  # the escape character first, or its own escapes would be doubled
        text = text.replace(char, LIKE_ESCAPE + char)
    return text
