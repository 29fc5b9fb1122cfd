"""The joint picture on the JSON API (``/api/dashboard/clusters``), over real HTTP on SQLite and PostgreSQL: each
principal sees a cluster's members it may read (TLP, TLP:RED named recipients) and figures computed from them
alone, a cluster with none of them is 404 like an unknown id, and bad parameters are 400 naming the field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import httpx
import pytest

from sarhad.exchange.peers import add_peer
from sarhad.log.note import Signer
from sarhad.model.incident import Incident
from sarhad.node import Node
from sarhad.reconcile.store import reconcile
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.reconcile.helpers import report
from tests.web.conftest import serving

WHO = {
    "root": ("admin", "PK"),  # the originator's custodian: reads everything here
    "ana": ("analyst", "PK"),  # not named on the RED records
    "desk-a": ("analyst", "IR"),  # named on the RED report of Quetta
    "desk-b": ("admin", "IR"),  # named on nothing
    "anyone": ("viewer", "PUBLIC"),  # reads TLP:CLEAR only
}


def _marked(inc: Incident, tlp: str, recipients: tuple[str, ...] = ()) -> Incident:
    return replace(inc, tlp=tlp, recipients=recipients)


# Quetta, one incident: PK says 5 killed (GREEN), IR 12 (GREEN), ACLED 30 (RED, for IR:desk-a only).
QUETTA = [
    _marked(report("PK", "PK-1", "2026-01-10", killed=5, perpetrator="BLA"), "GREEN"),
    _marked(report("IR", "IR-1", "2026-01-10", killed=12, perpetrator="BLA"), "GREEN"),
    _marked(report("ACLED", "AC-1", "2026-01-10", killed=30, perpetrator="BLA"), "RED", ("IR:desk-a",)),
]
# Turbat, a month later: one RED report naming no recipient, for the originating party's principals only.
TURBAT = [_marked(report("PK", "PK-2", "2026-02-14", lat=26.0, lon=63.05, place="Turbat", killed=2), "RED")]
# Gwadar: a CLEAR report, which everyone reads.
GWADAR = [_marked(report("PK", "PK-3", "2026-03-01", lat=25.12, lon=62.32, place="Gwadar", killed=1), "CLEAR")]


@dataclass
class Api:
    node: Node
    client: httpx.Client
    tokens: dict[str, str]

    def get(self, who: str, path: str, **params: str) -> httpx.Response:
        return self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, params=params)

    def readable(self, who: str) -> set[str]:
        """The incident ids ``who`` may read, as the dashboard's table lists them."""
        rows = self.get(who, "/api/dashboard/table", limit="500").json()["rows"]
        return {r["id"] for r in rows}


@pytest.fixture
def api(any_node: Node) -> Iterator[Api]:
    add_peer(any_node.db, "IR", "http://127.0.0.1:9", Signer.generate("sarhad.ir/log").vkey,
             "sarhad_000000000000_" + "p" * 43, "IR")  # fmt: skip
    tokens = {name: create_token(any_node.db, name, role, party) for name, (role, party) in WHO.items()}
    any_node.publish([*QUETTA, *TURBAT, *GWADAR])
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield Api(any_node, client, tokens)


def test_before_reconcile_the_list_says_how_to_run_it(api: Api) -> None:
    answer = api.get("root", "/api/dashboard/clusters")
    assert answer.status_code == 200
    assert answer.json()["reconciled"] is False
    assert "sarhad reconcile" in answer.json()["hint"]
    missing = api.get("root", f"/api/dashboard/clusters/{QUETTA[0].id}")
    assert missing.status_code == 404 and "sarhad reconcile" in missing.json()["error"]["message"]


