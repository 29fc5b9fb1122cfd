"""TLP never leaks: for random markings and random principals, no response carries an object the principal
may not read (TAXII objects, manifest and object-by-id, the JSON API, the dashboard API, the log entries with
objects that peers pull, the live stream's incident and alert events, and exports made with ``--max-tlp``)."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sarhad.cli import main
from sarhad.exchange.peers import add_peer
from sarhad.log.note import Signer
from sarhad.model.incident import incident_id
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import ROLES, Principal, create_token, readable_levels
from tests.monitor.test_evaluate import make
from tests.security.conftest import InProcess, in_process
from tests.web.conftest import running

LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
PARTIES = ("PK", "IR", "AF", "PUBLIC")
TAXII = "application/taxii+json;version=2.1"
COLLECTION = "/taxii2/sarhad/collections/incidents"
# Built and validated at import: the running app may be importing numpy in another thread, which hypothesis's
# sampled_from looks at.
NEW = st.lists(st.sampled_from(LEVELS), min_size=1, max_size=3)
ROLE = st.sampled_from(ROLES)
PARTY = st.sampled_from(PARTIES)
for _strategy in (NEW, ROLE, PARTY):
    _strategy.validate()


def _responses(app: InProcess, token: str, ids: list[str]) -> list[tuple[str, str, int]]:
    """(path, body, status) of every response; a by-id path ends with the id it asked for."""
    auth = {"Authorization": f"Bearer {token}"}
    taxii = {**auth, "Accept": TAXII}
    out = []
    for path, headers in (
        [
            ("/api/incidents?limit=1000", auth),
            ("/api/dashboard/table?limit=1000", auth),
            ("/api/dashboard/markers", auth),
            (f"{COLLECTION}/objects/?limit=1000", taxii),
            (f"{COLLECTION}/manifest/?limit=1000", taxii),
        ]
        + [(f"/api/incidents/{i}", auth) for i in ids]
        + [(f"{COLLECTION}/objects/{i}/", taxii) for i in ids]
    ):
        answer = app.request("GET", path, headers=headers)
        assert answer.status_code < 500, f"{path}: {answer.text}"
        out.append((path, answer.text, answer.status_code))
    entries = app.request("GET", "/log/entries?objects=1", headers=auth)
    assert entries.status_code == 200
    # envelopes (hashes) of withheld objects stay visible by design; the object bodies must not
    out.append(("/log/entries objects", json.dumps(entries.json()["objects"]), 200))
    return out


def test_no_response_carries_an_object_the_principal_may_not_read(node: Node, tmp_path: Path) -> None:
    ir = Signer.generate("sarhad.ir/log")
    add_peer(node.db, "IR", "http://127.0.0.1:9", ir.vkey, "sarhad_000000000000_" + "p" * 43, "IR")
    admin = create_token(node.db, "root", "admin", "PK")
    published: dict[str, str] = {}  # id -> tlp, across examples
    counter = iter(range(10_000))

    with in_process(node) as app:

        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: the message names role, party and path
        )
        @given(new=NEW, role=ROLE, party=PARTY)
        def check(new: list[str], role: str, party: str) -> None:
            for tlp in new:
                source = f"s{next(counter)}"
                body = {"source_id": source, "date_start": "2026-01-02", "tlp": tlp, "title": f"t-{source}"}
                answer = app.request("POST", "/api/incidents", headers={"Authorization": f"Bearer {admin}"}, json=body)
                assert answer.status_code == 201, answer.text
                published[incident_id("party", "PK", source)] = tlp
            name = f"p{next(counter)}"
            token = create_token(node.db, name, role, party)
            principal = Principal(name, role, party)
            levels = readable_levels(principal, ("PK", "IR"))
            forbidden = [i for i, tlp in published.items() if party != "PK" and tlp not in levels]
            allowed = [i for i in published if i not in forbidden]
            for path, text, status in _responses(app, token, list(published)):
                for object_id in forbidden:
                    if object_id in path:
                        # asked by id: answered as for an id that does not exist (the message repeats the id asked)
                        assert status == 404, f"{role}@{party} got {published[object_id]} {object_id} from {path}"
                        assert "may read" in text
                        continue
                    assert object_id not in text, f"{role}@{party} got {published[object_id]} {object_id} from {path}"
            listed = app.request("GET", "/api/incidents?limit=1000", headers={"Authorization": f"Bearer {token}"})
            assert {i["id"] for i in listed.json()["incidents"]} >= set(allowed), "a readable object is missing"

        check()


def _events_until(lines: Iterator[str], sentinel: str) -> list[str]:
    """The ``data:`` lines of a live stream up to the alert event of ``sentinel`` (inclusive)."""
    seen = []
    for line in lines:
        if line.startswith("data:"):
            seen.append(line)
            if f'"incident_id":"{sentinel}"' in line:
                return seen
    raise AssertionError(f"the stream ended before the alert on {sentinel} arrived")


def test_the_live_stream_carries_no_incident_or_alert_the_principal_may_not_read(node: Node) -> None:
    ir = Signer.generate("sarhad.ir/log")
    add_peer(node.db, "IR", "http://127.0.0.1:9", ir.vkey, "sarhad_000000000000_" + "p" * 43, "IR")
    add_rule(node.db, Rule("everything near", near_border_km=5000))  # every new incident raises an alert too
    admin = create_token(node.db, "root", "admin", "PK")
    counter = iter(range(10_000))
    with running(node) as (base, _server, _thread), httpx.Client(base_url=base, timeout=20) as client:

        def publish(tlp: str) -> str:
            source = f"live{next(counter)}"
            body = {"source_id": source, "date_start": "2026-01-02", "tlp": tlp, "title": f"t-{source}",
                    "place": {"country": "PK", "lat": 27.2, "lon": 62.9, "precision": "exact"}}  # fmt: skip
            answer = client.post("/api/incidents", headers={"Authorization": f"Bearer {admin}"}, json=body)
            assert answer.status_code == 201, answer.text
            return str(answer.json()["id"])

        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  phases=[Phase.explicit, Phase.generate])  # fmt: skip
        @given(new=NEW, role=ROLE, party=PARTY)
        def check(new: list[str], role: str, party: str) -> None:
            name = f"p{next(counter)}"
            token = create_token(node.db, name, role, party)
            levels = readable_levels(Principal(name, role, party), ("PK", "IR"))
            headers = {"Authorization": f"Bearer {token}"}
            with client.stream("GET", "/api/stream", headers=headers) as stream:
                lines = stream.iter_lines()
                assert next(lines) == "retry: 1000"  # subscribed: what is published from now on is streamed
                published = {publish(tlp): tlp for tlp in new}
                time.sleep(0.3)  # their events (incidents, then alerts) go out before the sentinel's
                sentinel = publish("CLEAR")  # everyone may read it and its alert: it ends this example's reading
                data = "\n".join(_events_until(lines, sentinel))
            assert sentinel in data.split("\n")[-2], "the incident comes before its alert, in publication order"
            for object_id, tlp in published.items():
                if party != "PK" and tlp not in levels:
                    assert object_id not in data, f"{role}@{party} was streamed {tlp} {object_id} or its alert"
                else:
                    assert data.count(object_id) >= 3, f"{role}@{party} missed {tlp} {object_id} or its alert"

        check()


LEVEL = st.sampled_from(LEVELS)
LEVEL.validate()


def test_an_export_up_to_a_tlp_level_carries_nothing_above_it(node: Node, tmp_path: Path) -> None:
    published: dict[str, str] = {}  # id -> tlp, across examples
    counter = iter(range(10_000))

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(new=NEW, level=LEVEL, fmt=st.sampled_from(["csv", "geojson"]))
    def check(new: list[str], level: str, fmt: str) -> None:
        records = [make(f"x{next(counter)}") for _ in new]
        node.publish([dataclasses.replace(r, tlp=tlp) for r, tlp in zip(records, new, strict=True)])
        published.update({r.id: tlp for r, tlp in zip(records, new, strict=True)})
        out = tmp_path / f"export.{fmt}"
        home = str(node.settings.home)
        assert main(["--home", home, "export", fmt, "--out", str(out), "--max-tlp", level.lower()]) == 0
        text = out.read_text(encoding="utf-8")
        allowed = LEVELS[: LEVELS.index(level) + 1]
        for object_id, tlp in published.items():
            if tlp in allowed:
                assert object_id in text, f"{tlp} {object_id} is missing from a --max-tlp {level} {fmt} export"
            else:
                assert object_id not in text, f"{tlp} {object_id} leaked into a --max-tlp {level} {fmt} export"

    check()
