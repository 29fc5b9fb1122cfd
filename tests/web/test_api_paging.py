"""``GET /api/incidents`` keyset paging: ``next`` cursors walk every readable incident once, in order, stay
right while incidents are added, and bad cursors are refused naming the parameter."""

from __future__ import annotations

from typing import Any

from sarhad.model.incident import Incident, Place, incident_id
from tests.web.conftest import Served


def _walk(served: Served, who: str, limit: int, after: str | None = None, **params: Any) -> list[str]:
    ids: list[str] = []
    query: dict[str, Any] = {"limit": limit, **params, **({"after": after} if after else {})}
    for _ in range(1000):
        page = served.client.get("/api/incidents", params=query, headers=served.auth(who))
        assert page.status_code == 200, page.text
        data = page.json()
        ids += [i["id"] for i in data["incidents"]]
        if data["next"] is None:
            return ids
        assert len(data["incidents"]) == limit
        query = {"limit": limit, "after": data["next"], **params}
    raise AssertionError("paging did not end")


def test_next_cursors_walk_every_incident_once_in_order(served: Served) -> None:
    everything = served.client.get("/api/incidents", params={"limit": 1000}, headers=served.auth("viewer")).json()
    expected = [i["id"] for i in everything["incidents"]]
    assert len(expected) == everything["total"] == 37 and everything["next"] is None
    for limit in (1, 5, 36, 37):
        assert _walk(served, "viewer", limit) == expected
    # with a filter, and for a principal of another party (its TLP rules apply to every page alike)
    pk = [i["id"] for i in everything["incidents"] if i["country"] == "PK"]
    assert _walk(served, "viewer", 4, country="PK") == pk
    public_all = served.client.get("/api/incidents", params={"limit": 1000}, headers=served.auth("public")).json()
    assert _walk(served, "public", 3) == [i["id"] for i in public_all["incidents"]]
    # offset paging gives the same pages
    by_offset = served.client.get("/api/incidents", params={"limit": 5, "offset": 5}, headers=served.auth("viewer"))
    assert [i["id"] for i in by_offset.json()["incidents"]] == expected[5:10]


def test_a_cursor_stays_right_while_incidents_are_added(served: Served) -> None:
    first = served.client.get("/api/incidents", params={"limit": 10}, headers=served.auth("viewer")).json()
    seen = [i["id"] for i in first["incidents"]]
    early = Incident(
        id=incident_id("party", "PK", "paging-early"), reported_by="PK", dataset="party", source_id="paging-early",
        date_start="1990-01-01", date_end="1990-01-01",
        place=Place(country="PK", lat=29.0, lon=66.0, precision="exact"),
    )  # fmt: skip
    late = Incident(
        id=incident_id("party", "PK", "paging-late"), reported_by="PK", dataset="party", source_id="paging-late",
        date_start="2099-01-01", date_end="2099-01-01",
    )  # fmt: skip
    served.node.publish([early, late])
    rest = _walk(served, "viewer", 10, after=first["next"])
    # An incident added before the cursor is not repeated or skipped into the rest; one added after it appears.
    assert early.id not in rest and late.id == rest[-1]
    assert not set(seen) & set(rest)
    assert len(seen) + len(rest) == 37 + 1


def test_bad_cursors_are_refused(served: Served) -> None:
    for bad in ("not-a-cursor", "WzFd", "eyJhIjoxfQ", "%%%"):
        r = served.client.get("/api/incidents", params={"after": bad}, headers=served.auth("viewer"))
        assert r.status_code == 400, (bad, r.text)
        assert "is not a cursor from this API's 'next'" in r.json()["error"]["message"]
    first = served.client.get("/api/incidents", params={"limit": 2}, headers=served.auth("viewer")).json()
    both = served.client.get(
        "/api/incidents", params={"after": first["next"], "offset": 3}, headers=served.auth("viewer")
    )
    assert both.status_code == 400 and "either after" in both.json()["error"]["message"]
