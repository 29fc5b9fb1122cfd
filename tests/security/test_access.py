"""Access: every route needs a token except the documented public list; tokens expire, are revoked, and
repeated failures from one address are slowed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.routing import Mount, Route

from sarhad.cli import main
from sarhad.errors import AccessDenied, InvalidInput
from sarhad.node import Node
from sarhad.store.db import Database
from sarhad.web.app import create_app
from sarhad.web.auth import FailureLimiter, authenticate, create_token, revoke_token
from tests.security.conftest import in_process

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"
# The explicit public list; docs/security.md names each entry.
PUBLIC_ROUTES = {"/health", "/api/openapi.json", "/", "/favicon.ico"}
PUBLIC_MOUNTS = {"/static", "/static/leaflet"}
WRONG = "sarhad_0123456789ab_" + "x" * 43


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def _routes(node: Node) -> list[tuple[str, str]]:
    found = []
    for route in create_app(node.settings).routes:
        if isinstance(route, Mount):
            assert route.path in PUBLIC_MOUNTS, f"mount {route.path} is not in the public list"
            continue
        assert isinstance(route, Route), route
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            found.append((method, route.path))
    return found


def test_every_non_public_route_answers_401_without_or_with_a_wrong_token(node: Node) -> None:
    routes = _routes(node)
    assert len(routes) > 25
    checked = 0
    with in_process(node) as app:
        for i, (method, path) in enumerate(routes):
            url = _concrete(path)
            if path in PUBLIC_ROUTES:
                assert method == "GET", f"public route {path} takes {method}"
                continue
            address = f"10.1.{i // 200}.{i % 200}"
            missing = app.request(method, url, address)
            assert missing.status_code == 401, f"{method} {url} without a token: {missing.status_code}"
            assert "authentication required" in missing.text
            wrong = app.request(method, url, address, headers={"Authorization": f"Bearer {WRONG}"})
            assert wrong.status_code == 401, f"{method} {url} with a wrong token: {wrong.status_code}"
            assert WRONG not in wrong.text
            checked += 1
    assert checked == len(routes) - len(PUBLIC_ROUTES)


def test_the_public_list_is_documented(node: Node) -> None:
    text = DOCS.read_text(encoding="utf-8")
    for path in sorted(PUBLIC_ROUTES | {f"{m}/" for m in PUBLIC_MOUNTS}):
        assert f"`{path}`" in text, f"docs/security.md does not name the public path {path}"
    public = {p for _, p in _routes(node) if p in PUBLIC_ROUTES}
    assert public == PUBLIC_ROUTES


def test_public_routes_answer_without_a_token(node: Node) -> None:
    with in_process(node) as app:
        assert app.request("GET", "/health").json() == {"status": "ok"}
        assert app.request("GET", "/api/openapi.json").json()["openapi"].startswith("3.")


def _expire(db: Database, token: str) -> None:
    with db.transaction():
        db.execute("UPDATE tokens SET expires = ? WHERE id = ?", ("2020-01-01T00:00:00.000Z", token.split("_")[1]))


def test_an_expired_token_is_refused_with_a_clear_message(node: Node) -> None:
    token = create_token(node.db, "old", "viewer", "PK", expires_days=1)
    assert authenticate(node.db, token).name == "old"
    _expire(node.db, token)
    with pytest.raises(AccessDenied, match=r"token of principal 'old' expired at 2020-01-01.*new one"):
        authenticate(node.db, token)
    with in_process(node) as app:
        answer = app.request("GET", "/api/stats", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert "expired" in answer.json()["error"]["message"]
    assert token not in answer.text


def test_tokens_expire_after_90_days_by_default_and_never_when_told(node: Node) -> None:
    create_token(node.db, "default", "viewer", "PK")
    create_token(node.db, "forever", "viewer", "PK", expires_days=None)
    rows: dict[str, str | None] = dict(node.db.fetchall("SELECT principal, expires FROM tokens"))
    assert rows["forever"] is None
    default = rows["default"]
    assert default is not None and default[:4].isdigit() and default > "2026"


def test_create_token_rejects_a_non_positive_expiry(node: Node) -> None:
    with pytest.raises(InvalidInput, match=r"expiry of 0 days is outside"):
        create_token(node.db, "x", "viewer", "PK", expires_days=0)


def test_a_revoked_token_is_refused(node: Node) -> None:
    token = create_token(node.db, "gone", "analyst", "PK")
    assert revoke_token(node.db, "gone") == 1
    with pytest.raises(AccessDenied, match=r"token of principal 'gone' was revoked"):
        authenticate(node.db, token)


def test_token_create_cli_takes_expires(node: Node, capsys: pytest.CaptureFixture[str]) -> None:
    home = str(node.settings.home)
    assert main(["--home", home, "token", "create", "--principal", "cli", "--role", "viewer", "--expires", "7"]) == 0
    token = capsys.readouterr().out.strip()
    assert authenticate(node.db, token).name == "cli"
    expires = node.db.fetchone("SELECT expires FROM tokens WHERE principal = 'cli'")
    assert expires is not None and expires[0] is not None


def test_repeated_failures_from_one_address_get_429_with_retry_after(node: Node) -> None:
    good = create_token(node.db, "ok", "viewer", "PK")
    with in_process(node) as app:
        bad = {"Authorization": f"Bearer {WRONG}"}
        codes = [app.request("GET", "/api/stats", "10.9.9.9", headers=bad).status_code for _ in range(12)]
        assert codes[:11] == [401] * 11  # ten free failures, the eleventh sets a 1 s delay
        assert codes[11] == 429
        blocked = app.request("GET", "/api/stats", "10.9.9.9", headers={"Authorization": f"Bearer {good}"})
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) >= 1
        assert "too many failed authentications" in blocked.json()["error"]["message"]
        taxii = app.request("GET", "/taxii2/", "10.9.9.9", headers=bad)
        assert taxii.status_code == 429 and taxii.json()["http_status"] == "429"
        # another address is not affected
        other = app.request("GET", "/api/stats", "10.9.9.10", headers={"Authorization": f"Bearer {good}"})
        assert other.status_code == 200


def test_failure_limiter_doubles_the_delay_forgets_on_success_and_bounds_memory() -> None:
    now = [1000.0]
    limiter = FailureLimiter(free=2, window=60, max_delay=8, capacity=3, clock=lambda: now[0])
    for _ in range(2):
        limiter.failed("a")
    assert limiter.retry_after("a") == 0
    delays = []
    for _ in range(5):
        limiter.failed("a")
        delays.append(limiter.retry_after("a"))
    assert delays == [1, 2, 4, 8, 8]
    limiter.succeeded("a")
    assert limiter.retry_after("a") == 0
    for address in ("b", "c", "d", "e"):
        limiter.failed(address)
    assert len(limiter) == 3
    now[0] += 61  # a new window starts
    for _ in range(3):
        limiter.failed("e")
    assert limiter.retry_after("e") == 1


def test_every_test_and_file_the_threat_model_names_exists() -> None:
    text = DOCS.read_text(encoding="utf-8")
    root = DOCS.parents[1]
    files = set(re.findall(r"`((?:tests|sarhad|benchmarks)/[\w/.]+\.py)", text))
    assert files, "docs/security.md names no test or module"
    for name in sorted(files):
        assert (root / name).is_file(), f"docs/security.md names {name}, which does not exist"
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (root / "tests").rglob("test_*.py"))
    for test in sorted(set(re.findall(r"\b(test_\w+)\b(?!\.py)", text))):
        assert f"def {test}(" in sources, f"docs/security.md names {test}, which no test defines"
