"""The ``sarhad`` command: a thin Typer shell over the library.

Each command group lives in its own module and is added here. Errors that sarhad raises on purpose
(``SarhadError``), and the operating system's errors on a file the user named (a missing folder for
``--out``, a folder given as a file), are printed as one line without a traceback, with exit status 1
(``--verbose`` logs the traceback). Ctrl-C prints ``interrupted`` (or what a command said it means, see
:func:`say_when_interrupted`) and exits 130. A reader that stops reading
(``sarhad sync | head -1``, ``sarhad incidents list | head``) does not stop the command: what it prints from
then on is discarded, whatever prints it (a table, JSON, help), and the work goes on to its end (every peer's
sync, every file of an extract or an import), so that no work on the store is cut short by a closed pipe. The
exit status is the command's own: 0 when everything went well (as ``git log | head``), else its error's.
The same holds for stderr (``2>&1 | head``).

A command line that holds ``--json`` gets its error on stdout too, for the script reading it: one document
``{"error": {"kind", "message"}}`` (:func:`_error_json`), unless the command printed its own JSON before failing
(an import's rejected file, a sync's results), which says what failed itself. The stderr line and the exit
status stay as they are.
"""

from __future__ import annotations

import errno
import inspect
import logging
import os
import select
import sys
from pathlib import Path
from typing import Any, Final, TextIO, cast

import click
import typer
import typer.main

from sarhad.cli._shared import State, err_console, print_json, printed_json
from sarhad.errors import (
    AccessDenied,
    ConfigError,
    ExchangeError,
    InvalidInput,
    NotFound,
    SarhadError,
    StorageError,
    VerificationError,
)

__all__ = ["app", "main", "say_when_interrupted"]

logger = logging.getLogger(__name__)

_INTERRUPTED: Final = 130
"""The exit status after Ctrl-C (128 + SIGINT, as shells report it)."""
_interrupted_says = ["interrupted"]  # what Ctrl-C prints for the command running (one per main())
_printed_before = [0]  # printed_json() when the running command started (one per main())


def say_when_interrupted(message: str) -> None:
    """Print ``message`` instead of ``interrupted`` if Ctrl-C stops the running command: what it means for
    the user's work (an import: nothing stored, run it again)."""
    _interrupted_says[0] = message


