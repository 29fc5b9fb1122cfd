"""TLP never leaks: for random markings (TLP:RED with random named recipients among them) and random principals,
no response carries an object the principal may not read (TAXII objects, manifest and object-by-id, the JSON
API, the dashboard API, the log entries with objects that peers pull, the live stream's incident and alert
events, and exports made with ``--max-tlp``), whether the node published the object or synced it from a peer."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from sarhad.cli import main
from sarhad.exchange.peers import add_peer, get_peer
from sarhad.exchange.sync import sync_peer
from sarhad.log.note import Signer
from sarhad.model.incident import Incident, incident_id
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import ROLES, Principal, create_token, may_read
from tests.monitor.test_evaluate import make
from tests.security.conftest import InProcess, in_process
from tests.web.conftest import running, serving

LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
PARTIES = ("PK", "IR", "AF", "PUBLIC")
FRAMEWORK = ("PK", "IR")  # the node's party and its peer's
NAMES = ("desk-a", "desk-b", "root")  # few names, so that principals are often named recipients
TAXII = "application/taxii+json;version=2.1"
COLLECTION = "/taxii2/sarhad/collections/incidents"
# A marking: a level and, for RED, the principals named (none: the originating party's own).
MARKING = st.sampled_from(LEVELS).flatmap(
    lambda level: st.tuples(
        st.just(level),
        st.lists(st.builds("{}:{}".format, st.sampled_from(PARTIES), st.sampled_from(NAMES)), unique=True,
                 max_size=3 if level == "RED" else 0).map(lambda refs: tuple(sorted(refs))),
    )
)  # fmt: skip
# Built and validated at import: the running app may be importing numpy in another thread, which hypothesis's
# sampled_from looks at.
NEW = st.lists(MARKING, min_size=1, max_size=3)
SYNCED = st.lists(MARKING, max_size=3)
ROLE = st.sampled_from(ROLES)
PARTY = st.sampled_from(PARTIES)
NAME = st.sampled_from(NAMES)
for _strategy in (NEW, SYNCED, ROLE, PARTY, NAME):
    _strategy.validate()


def _responses(app: InProcess, token: str, ids: list[str]) -> list[tuple[str, str, int]]:
    """(path, body, status) of every response; a by-id path ends with the id it asked for."""
    auth = {"Authorization": f"Bearer {token}"}
    taxii = {**auth, "Accept": TAXII}
    out = []
    for path, headers in (
        [
            ("/api/incidents?limit=1000", auth),
            ("/api/dashboard/table?limit=500", auth),
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


@dataclass(frozen=True)
class Held:
    """An object the node holds: its marking and the party that published it."""

    tlp: str
    recipients: tuple[str, ...]
    origin: str


def test_no_response_carries_an_object_the_principal_may_not_read(node: Node, tmp_path: Path) -> None:
    ir = Node.init(tmp_path / "ir", "IR")
    held: dict[str, Held] = {}  # id -> marking, across examples: own records and IR's synced here
    counter = iter(range(10_000))
    admin = create_token(node.db, "root", "admin", "PK")

    with serving(ir) as ir_url, in_process(node) as app:
        add_peer(node.db, "IR", ir_url, ir.signer.vkey, create_token(ir.db, "pk-node", "peer", "PK"))
        add_peer(ir.db, "PK", "http://127.0.0.1:9", node.signer.vkey, "sarhad_000000000000_" + "p" * 43, "PK")

        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.explicit, Phase.generate],  # no shrinking: the message names role, party and path
        )
        @given(new=NEW, synced=SYNCED, role=ROLE, party=PARTY, name=NAME)
        # always: a RED record of each side naming a PK desk, read by that desk, then by another PK desk
        @example(new=[("RED", ("PK:desk-a",)), ("RED", ())], synced=[("RED", ("PK:desk-a",)), ("RED", ("IR:root",))],
                 role="analyst", party="PK", name="desk-a")  # fmt: skip
        @example(new=[], synced=[], role="analyst", party="PK", name="desk-b")
        def check(
            new: list[tuple[str, tuple[str, ...]]],
            synced: list[tuple[str, tuple[str, ...]]],
            role: str,
            party: str,
            name: str,
        ) -> None:
            for tlp, recipients in new:
                source = f"s{next(counter)}"
                body = {"source_id": source, "date_start": "2026-01-02", "tlp": tlp, "title": f"t-{source}",
                        "recipients": list(recipients)}  # fmt: skip
                answer = app.request("POST", "/api/incidents", headers={"Authorization": f"Bearer {admin}"}, json=body)
                assert answer.status_code == 201, answer.text
                held[incident_id("party", "PK", source)] = Held(tlp, recipients, "PK")
            records = [_ir_record(f"i{next(counter)}", tlp, recipients) for tlp, recipients in synced]
            if records:
                ir.publish(records)
                sync_peer(node, get_peer(node.db, "IR"))  # PK gets what IR lets a PK peer read, and only that
            stored = {str(r[0]) for r in node.db.fetchall("SELECT id FROM objects WHERE origin = 'IR'")}
            for r in records:
                carried = may_read(Principal("pk-node", "peer", "PK"), r.tlp, "IR", r.recipients, FRAMEWORK)
                assert (r.id in stored) is carried, f"{r.tlp} {r.recipients} from IR: carried to PK is {carried}"
                if carried:
                    held[r.id] = Held(r.tlp, r.recipients, "IR")
            token = create_token(node.db, name, role, party)
            principal = Principal(name, role, party)
            forbidden = [
                i for i, h in held.items() if not may_read(principal, h.tlp, h.origin, h.recipients, FRAMEWORK)
            ]
            allowed = [i for i in held if i not in forbidden]
            who = f"{name} ({role}@{party})"
            for path, text, status in _responses(app, token, list(held)):
                for object_id in forbidden:
                    h = held[object_id]
                    if object_id in path:
                        # asked by id: answered as for an id that does not exist (the message repeats the id asked)
                        assert status == 404, f"{who} got {h} {object_id} from {path}"
                        assert "may read" in text
                        continue
                    assert object_id not in text, f"{who} got {h} {object_id} from {path}"
            listed = app.request("GET", "/api/incidents?limit=1000", headers={"Authorization": f"Bearer {token}"})
            missing = set(allowed) - {i["id"] for i in listed.json()["incidents"]}
            assert not missing, f"{who} misses {[(i, held[i]) for i in missing]}"

        check()
    ir.close()


def _ir_record(source: str, tlp: str, recipients: tuple[str, ...]) -> Incident:
    return Incident(id=incident_id("party", "IR", source), reported_by="IR", dataset="party", source_id=source,
                    date_start="2026-01-03", date_end="2026-01-03", title=f"t-{source}", tlp=tlp,
                    recipients=recipients)  # fmt: skip


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

        def publish(tlp: str, recipients: tuple[str, ...] = ()) -> str:
            source = f"live{next(counter)}"
            body = {"source_id": source, "date_start": "2026-01-02", "tlp": tlp, "title": f"t-{source}",
                    "recipients": list(recipients),
                    "place": {"country": "PK", "lat": 27.2, "lon": 62.9, "precision": "exact"}}  # fmt: skip
            answer = client.post("/api/incidents", headers={"Authorization": f"Bearer {admin}"}, json=body)
            assert answer.status_code == 201, answer.text
            return str(answer.json()["id"])

        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  phases=[Phase.explicit, Phase.generate])  # fmt: skip
        @given(new=NEW, role=ROLE, party=PARTY, name=NAME)
        @example(new=[("RED", ("PK:desk-a",)), ("RED", ("IR:desk-a",))], role="viewer", party="PK", name="desk-a")
        def check(new: list[tuple[str, tuple[str, ...]]], role: str, party: str, name: str) -> None:
            token = create_token(node.db, name, role, party)
            principal = Principal(name, role, party)
            headers = {"Authorization": f"Bearer {token}"}
            with client.stream("GET", "/api/stream", headers=headers) as stream:
                lines = stream.iter_lines()
                assert next(lines) == "retry: 1000"  # subscribed: what is published from now on is streamed
                published = {publish(tlp, recipients): (tlp, recipients) for tlp, recipients in new}
                time.sleep(0.3)  # their events (incidents, then alerts) go out before the sentinel's
                sentinel = publish("CLEAR")  # everyone may read it and its alert: it ends this example's reading
                data = "\n".join(_events_until(lines, sentinel))
            assert sentinel in data.split("\n")[-2], "the incident comes before its alert, in publication order"
            who = f"{name} ({role}@{party})"
            for object_id, (tlp, recipients) in published.items():
                if not may_read(principal, tlp, "PK", recipients, FRAMEWORK):
                    assert object_id not in data, f"{who} was streamed {tlp} {recipients} {object_id} or its alert"
                else:
                    assert data.count(object_id) >= 3, f"{who} missed {tlp} {recipients} {object_id} or its alert"

        check()


LEVEL = st.sampled_from(LEVELS)
LEVEL.validate()


def test_an_export_up_to_a_tlp_level_carries_nothing_above_it(node: Node, tmp_path: Path) -> None:
    published: dict[str, str] = {}  # id -> tlp, across examples
    counter = iter(range(10_000))

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(new=NEW, level=LEVEL, fmt=st.sampled_from(["csv", "geojson"]))
    def check(new: list[tuple[str, tuple[str, ...]]], level: str, fmt: str) -> None:
        records = [make(f"x{next(counter)}") for _ in new]
        marked = [
            dataclasses.replace(r, tlp=tlp, recipients=named) for r, (tlp, named) in zip(records, new, strict=True)
        ]
        node.publish(marked)
        published.update({r.id: r.tlp for r in marked})
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
