"""What the dashboard's browser tests (``test_dashboard_*.py``) share: a node served on loopback, a page of the
module's Chromium, signing in, screenshots, and the markers that skip them where Chromium or Playwright is missing.

A test file takes ``browser_page`` (and ``dashboard_server``) as fixtures from here and the helpers by import::

    from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, serve, sign_in

    pytestmark = BROWSER_MARKS
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sarhad.config import load_settings
from sarhad.model.figures import Figure
from sarhad.model.incident import Incident, Perpetrator, Place, incident_id
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import CHROMIUM, browser_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

try:
    # ``expect`` and ``sync_playwright`` are re-exported: the browser tests take them from here.
    from playwright.sync_api import expect as expect
    from playwright.sync_api import sync_playwright as sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
"""Where :func:`shot` writes its screenshots."""

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (run .ci/system-packages)"),
    pytest.mark.skipif(sync_playwright is None, reason="playwright is not installed (pip install -e .[dev])"),
]
"""A browser test module's ``pytestmark``."""

PLACES = [
    # (party, source, date, place, admin1, admin2, lat, lon, border_km, perpetrator, killed)
    ("PK", "pk-1", "2025-03-02", "Turbat", "Balochistan", "Kech", 26.00, 63.05, 40.0, "BLA", 4),
    ("PK", "pk-2", "2025-04-11", "Taftan", "Balochistan", "Chagai", 28.96, 61.59, 2.5, "Jaish al-Adl", 2),
    ("PK", "pk-3", "2025-05-20", "Quetta", "Balochistan", "Quetta", 30.18, 66.97, 420.0, "TTP", 9),
    ("IR", "ir-1", "2025-04-12", "Mirjaveh", "Sistan and Baluchestan", "Mirjaveh", 29.02, 61.45, 9, "Jaish al-Adl", 6),
    ("IR", "ir-2", "2025-06-01", "Saravan", "Sistan and Baluchestan", "Saravan", 27.37, 62.33, 12.0, None, 1),
    ("IR", "ir-3", "2025-03-02", "Rask", "Sistan and Baluchestan", "Rask", 26.24, 61.40, 35.0, "Jaish al-Adl", 3),
]  # fmt: skip
"""The incidents a served node holds unless a test says otherwise (the IR ones stand for a synced peer's)."""


def incident(party: str, source: str, day: str, place: str, admin1: str, admin2: str, lat: float, lon: float,
             border_km: float, perpetrator: str | None, killed: int) -> Incident:  # fmt: skip
    """A party's incident of one day at a place near the border: one row of :data:`PLACES`."""
    country = "PK" if party == "PK" else "IR"
    return Incident(
        id=incident_id("party", party, source), reported_by=party, dataset="party", source_id=source,
        date_start=day, date_end=day,
        place=Place(country=country, admin1=admin1, admin2=admin2, name=place, lat=lat, lon=lon, precision="near",
                    border_km=border_km),
        perpetrators=(Perpetrator(perpetrator, "claimed"),) if perpetrator else (),
        figures=(Figure("killed", "total", killed, killed, killed, "party_official", party),),
        title=f"Attack near {place}",
    )  # fmt: skip


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(home: Path, places: list[tuple[Any, ...]]) -> Iterator[dict[str, Any]]:
    """A PK node at ``home`` holding ``places`` (the IR ones stand for a synced peer's records), with an
    analyst, a viewer and a rule, served by uvicorn on a free loopback port.

    Yields ``{"base": URL, "analyst": token, "viewer": token, "home": home}``.
    """
    import uvicorn

    from sarhad.web.app import create_app
    from sarhad.web.dashboard import compose

    with Node.init(home, "PK") as node:
        node.publish(incident(*p) for p in places)
        analyst = create_token(node.db, "desk", "analyst", "PK")
        viewer = create_token(node.db, "watch", "viewer", "PK")
        add_rule(node.db, Rule(name="border-25km", near_border_km=25))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(compose(create_app(load_settings(home))), host="127.0.0.1", port=port, log_level="warning",
                       lifespan="on", timeout_graceful_shutdown=2)
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60  # a liveness bound: it starts in well under a second on a quiet machine
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start within 60 s"
        time.sleep(0.05)
    try:
        yield {"base": f"http://127.0.0.1:{port}", "analyst": analyst, "viewer": viewer, "home": home}
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def dashboard_server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A node holding :data:`PLACES`, served as :func:`serve` says."""
    with serve(tmp_path / "pk", PLACES) as served:
        yield served


@pytest.fixture
def browser_page(browser: Browser) -> tuple[Page, list[str]]:
    """A page (1440 x 900) in a fresh context of the module's Chromium that records the URL of every request."""
    page = browser_context(browser, viewport={"width": 1440, "height": 900}).new_page()
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    return page, requests


def sign_in(page: Page, base: str, token: str) -> None:
    """Open the dashboard at ``base``, sign in with ``token`` and wait until the page has drawn its data."""
    page.goto(base + "/")
    page.fill("#token", token)
    page.press("#token", "Enter")
    page.wait_for_selector("html[data-ready='true']")


def shot(page: Page, name: str) -> None:
    """A screenshot of the whole page in ``artifacts/name``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