app = typer.Typer(
    name="sarhad",
    help="Verifiable incident sharing and joint monitoring for a cross-border counter-terrorism framework.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    """``sarhad --version``: the version a bug report or an upgrade note names, then exit."""
    if value:
        from sarhad import __version__

        typer.echo(f"sarhad {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    home: Path = typer.Option(
        None,
        "--home",
        help="The node home folder (env SARHAD_HOME; default ./sarhad-home)",
        show_default=False,
    ),
    db: str = typer.Option(None, "--db", help="Database URL overriding the home's setting (env SARHAD_DATABASE_URL)"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens on stderr."),
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_print_version, help="Print sarhad's version and exit."
    ),
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    resolved = home or Path(os.environ.get("SARHAD_HOME", "sarhad-home"))
    st = State(home=resolved, database_url=db or os.environ.get("SARHAD_DATABASE_URL") or None)
    ctx.obj = st
    ctx.call_on_close(st.close)


def _register() -> None:
    import importlib

    from sarhad.cli import demo, node

    node.register(app)
    demo.register(app)
    # Command groups of the other components; each module adds its own commands.
    for name, attr in (("log", None), ("geo", "geo_app"), ("extract", None), ("framework", None),
                       ("reconcile", None), ("exchange", None), ("monitor", None), ("audit", None)):  # fmt: skip
        try:
            module = importlib.import_module(f"sarhad.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"sarhad.cli.{name}":
                raise
            continue
        if hasattr(module, "register"):
            module.register(app)
        elif attr and hasattr(module, attr):
            app.add_typer(getattr(module, attr), name=name)
        else:
            for sub in ("log_app", "key_app"):
                if hasattr(module, sub):
                    app.add_typer(getattr(module, sub), name=sub.removesuffix("_app"))


_register()


_VENDORED_CLICK_ERRORS: tuple[type[Exception], ...] = tuple(
    e
    for e in (getattr(typer, "TyperException", None),)
    if isinstance(e, type) and not issubclass(click.ClickException, e)
)


def _epipe(exc: BaseException) -> OSError | None:
    """The write to a pipe whose reader has gone (EPIPE) that ``exc`` is, or was raised while handling; None if
    neither. Rich answers a closed stdout with ``SystemExit(1)`` raised in its ``except BrokenPipeError``, and
    click answers any EPIPE in a command with ``sys.exit(1)`` in its ``except OSError``: either way the broken
    pipe is the context."""
    for e in (exc, exc.__context__):
        if isinstance(e, OSError) and e.errno == errno.EPIPE:  # BrokenPipeError is the OSError of EPIPE
            return e
    return None


def _identity(fd: int) -> tuple[int, int, int] | None:
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_rdev


def _stdout_fd() -> int | None:
    try:
        return sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # stdout is not a file (captured in a test)
        return None


def _stdout_reader_gone(before: tuple[int, int, int] | None) -> bool:
    """Whether the EPIPE just met was stdout's (see :func:`_reader_gone_on`)."""
    fd = _stdout_fd()
    return fd is not None and _reader_gone_on(fd, before)


def _reader_gone_on(fd: int, before: tuple[int, int, int] | None) -> bool:
    """Whether the EPIPE just met was the standard stream ``fd``'s: it is a pipe whose reading end is closed
    (``poll`` reports an error on its writing end), or it is no longer the file it was when the command started
    (``before``): rich, meeting a closed stdout, points it at devnull itself. Any other pipe (an import's worker
    that died, a peer's socket) breaking is a failure of the command, not a reader that stopped reading."""
    if before is not None and _identity(fd) != before:
        return True
    try:
        poller = select.poll()
    except AttributeError:  # no poll on this system
        return False
    poller.register(fd, select.POLLOUT)
    return any(events & select.POLLERR for _fd, events in poller.poll(0))


def _reader_gone() -> int:
    """End quietly after the reader of stdout went away: the exit status of a command whose output was cut.

    Python's advice (the note on SIGPIPE in the ``signal`` docs): point stdout at devnull, so the interpreter's
    last flush of what is still buffered does not fail again and print a traceback at exit.
    """
    fd = _stdout_fd()
    if fd is not None:  # else stdout is not a file (captured in a test): nothing will flush to the pipe
        _point_at_devnull(fd)
    return 0


def _point_at_devnull(fd: int) -> None:
    """Make ``fd`` write to devnull from now on (what is still buffered for it too)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


class _ReaderGuard:
    """A standard stream (stdout, stderr) that does not fail when its reader goes away.

    The first write or flush that meets EPIPE because the pipe's reader closed it (``| head -1`` has its line)
    points the stream's file at devnull, and this and every later write is discarded instead of raising: a
    command that prints as it goes (a sync's line per peer, an extract's summary per file) goes on to its end
    rather than stopping between two steps of its work. Any other error of the stream is raised as before.
    Everything else is the wrapped stream's (``isatty``, ``encoding``, ``fileno``…), for rich and click alike.
    """

    def __init__(self, stream: TextIO, fd: int) -> None:
        self._stream = stream
        self._fd = fd
        self._identity = _identity(fd)
        self.reader_gone = False

    def write(self, text: str) -> int:
        """Write ``text``, or discard it once the reader has gone."""
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except OSError as exc:
                self._settle(exc)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Flush, or do nothing once the reader has gone."""
        if not self.reader_gone:
            try:
                self._stream.flush()
            except OSError as exc:
                self._settle(exc)

    def _settle(self, exc: OSError) -> None:
        """Raise ``exc`` unless it is this stream's reader that went away; then discard from now on."""
        if _epipe(exc) is None or not _reader_gone_on(self._fd, self._identity):
            raise exc
        self.reader_gone = True
        logger.info("the reader of file descriptor %d went away: its output is discarded", self._fd)
        _point_at_devnull(self._fd)
        try:
            self._stream.flush()  # what was buffered for the pipe goes to devnull now, not at exit
        except OSError:
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _guarded(stream: TextIO) -> TextIO:
    """``stream`` behind a :class:`_ReaderGuard` when it is a file (not one a test captures), else itself."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return stream
    return cast(TextIO, _ReaderGuard(stream, fd))


def _os_error(exc: OSError, as_json: bool) -> int:
    """An operating system error as one line (mostly a path the user gave: a missing folder, a folder given
    as a file, a full disk; or a pipe other than stdout that broke), like any other error."""
    logger.info("operating system error", exc_info=exc)
    where = f"{exc.filename}: " if exc.filename is not None else ""
    return _error(f"{where}{exc.strerror or exc}", "OSError", as_json)


_KINDS: Final = (InvalidInput, NotFound, AccessDenied, StorageError, VerificationError, ExchangeError, ConfigError)
"""The branches of sarhad's error tree (:mod:`sarhad.errors`): the ``kind`` of an error printed as JSON."""


def _kind(exc: SarhadError) -> str:
    return next((k.__name__ for k in _KINDS if isinstance(exc, k)), "SarhadError")


def _error(message: str, kind: str, as_json: bool) -> int:
    """Print a command's error as ``error: message`` on stderr, and as JSON on stdout (:func:`_error_json`) when
    ``as_json``; the exit status of an error (1)."""
    err_console.print(f"error: {message}", style="red", highlight=False, markup=False)
    if as_json:
        _error_json(message, kind)
    return 1


def _error_json(message: str, kind: str) -> None:
    """``{"error": {"kind", "message"}}`` on stdout, unless the command printed its own JSON document.

    ``kind`` is the branch of sarhad's error tree (``InvalidInput``, ``NotFound``, ``AccessDenied``,
    ``StorageError``, ``VerificationError``, ``ExchangeError``, ``ConfigError``), or ``OSError`` for the
    operating system's error on a file the user named; ``message`` is what stderr says after ``error:``.
    """
    if printed_json() == _printed_before[0]:
        print_json({"error": {"kind": kind, "message": message}})


def _asks_for_json(argv: list[str] | None) -> bool:
    """Whether the command line holds ``--json`` (before a ``--`` that ends the options)."""
    args = sys.argv[1:] if argv is None else argv
    return "--json" in (args[: args.index("--")] if "--" in args else args)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 on success, also when the reader of stdout stopped reading)."""
    fd = _stdout_fd()
    before = _identity(fd) if fd is not None else None
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _guarded(stdout), _guarded(stderr)
    _interrupted_says[0] = "interrupted"
    _printed_before[0] = printed_json()
    try:
        code = _run(argv, before)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    try:
        # What is still buffered (a short --json document) meets a reader that went away here, not in the
        # interpreter's last flush; the command's own status stands.
        sys.stdout.flush()
    except OSError as exc:
        if _epipe(exc) is None or not _stdout_reader_gone(before):
            raise
        _reader_gone()
    return code


def command() -> Any:
    """The click command tree of :data:`app`, each help paragraph one flowing text: a docstring's single line
    breaks are where its source wraps, and rich would keep them on the terminal ("(another dataset, a" alone on
    a line). A paragraph that starts with ``\\b`` keeps its lines, as click's own rule has it."""
    root = typer.main.get_command(app)
    _reflow(root)
    return root


