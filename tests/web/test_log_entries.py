"""``GET /log/entries``: envelopes and leaf hashes by range, and the bodies a principal may read."""

from __future__ import annotations

import base64
import hashlib

from sarhad.log.envelope import Envelope
from sarhad.log.merkle import leaf_hash
from tests.web.conftest import Served


def test_entries_with_bodies_as_text_serve_the_exact_logged_bytes(served: Served) -> None:
    r = served.client.get("/log/entries", params={"start": 0, "end": 10, "objects": 1, "bodies": "text"},
                          headers=served.auth("peer"))  # fmt: skip
    assert r.status_code == 200
    data = r.json()
    assert [e["index"] for e in data["entries"]] == list(range(10))
    assert data["objects"], "the peer reads the GREEN sample records"
    for entry in data["entries"]:
        env = Envelope.from_canonical(entry["envelope"])
        assert base64.b64decode(entry["leaf_hash"]) == leaf_hash(entry["envelope"].encode())
        text = data["objects"].get(str(entry["index"]))
        if text is not None:
            assert isinstance(text, str)
            assert hashlib.sha256(text.encode()).hexdigest() == env.sha256
            stored = served.node.db.fetchone("SELECT body FROM objects WHERE log_index = ?", (entry["index"],))
            assert stored == (text,)


def test_entries_with_parsed_bodies_and_what_a_public_viewer_reads(served: Served) -> None:
    params = {"start": 0, "end": 37, "objects": 1}
    parsed = served.client.get("/log/entries", params=params, headers=served.auth("peer")).json()
    assert all(isinstance(o, dict) for o in parsed["objects"].values())
    public = served.client.get("/log/entries", params=params, headers=served.auth("public")).json()
    # Every envelope stays visible; bodies only for CLEAR objects.
    assert len(public["entries"]) == len(parsed["entries"]) == 37
    clear = {str(r[0]) for r in served.node.db.fetchall("SELECT log_index FROM objects WHERE tlp = 'CLEAR'")}
    assert set(public["objects"]) == clear & set(parsed["objects"])


def test_entries_reject_a_bad_range(served: Served) -> None:
    r = served.client.get("/log/entries", params={"start": "x"}, headers=served.auth("peer"))
    assert r.status_code == 400
    assert "start 'x' is not an integer" in r.text