def test_each_principal_sees_the_members_it_may_read_and_their_figures_only(api: Api) -> None:
    reconcile(api.node.db, "PK")
    quetta_ids = {i.id for i in QUETTA}
    for who in WHO:
        readable = api.readable(who)
        listed = api.get(who, "/api/dashboard/clusters").json()
        assert listed["reconciled"] is True
        shown = {m["id"] for c in listed["clusters"] for m in c["members"]}
        assert shown == readable, who  # every readable record is in some cluster; nothing else is shown
        assert listed["total"] == len(listed["clusters"]), who
        one = api.get(who, f"/api/dashboard/clusters/{QUETTA[0].id}")
        if not readable & quetta_ids:
            assert one.status_code == 404, who
            continue
        assert one.status_code == 200, who
        body = one.json()
        assert {r["id"] for r in body["records"]} == readable & quetta_ids, who
        killed = body["killed_by_party"]
        assert ("ACLED" in killed) is (QUETTA[2].id in readable), who
        assert "hidden" not in one.text, who  # an unreadable member is not even mentioned
        if QUETTA[2].id not in readable:
            assert "30" not in str(body["killed"]) and "AC-1" not in one.text, who
    # the RED Turbat report: the originating party sees its cluster, the others get 404 as for an unknown id
    turbat = api.get("root", f"/api/dashboard/clusters/{TURBAT[0].id}").json()["cluster_id"]
    assert api.get("ana", f"/api/dashboard/clusters/{turbat}").status_code == 200
    for who in ("desk-a", "desk-b", "anyone"):
        by_cluster = api.get(who, f"/api/dashboard/clusters/{turbat}")
        by_incident = api.get(who, f"/api/dashboard/clusters/{TURBAT[0].id}")
        unknown = api.get(who, "/api/dashboard/clusters/cluster--00000000-0000-0000-0000-000000000000")
        assert by_cluster.status_code == by_incident.status_code == unknown.status_code == 404, who
        assert by_cluster.json()["error"]["code"] == "not_found"


def test_the_named_recipient_sees_the_disagreement_the_others_cannot(api: Api) -> None:
    reconcile(api.node.db, "PK")
    named = api.get("desk-a", f"/api/dashboard/clusters/{QUETTA[0].id}").json()
    assert named["killed"] == {"low": 5, "best": 12, "high": 30}
    assert named["killed_by_party"]["ACLED"] == {"low": 30, "best": 30, "high": 30}
    assert "figures_disagree" in named["flags"]
    assert any("ACLED" in d["detail"] for d in named["flag_details"])
    other = api.get("desk-b", f"/api/dashboard/clusters/{QUETTA[0].id}").json()
    assert other["killed"] == {"low": 5, "best": 5, "high": 12}
    assert set(other["killed_by_party"]) == {"PK", "IR"}
    assert all("ACLED" not in d["detail"] for d in other["flag_details"])
    # disagreements first, and the filter keeps only them
    first = api.get("desk-a", "/api/dashboard/clusters").json()["clusters"][0]
    assert first["cluster_id"] == named["cluster_id"]
    only = api.get("desk-a", "/api/dashboard/clusters", disagreements="true").json()
    assert [c["cluster_id"] for c in only["clusters"]] == [named["cluster_id"]]


def test_the_dashboards_filters_and_the_pages_apply(api: Api) -> None:
    reconcile(api.node.db, "PK")
    everything = api.get("root", "/api/dashboard/clusters").json()
    assert everything["total"] == 3
    since = api.get("root", "/api/dashboard/clusters", since="2026-02-01").json()
    assert {c["date_start"] for c in since["clusters"]} == {"2026-02-14", "2026-03-01"}
    by_party = api.get("root", "/api/dashboard/clusters", party="IR").json()
    assert [c["date_start"] for c in by_party["clusters"]] == ["2026-01-10"]
    assert {m["reported_by"] for m in by_party["clusters"][0]["members"]} == {"PK", "IR", "ACLED"}
    page = api.get("root", "/api/dashboard/clusters", limit="1", offset="1").json()
    assert page["total"] == 3 and len(page["clusters"]) == 1
    assert page["clusters"][0]["cluster_id"] == everything["clusters"][1]["cluster_id"]
    incident = api.get("root", f"/api/dashboard/incidents/{QUETTA[1].id}").json()["incident"]
    assert incident["cluster_id"] == everything["clusters"][0]["cluster_id"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("limit", "0"), ("limit", "many"), ("limit", "201"), ("offset", "-1"), ("since", "yesterday"),
     ("near_border", "far"), ("disagreements", "perhaps"), ("to_review", "perhaps")],
)  # fmt: skip
def test_a_bad_parameter_is_refused_naming_it(api: Api, name: str, value: str) -> None:
    reconcile(api.node.db, "PK")
    answer = api.get("root", "/api/dashboard/clusters", **{name: value})
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == name
    assert name in answer.json()["error"]["message"]


