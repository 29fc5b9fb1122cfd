"""The file an export writes: it replaces an existing file only once it is complete.

An export written straight into ``--out`` would truncate the earlier file first: an export that failed half way
(Ctrl-C, a full disk, a database error) left the rows written so far under the file's name, a shorter file that
pandas or a spreadsheet opens without complaint, and the earlier export was gone. The rows are written to a
temporary file beside ``out`` instead, which takes its name when the export is complete (``os.replace``, atomic
on one file system); a failed export removes it and leaves ``out`` as it was.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sarhad.errors import InvalidInput

__all__ = ["replacing"]


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """Give the path to write instead of ``out``: a new file beside it that replaces ``out`` when the block
    ends without an error, and is removed when it raises (``out`` then stays as it was, or absent).

    An existing ``out`` that is not a regular file (``/dev/stdout``, a named pipe) is written directly: it
    cannot be replaced. A symbolic link stays: the file it points to is replaced. The new file takes the
    default permissions (the umask's), not those of the file it replaces.

    Raises InvalidInput, before anything is written, when ``out``'s folder does not exist, when ``out`` is a
    folder, or when the folder cannot be written to.
    """
    try:
        mode = out.stat().st_mode  # through links: /dev/stdout is one to /proc/self/fd/1, itself one to pipe:[…]
    except FileNotFoundError:
        mode = None
    except OSError as exc:  # a path through a file ("notes.txt/out.csv"), a name too long
        raise InvalidInput(f"cannot write {out}: {exc.strerror or exc}") from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise InvalidInput(f"cannot write {out}: it is a folder; name a file in it")
    if mode is not None and not stat.S_ISREG(mode):
        yield out  # opened by the name given: a pipe's link target ("pipe:[…]") names no file
        return
    if out.is_symlink():  # the file it names is replaced (as writing through it would), not the link
        out = out.resolve()
    folder = out.parent
    if not folder.is_dir():
        raise InvalidInput(f"cannot write {out}: the folder {folder} does not exist (create it first)")
    part = folder / f".{out.name}.{secrets.token_hex(4)}.part"
    try:
        part.open("x").close()
    except OSError as exc:
        raise InvalidInput(f"cannot write {out}: the folder {folder} cannot be written to ({exc.strerror})") from exc
    try:
        yield part
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
