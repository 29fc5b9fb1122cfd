"""Secrets never reach logs, errors or reprs; key files must be private; oversized bodies get 413."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sarhad.errors import ConfigError
from sarhad.log.note import Signer
from sarhad.node import Node
from sarhad.web.auth import authenticate, create_token, parse_authorization
from sarhad.web.limits import MAX_BODY_BYTES
from sarhad.web.taxii import MAX_CONTENT_LENGTH
from tests.security.conftest import in_process


def test_tokens_and_the_private_key_never_appear_in_logs_errors_or_reprs(
    node: Node, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = create_token(node.db, "ana", "analyst", "PK")
    private = node.signer.private_key_text()
    secret = token.split("_", 2)[2]
    forged = token[:-4] + "AAAA"
    texts: list[str] = [repr(node), repr(node.settings), repr(node.signer), repr(authenticate(node.db, token))]
    for bad in (forged, f"Basic {secret}", "Digest " + secret):
        try:
            authenticate(node.db, parse_authorization(bad if " " in bad else f"Bearer {bad}"))
        except Exception as exc:
            texts.append(str(exc))
    with in_process(node) as app:
        for headers in ({"Authorization": f"Bearer {forged}"}, {"Authorization": f"Bearer {token}"}):
            for path in ("/api/stats", "/api/incidents/nope", "/taxii2/", "/log/entries?start=-1", "/api/stats?by=x"):
                texts.append(app.request("GET", path, headers=headers).text)
            texts.append(app.request("POST", "/api/incidents", headers=headers, content=b"{not json").text)
    texts.extend(record.getMessage() for record in caplog.records)
    texts.append(caplog.text)
    everything = "\n".join(texts)
    # The key's own base64 after "PRIVATE+KEY+name+keyid+": it may hold "+" itself, so its tail after the last
    # "+" could be a few characters that occur anywhere by chance.
    seed = private.split("+", 4)[4]
    assert len(seed) > 40
    for needle in (token, secret, forged, private, seed):
        assert needle not in everything


def test_a_group_readable_key_file_is_refused(node: Node) -> None:
    key = node.settings.key_path
    assert os.stat(key).st_mode & 0o777 == 0o600
    os.chmod(key, 0o640)
    with pytest.raises(ConfigError, match=r"readable by others \(mode 0640\); run chmod 600"):
        Signer.from_key_file(key)
    with pytest.raises(ConfigError, match="readable by others"):
        Node.open(node.settings)


def test_a_declared_body_over_the_limit_is_refused_with_413_in_each_shape(node: Node) -> None:
    token = create_token(node.db, "ana", "analyst", "PK")
    auth = {"Authorization": f"Bearer {token}"}
    with in_process(node) as app:
        api = app.request("POST", "/api/incidents", headers=auth, content=b"x" * (MAX_BODY_BYTES + 1))
        assert api.status_code == 413
        assert api.json()["error"] == {
            "code": "too_large",
            "message": f"the request body is {MAX_BODY_BYTES + 1} bytes; /api/incidents takes at most "
            f"{MAX_BODY_BYTES} bytes",
        }
        # refused before authentication: an anonymous client cannot make the node read a huge body either
        anonymous = app.request("POST", "/api/incidents", content=b"x" * (MAX_BODY_BYTES + 1))
        assert anonymous.status_code == 413
        taxii = app.request(
            "POST",
            "/taxii2/sarhad/collections/incidents/objects/",
            headers={**auth, "Content-Length": str(MAX_CONTENT_LENGTH + 1)},
            content=b"{}",
        )
        assert taxii.status_code == 413
        assert taxii.json()["http_status"] == "413"
        assert f"at most {MAX_CONTENT_LENGTH} bytes" in taxii.json()["description"]


def test_a_streamed_body_over_the_limit_is_refused_with_413(node: Node) -> None:
    token = create_token(node.db, "ana", "analyst", "PK")

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"y" * (MAX_BODY_BYTES // 4)

    async def go() -> tuple[int, str]:
        async with app.client() as client:
            answer = await client.post("/api/incidents", headers={"Authorization": f"Bearer {token}"}, content=chunks())
            return answer.status_code, answer.text

    with in_process(node) as app:
        status, text = app.run(go)
    assert status == 413
    assert f"more than {MAX_BODY_BYTES} bytes" in text


def test_a_body_under_the_limit_reaches_the_route(node: Node, tmp_path: Path) -> None:
    token = create_token(node.db, "ana", "analyst", "PK")
    with in_process(node) as app:
        answer = app.request("POST", "/api/incidents", headers={"Authorization": f"Bearer {token}"}, content=b"[]")
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "expected a JSON object"