def test_pages_merge_the_clusters_each_principal_reads_whole_with_the_others(api: Api) -> None:
    """Clusters whose members a principal all reads come in the database's order, the others are computed from
    their readable members: walking the pages one by one gives the whole list, in order (disagreements first,
    then newest first), with the same total, for every principal and with the disagreements filter."""
    more = [
        _marked(report("PK", f"PK-{n}", day, lat=lat, lon=63.0, place=f"P{n}", killed=1), "CLEAR")
        for n, (day, lat) in enumerate((("2026-01-20", 26.5), ("2026-02-20", 27.5), ("2026-04-01", 28.5)), 10)
    ]
    # a disagreement everyone reads, older than Quetta's
    more += [
        _marked(report("PK", "PK-20", "2025-12-01", lat=29.5, lon=66.0, place="Kalat", killed=1), "CLEAR"),
        _marked(report("IR", "IR-20", "2025-12-01", lat=29.5, lon=66.0, place="Kalat", killed=40), "CLEAR"),
    ]
    api.node.publish(more)
    reconcile(api.node.db, "PK")
    for who in WHO:
        for only in ("false", "true"):
            whole = api.get(who, "/api/dashboard/clusters", disagreements=only, limit="200").json()
            ids = [c["cluster_id"] for c in whole["clusters"]]
            assert whole["total"] == len(ids), who
            keys = [("disagree" not in " ".join(c["flags"]), c["date_start"]) for c in whole["clusters"]]
            assert keys == sorted(keys, key=lambda k: (k[0], _negated(k[1]))), who
            pages = [
                api.get(who, "/api/dashboard/clusters", disagreements=only, limit="1", offset=str(at)).json()
                for at in range(len(ids) + 1)
            ]
            assert {page["total"] for page in pages} == {len(ids)}, (who, only)
            walked = [c["cluster_id"] for page in pages for c in page["clusters"]]
            assert walked == ids, (who, only)
        assert len(api.get(who, "/api/dashboard/clusters", disagreements="true").json()["clusters"]) >= 1, who


def _negated(day: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in day)


