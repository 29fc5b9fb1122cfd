"""Fixtures shared by the whole suite: real node homes on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sarhad.node import Node

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

ASSETS = Path(__file__).parent / "assets"
UCDP_SAMPLE = ASSETS / "ucdp" / "ucdp_ged231_sample_pak_irn.csv"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
BROWSER_WAIT_MS = 60_000
"""How long a browser test waits for the page to show something (Playwright's default is 30 s for actions and 5 s
for ``expect``). What it waits for takes under a second on a quiet machine, but the suite runs on every CPU at
once and a sign-in has taken over 15 s there; a wait costs time only when it fails, so it is generous and the
same everywhere. Set on every context made by :func:`browser_context` and on ``expect`` by :func:`chromium`."""
UNUSED_TOKEN = "sarhad_000000000000_unused-token-of-no-node"
"""A token of sarhad's form (``sarhad_<id>_<secret>``) that no node issued, for a peer registered only to be known
(its party, its key) and never synced from: ``peer add`` refuses a token that cannot be one."""

# The longest test files, longest first. `make test` runs a file's tests on one worker (pytest-xdist, loadfile)
# and hands out files in collection order (the Makefile turns off xdist's reordering by number of tests): these
# start at once instead of ending the run on one worker while the others idle. Each took minutes on a loaded
# machine (`--durations`): crash tests that kill an import or a sync ten to twenty times (the import's split by
# what it is doing when killed, so that they spread over the workers), a backup taken while serving, the import
# worker and the re-import equivalence against both databases. tests/test_longest_first.py checks that each of
# them exists.
LONGEST_FIRST = (
    "integration/test_crash_sync.py",
    "formats/test_import_worker.py",
    "integration/test_crash_import_committing.py",
    "integration/test_crash_import_journal.py",
    "integration/test_backup_restore.py",
    "integration/test_crash_import_parsing.py",
    "formats/test_unchanged_rows.py",
)


CHILD_SITE = Path(__file__).parent / "child_site"
"""First on the path of every Python process the tests start: it hides packages that only the dev tools bring
and that cost those processes time without changing what sarhad does (see its modules' docstrings)."""


@pytest.fixture(autouse=True, scope="session")
def children_as_installed() -> Iterator[None]:
    """Start every child process with :data:`CHILD_SITE` first on ``PYTHONPATH``, as a user's install would run.

    A child that sets its own ``PYTHONPATH`` (:func:`tests.serve_process.child_env` puts it first too) decides for
    itself. This process's own imports do not change: ``PYTHONPATH`` is read when Python starts.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(CHILD_SITE), os.environ.get("PYTHONPATH")])))
        yield


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the files of :data:`LONGEST_FIRST` first, in that order; every other test keeps its place."""
    tests = Path(__file__).parent
    rank = {tests / name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path, len(rank)))  # a stable sort


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the ``sarhad`` command line in this process; return (exit code, stdout, stderr)."""
    from sarhad.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_ucdp(path: Path, rows: int, first_id: int) -> None:
    """Write a UCDP GED file of ``rows`` rows: the shipped sample's rows in turn, with ids from ``first_id``."""
    with UCDP_SAMPLE.open(newline="", encoding="utf-8") as fh:
        header, *sample = list(csv.reader(fh))
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(header)
        for i in range(rows):
            row = list(sample[i % len(sample)])
            row[0] = str(first_id + i)
            out.writerow(row)


def postgres_url() -> str | None:
    """The test server's URL (set by .ci/run), or None to skip the PostgreSQL tests."""
    return os.environ.get("SARHAD_TEST_POSTGRES_URL") or None


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL pointing at a fresh schema of its own, dropped afterwards."""
    base = postgres_url()
    if base is None:
        pytest.skip("SARHAD_TEST_POSTGRES_URL is not set (the PostgreSQL server is needed)")
    url = f"{base}?schema=t_{uuid.uuid4().hex[:12]}"
    yield url
    drop_schema(url)


def drop_schema(url: str) -> None:
    """Drop the schema of a ``postgresql://…?schema=NAME`` URL and everything in it."""
    import psycopg

    base, _, schema = url.partition("?schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def filled_home(capsys: pytest.CaptureFixture[str], home: Path, *db: str) -> Path:
    """``home`` made a PK node (``db``: init's database options) holding the UCDP sample, through the CLI."""
    code, _, err = run_cli(capsys, "--home", str(home), "init", "--party", "PK", *db)
    assert code == 0, err
    code, _, err = run_cli(capsys, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE))
    assert code == 0, err
    return home


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    """A fresh PK node on SQLite."""
    n = Node.init(tmp_path / "pk", "PK")
    yield n
    n.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_node(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    """A fresh PK node, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        n = Node.init(tmp_path / "pk", "PK")
    else:
        url = request.getfixturevalue("pg_schema_url")
        n = Node.init(tmp_path / "pk", "PK", database_url=url)
    yield n
    n.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, launched once for a test module's browser tests.

    A launch costs a second or more on a loaded machine; tests share the browser but not its state: each opens
    contexts of its own (cookies, storage, cache), which :func:`browser` closes after the test. Not shared more
    widely: while Playwright's sync API is open it marks its event loop as running in this thread, so a later
    module's ``asyncio.run()`` (or its own ``sync_playwright()``) would fail.
    """
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_WAIT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser(chromium: Browser) -> Iterator[Browser]:
    """The module's shared Chromium; every context the test opened in it is closed afterwards."""
    yield chromium
    for context in list(chromium.contexts):
        context.close()


def browser_context(browser: Browser, **options: Any) -> BrowserContext:
    """A fresh context of ``browser`` (``options``: Playwright's, e.g. ``viewport``) whose pages wait up to
    :data:`BROWSER_WAIT_MS` for a selector, a function, an action or a navigation."""
    context = browser.new_context(**options)
    context.set_default_timeout(BROWSER_WAIT_MS)
    return context
