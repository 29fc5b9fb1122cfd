"""What every CLI command shares: the global options, opening the node, printing JSON and tables."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from sarhad._internal.indented import dumps_indented

if TYPE_CHECKING:
    from rich.progress import Progress

    from sarhad.config import Settings
    from sarhad.node import Node
    from sarhad.store.db import Database

__all__ = [
    "State",
    "console",
    "country_code",
    "date_option",
    "err_console",
    "print_json",
    "print_listing",
    "print_table",
    "printed_json",
    "progress_bars",
    "state",
    "summary_console",
]

# On a terminal Rich fits its width; piped output gets wide tables that do not wrap mid-id.
console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 220)
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class State:
    """Global options, and the node opened lazily from them (closed when the command ends)."""

    home: Path
    database_url: str | None = None
    _node: Node | None = field(default=None, repr=False)
    _unsigned: tuple[Settings, Database] | None = field(default=None, repr=False)

    def node(self) -> Node:
        """Open (once) the node in ``--home``. Raises NotFound when the home is not initialised."""
        if self._node is None:
            from sarhad.config import load_settings
            from sarhad.node import Node

            self._node = Node.open(load_settings(self.home, database_url=self.database_url))
        return self._node

    def unsigned(self, *, upgrade: bool = False, upgrade_with: str = "") -> tuple[Settings, Database]:
        """The settings and database of ``--home`` without its signing key (``node.key``), which a copy checked
        by an auditor lacks: only for commands that check and do not sign. The database is opened read-only and
        its schema is not brought up to date (a copy under audit is not changed); with ``upgrade`` it is, as
        :meth:`node` does. Raises NotFound when the home is not initialised, StorageError when the schema is
        older than this release's and ``upgrade`` is not given (``upgrade_with``: the command that would, which
        the message names)."""
        if self._unsigned is None:
            from sarhad.config import load_settings
            from sarhad.node import open_existing, open_read_only

            settings = load_settings(self.home, database_url=self.database_url)
            db = open_existing(settings) if upgrade else open_read_only(settings, upgrade_with=upgrade_with)
            self._unsigned = (settings, db)
        return self._unsigned

    def close(self) -> None:
        if self._node is not None:
            self._node.close()
            self._node = None
        if self._unsigned is not None:
            self._unsigned[1].close()
            self._unsigned = None


def state(ctx: typer.Context) -> State:
    """The :class:`State` of the running command."""
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, State):
        raise RuntimeError("the sarhad CLI was not started through its root command")
    return obj


def country_code(text: str | None, flag: str = "--country") -> str | None:
    """The ISO 3166-1 alpha-2 code a ``--country`` option names (None when not given), by the rule the JSON
    API's ``country`` filter follows too (:func:`sarhad.geo.admin.parse_country`).

    Raises InvalidInput when ``text`` names no country, listing what is accepted.
    """
    if text is None:
        return None
    from sarhad.geo.admin import parse_country

    return parse_country(text, flag)


def date_option(text: str | None, flag: str) -> str | None:
    """The ISO date a date option (``--since``, ``--until``) names, None when not given: YYYY, YYYY-MM or
    YYYY-MM-DD; a year or a month stands for its first day after ``--since`` and for its last day otherwise.

    Raises InvalidInput when ``text`` is not such a date (a month 13, a 30 February), naming the option.
    """
    if text is None:
        return None
    from sarhad._internal.dates import window_day

    return window_day(text, flag, first=flag == "--since")


def summary_console(out: Path) -> Console:
    """Where a command that wrote the file ``out`` prints its summary line: stderr when ``out`` is this process's
    stdout (``--out /dev/stdout`` in a pipeline: the line would end up in the data, after the last row or the
    bundle's closing brace), else stdout."""
    try:
        same = os.path.samestat(out.stat(), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):  # no such file, or stdout is not a file (captured in a test)
        same = False
    return err_console if same else console


_printed_json = [0]  # documents print_json printed in this process


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout (for scripts): ``json.dumps(value, indent=2,
    ensure_ascii=False, default=str)``'s text, written by :func:`dumps_indented`, about twice as fast (a long
    list, e.g. ``clusters list --json``'s, spent seconds in ``json``'s pure-Python indenting encoder)."""
    sys.stdout.write(dumps_indented(value, 2, default=str) + "\n")
    _printed_json[0] += 1


def printed_json() -> int:
    """How many JSON documents :func:`print_json` printed so far: the CLI prints an error as JSON only for a
    command that printed none (an import's rejection and a sync's results carry their errors themselves)."""
    return _printed_json[0]


def print_table(columns: list[str], rows: list[list[Any]], title: str | None = None) -> None:
    """Print rows as a Rich table with box-drawing borders, on a terminal and when piped alike.

    On a terminal it fits the terminal's width; piped, it is laid out for 220 columns (see ``console``), so
    long ids stay on one line unless the table is wider than that (a cell then folds). Scripts should read
    ``--json`` rather than parse the table.
    """
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)


def print_listing(
    columns: list[str], rows: list[list[Any]], empty: str, title: str | None = None, summary: str | None = None
) -> None:
    """Print a listing's rows as a table (:func:`print_table`) then the line ``summary`` (a count) if given, or
    only the line ``empty`` when there are no rows.

    An empty table frame says nothing a reader can act on: ``empty`` names what is missing and, where one
    command adds it, that command ("no peers: add one with 'sarhad peer add …'"), or, for a filtered listing,
    that nothing matched. ``--json`` is unaffected (it stays ``[]``): callers print JSON before this.
    """
    if not rows:
        console.print(empty, highlight=False, markup=False)
        return
    print_table(columns, rows, title=title)
    if summary is not None:
        console.print(summary, highlight=False, markup=False)


def progress_enabled() -> bool:
    """Show progress bars only on an interactive terminal."""
    return sys.stderr.isatty()


def progress_bars(verb: str) -> Progress:
    """Rich progress bars on stderr, each labelled ``<verb> <task description>``, gone when the work ends."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(f"{verb} {{task.description}}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=err_console, transient=True)