def test_a_decision_names_the_records_it_moved_out_by_their_source(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    """The dashboard shows a split as "split IR IR-1 from PK PK-1, ACLED AC-1", as `sarhad clusters show` does: the
    record moved out is in none of the cluster's members, so the API names each record a decision names, those
    the principal may read only."""
    reconcile(api.node.db, "PK")
    pk, ir, acled = (i.id for i in QUETTA)
    code, _, err = run_cli(capsys, "--home", str(api.node.settings.home), "clusters", "split", pk, ir)
    assert code == 0, err  # marked RED, as ACLED's report that stays: for PK's principals alone
    [split] = api.get("root", f"/api/dashboard/clusters/{pk}").json()["decisions"]
    assert (split["decision"], split["records"], sorted(split["kept"])) == ("split", [ir], sorted([pk, acled]))
    assert split["names"] == {ir: "IR IR-1", pk: "PK PK-1", acled: "ACLED AC-1"}
    # ana may not read ACLED's RED report: the decision names the records she reads, and no other
    answer = api.get("ana", f"/api/dashboard/clusters/{pk}")
    [seen] = answer.json()["decisions"]
    assert (seen["records"], seen["kept"], seen["names"]) == ([ir], [pk], {ir: "IR IR-1", pk: "PK PK-1"})
    assert "AC-1" not in answer.text and acled not in answer.text


def test_a_decision_about_a_record_corrected_since_is_to_review_with_what_changed(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    """IR corrects its report of Quetta to 80 days later after PK's analyst confirmed the cluster: the cluster's
    decisions say the confirmation is to review and what changed, as `sarhad clusters show --json` does."""
    reconcile(api.node.db, "PK")
    pk, ir, _ = (i.id for i in QUETTA)
    code, _, err = run_cli(capsys, "--home", str(api.node.settings.home), "clusters", "confirm", pk)
    assert code == 0, err
    [before] = api.get("root", f"/api/dashboard/clusters/{pk}").json()["decisions"]
    assert (before["to_review"], before["changes"]) == (False, [])
    api.node.publish([replace(QUETTA[1], date_start="2026-03-31", date_end="2026-03-31")])
    reconcile(api.node.db, "PK")
    [after] = api.get("root", f"/api/dashboard/clusters/{pk}").json()["decisions"]
    assert after["to_review"] is True and after["applied"] is True
    [change] = after["changes"]
    assert (change["record"], change["what"]) == (ir, ["date 2026-01-10 -> 2026-03-31 (80 days later)"])


def _marks(api: Api, who: str, **params: str) -> dict[str, bool]:
    """Cluster id → its list row's to_review, for every cluster ``who`` may read (with ``params``)."""
    answer = api.get(who, "/api/dashboard/clusters", limit="200", **params).json()
    assert answer["total"] == len(answer["clusters"]), who
    return {c["cluster_id"]: c["to_review"] for c in answer["clusters"]}


def _detail_says(api: Api, who: str, cluster_id: str) -> bool:
    return any(d["to_review"] for d in api.get(who, f"/api/dashboard/clusters/{cluster_id}").json()["decisions"])


def test_the_list_marks_a_cluster_to_review_as_its_detail_tells_each_reader(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    """After IR corrects its report of Quetta to 80 days later, the list marks Quetta's cluster "to review" for the
    principals whose detail shows the confirmation to review (PK's: the decision is RED, for them alone) and for no
    other (IR's principals read the cluster from its stored rows, but not the decision); to_review=true lists the
    marked clusters alone, with the disagreements filter too."""
    reconcile(api.node.db, "PK")
    pk, ir, _ = (i.id for i in QUETTA)
    code, _, err = run_cli(capsys, "--home", str(api.node.settings.home), "clusters", "confirm", pk)
    assert code == 0, err
    for who in WHO:
        assert not any(_marks(api, who).values()), who
        assert api.get(who, "/api/dashboard/clusters", to_review="true").json()["total"] == 0, who
    api.node.publish([replace(QUETTA[1], date_start="2026-03-31", date_end="2026-03-31")])
    reconcile(api.node.db, "PK")
    quetta = api.get("root", f"/api/dashboard/clusters/{ir}").json()["cluster_id"]
    for who in WHO:
        marks = _marks(api, who)
        for cid, marked in marks.items():
            assert marked is _detail_says(api, who, cid), (who, cid)
        assert {c for c, marked in marks.items() if marked} == ({quetta} if who in ("root", "ana") else set()), who
        assert _marks(api, who, to_review="true") == {c: True for c, marked in marks.items() if marked}, who
        both = _marks(api, who, to_review="true", disagreements="true")
        assert set(both) == set(_marks(api, who, to_review="true")) & set(_marks(api, who, disagreements="true"))
    assert quetta in _marks(api, "desk-b")  # listed, unmarked


def test_the_list_does_not_mark_a_correction_the_reader_may_not_read_the_earlier_version_of(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    """IR's report of Quetta was RED for IR:desk-a when PK's analyst confirmed the cluster; IR then corrects it,
    80 days later and GREEN. ana reads the decision and the corrected report but not the version the decision was
    made about: her detail tells no change, and the list marks nothing for her, as for root it does."""
    api.node.publish([_marked(QUETTA[1], "RED", ("IR:desk-a",))])
    reconcile(api.node.db, "PK")
    pk, ir, _ = (i.id for i in QUETTA)
    code, _, err = run_cli(capsys, "--home", str(api.node.settings.home), "clusters", "confirm", pk)
    assert code == 0, err
    api.node.publish([replace(QUETTA[1], date_start="2026-03-31", date_end="2026-03-31")])
    reconcile(api.node.db, "PK")
    quetta = api.get("root", f"/api/dashboard/clusters/{ir}").json()["cluster_id"]
    assert _marks(api, "root")[quetta] is True
    assert [d["to_review"] for d in api.get("ana", f"/api/dashboard/clusters/{ir}").json()["decisions"]] == [False]
    assert _marks(api, "ana")[quetta] is False
    assert api.get("ana", "/api/dashboard/clusters", to_review="true").json() == {
        "reconciled": True, "total": 0, "limit": 50, "offset": 0, "clusters": []}  # fmt: skip
