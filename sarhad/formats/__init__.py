"""Dataset formats: one module per format (``ucdp``, ``gtd``, ``acled``, ``csv``, ``geojson``, ``stix``).

A tabular dataset format is a :class:`sarhad.formats.base.TableFormat`; :data:`TABLE_FORMATS` names the
ones ``sarhad import`` and ``sarhad export`` accept.
"""

from __future__ import annotations

from sarhad.formats.base import TableFormat

__all__ = ["TABLE_FORMATS", "TableFormat", "table_format"]


def _formats() -> dict[str, TableFormat]:
    from sarhad.formats import ucdp

    found: dict[str, TableFormat] = {"ucdp": ucdp.FORMAT}
    try:  # formats other engineers add register here
        from sarhad.formats import gtd

        found["gtd"] = gtd.FORMAT
    except ImportError:
        pass
    try:
        from sarhad.formats import acled

        found["acled"] = acled.FORMAT
    except ImportError:
        pass
    return found


TABLE_FORMATS = _formats()


def table_format(name: str) -> TableFormat:
    """The format called ``name``. Raises InvalidInput for an unknown one."""
    from sarhad.errors import InvalidInput

    try:
        return TABLE_FORMATS[name]
    except KeyError:
        raise InvalidInput(f"unknown format {name!r}: expected one of {', '.join(sorted(TABLE_FORMATS))}") from None
