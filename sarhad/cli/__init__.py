"""The ``sarhad`` command: a thin Typer shell over the library.

Each command group lives in its own module and is added here. Errors that sarhad raises on purpose
(``SarhadError``), and the operating system's errors on a file the user named (a missing folder for
``--out``, a folder given as a file), are printed as one line without a traceback, with exit status 1
(``--verbose`` logs the traceback). Ctrl-C prints ``interrupted`` and exits 130. A reader that stops
reading (``sarhad incidents list | head``) ends the command quietly with exit status 0, as ``git log | head``
does, whatever printed the output (a table, JSON, help).
"""

from __future__ import annotations

import errno
import logging
import os
import select
import sys
from pathlib import Path
from typing import Final

import click
import typer

from sarhad.cli._shared import State, err_console
from sarhad.errors import SarhadError

__all__ = ["app", "main"]

logger = logging.getLogger(__name__)

_INTERRUPTED: Final = 130
"""The exit status after Ctrl-C (128 + SIGINT, as shells report it)."""

app = typer.Typer(
    name="sarhad",
    help="Verifiable incident sharing and joint monitoring for a cross-border counter-terrorism framework.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


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
    """Whether the EPIPE just met was stdout's: stdout is a pipe whose reading end is closed (``poll`` reports an
    error on its writing end), or stdout is no longer the file it was when the command started (``before``):
    rich, meeting a closed stdout, points it at devnull itself. Any other pipe (an import's worker that died, a
    peer's socket) breaking is a failure of the command, not a reader that stopped reading."""
    fd = _stdout_fd()
    if fd is None:
        return False
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
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a file (captured in a test): nothing will flush to the pipe
        pass
    return 0


def _os_error(exc: OSError) -> int:
    """An operating system error as one line (mostly a path the user gave: a missing folder, a folder given
    as a file, a full disk; or a pipe other than stdout that broke), like any other error."""
    logger.info("operating system error", exc_info=exc)
    where = f"{exc.filename}: " if exc.filename is not None else ""
    err_console.print(f"error: {where}{exc.strerror or exc}", style="red", highlight=False, markup=False)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 on success, also when the reader of stdout stopped reading)."""
    fd = _stdout_fd()
    before = _identity(fd) if fd is not None else None
    code = _run(argv, before)
    try:
        # What is still buffered (a short --json document) meets a reader that went away here, not in the
        # interpreter's last flush; the command's own status stands.
        sys.stdout.flush()
    except OSError as exc:
        if _epipe(exc) is None or not _stdout_reader_gone(before):
            raise
        _reader_gone()
    return code


def _run(argv: list[str] | None, stdout_before: tuple[int, int, int] | None) -> int:
    """Run the command; every way it can end, as an exit status (see the module doc)."""
    try:
        # Without standalone mode, click returns a command's typer.Exit code instead of raising it.
        code = app(args=argv, prog_name="sarhad", standalone_mode=False)
    except SystemExit as exc:
        broken = _epipe(exc)
        if broken is None:
            raise
        return _reader_gone() if _stdout_reader_gone(stdout_before) else _os_error(broken)
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
        err_console.print(f"error: {exc}", style="red", highlight=False, markup=False)
        return 1
    except KeyboardInterrupt:
        err_console.print("interrupted")
        return _INTERRUPTED
    except OSError as exc:
        if _epipe(exc) is not None and _stdout_reader_gone(stdout_before):
            return _reader_gone()
        return _os_error(exc)
    if code == _INTERRUPTED:
        # Typer turns Ctrl-C (KeyboardInterrupt) into its Exit(130) before it reaches the handler above.
        err_console.print("interrupted")
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
