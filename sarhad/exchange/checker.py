"""The checking process of a large sync: ``python -m sarhad.exchange.checker`` (started by the sync itself).

It reads its job on stdin and writes checked, prepared chunks on stdout; see
:func:`sarhad.exchange.checking.run_checker`.
"""

from __future__ import annotations

import sys

from sarhad.exchange.checking import run_checker

if __name__ == "__main__":
    run_checker(sys.stdin.buffer, sys.stdout.buffer)
