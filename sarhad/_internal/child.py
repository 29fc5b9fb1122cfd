"""Starting a second Python process that runs this package (the import worker, a sync's checking process)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["child_environment"]


def child_environment() -> dict[str, str]:
    """The environment for ``python -m sarhad.…``: this one, with the folder this ``sarhad`` package is in
    first on the path, so that the child runs the same code however this process found it (a source tree, a
    path added by a script). An installed package is found by the interpreter anyway, and an installation
    folder put before the standard library could shadow it, so that one is left where it is."""
    env = dict(os.environ)
    root = Path(__file__).resolve().parents[2]
    if root.name not in ("site-packages", "dist-packages"):
        env["PYTHONPATH"] = os.pathsep.join([str(root), *filter(None, [env.get("PYTHONPATH")])])
    return env
