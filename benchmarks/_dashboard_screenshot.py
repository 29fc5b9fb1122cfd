"""The README's picture of the dashboard (``docs/dashboard.png``), made again from the demo.

Usage::

    python benchmarks/_dashboard_screenshot.py [--out docs/dashboard.png] [--chromium /usr/bin/chromium]

Runs ``sarhad demo`` (the Pakistan–Iran federation on 127.0.0.1, in a temporary folder) for as long as it takes,
signs in to PK's dashboard with the login token the demo prints, waits until the page says it is ready and
live, and saves a 1440×900 screenshot. Needs Chromium and Playwright's Python package (the development extras);
nothing is fetched from the internet. It lives beside the benchmarks, but it
measures nothing: its leading underscore keeps ``make bench`` from running it.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_ADDRESS = re.compile(r"^PK dashboard: (http://127\.0\.0\.1:\d+)/\s+login token: (\S+)", re.MULTILINE)


def _wait_for_demo(proc: subprocess.Popen[str], limit: float = 300.0) -> tuple[str, str]:
    """PK's dashboard address and login token, once the demo prints them."""
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + limit
    for line in proc.stdout:
        seen.append(line)
        found = _ADDRESS.search(line)
        if found:
            return found.group(1), found.group(2)
        if time.monotonic() > deadline:
            break
    raise SystemExit("the demo did not print PK's dashboard address:\n" + "".join(seen[-40:]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "dashboard.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium to drive")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="sarhad-screenshot-") as work:
        demo = subprocess.Popen(
            [sys.executable, "-m", "sarhad", "demo", "--demo-home", str(Path(work) / "demo"), "--seconds", "600"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
        )
        try:
            base, token = _wait_for_demo(demo)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
                try:
                    page = browser.new_page(viewport={"width": 1440, "height": 900})
                    page.goto(base + "/")
                    page.fill("#token", token)
                    page.press("#token", "Enter")
                    page.wait_for_selector("html[data-ready='true']", timeout=30_000)
                    page.wait_for_timeout(1500)  # the map's tiles of geography and the live indicator settle
                    args.out.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.out))
                finally:
                    browser.close()
        finally:
            demo.terminate()
            try:
                demo.wait(timeout=30)
            except subprocess.TimeoutExpired:
                demo.kill()
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