def _reflow(cmd: Any) -> None:
    if cmd.help:
        paragraphs = inspect.cleandoc(cmd.help).split("\n\n")
        cmd.help = "\n\n".join(p if p.startswith("\b") else " ".join(p.split("\n")) for p in paragraphs)
    for sub in getattr(cmd, "commands", {}).values():
        _reflow(sub)


def _run(argv: list[str] | None, stdout_before: tuple[int, int, int] | None) -> int:
    """Run the command; every way it can end, as an exit status (see the module doc)."""
    as_json = _asks_for_json(argv)
    try:
        # Without standalone mode, click returns a command's typer.Exit code instead of raising it.
        code = command()(args=argv, prog_name="sarhad", standalone_mode=False)
    except SystemExit as exc:
        broken = _epipe(exc)
        if broken is None:
            raise
        return _reader_gone() if _stdout_reader_gone(stdout_before) else _os_error(broken, as_json)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code or 0)
    except click.exceptions.Abort:
        err_console.print("aborted")
        return _INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except _VENDORED_CLICK_ERRORS as exc:  # typer ≥ 0.2x vendors click: its usage errors are not click's
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"error: {exc}", style="red", highlight=False, markup=False)
        return int(getattr(exc, "exit_code", 2) or 2)
    except SarhadError as exc:
        return _error(str(exc), _kind(exc), as_json)
    except KeyboardInterrupt:
        err_console.print(_interrupted_says[0], highlight=False, markup=False)
        return _INTERRUPTED
    except OSError as exc:
        if _epipe(exc) is not None and _stdout_reader_gone(stdout_before):
            return _reader_gone()
        return _os_error(exc, as_json)
    if code == _INTERRUPTED:
        # Typer turns Ctrl-C (KeyboardInterrupt) into its Exit(130) before it reaches the handler above.
        err_console.print(_interrupted_says[0], highlight=False, markup=False)
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
