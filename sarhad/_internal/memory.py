"""This process's own peak memory: the high-water mark of its resident set since it started its program.

``getrusage``'s ``ru_maxrss`` does not give it for a process another one started: on Linux, ``exec`` keeps the
high-water mark of the memory the process had before it (the kernel's ``exec_mmap`` records it in the process's
``maxrss``), and before ``exec`` a child runs in its parent's memory, whether it was forked, vforked or
posix-spawned. So ``ru_maxrss`` of a child, its own or its parent's ``RUSAGE_CHILDREN``, is at least the
parent's peak when it started the child: an import worker started by an importing process at 320 MB showed
320 MB whatever it used itself. ``VmHWM`` in ``/proc/self/status`` belongs to the memory the program runs in,
which ``exec`` made new.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["peak_rss"]

_STATUS = Path("/proc/self/status")


def peak_rss() -> int | None:
    """Bytes: the most this process's program has held in RAM at once, since its ``exec`` (Linux's ``VmHWM``);
    None where the system does not say (no ``/proc``)."""
    try:
        with _STATUS.open(encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # "VmHWM:    123456 kB"
    except (OSError, ValueError, IndexError):
        return None
    return None
