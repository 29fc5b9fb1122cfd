"""The joint view: spans and consensus per figure, the four flags, and every party's figures untouched."""

from __future__ import annotations

from sarhad.model.figures import Figure
from sarhad.reconcile.joint import consensus, joint_view, reporter
from tests.reconcile.helpers import record


def test_span_runs_from_lowest_low_to_highest_high_and_bests_agree() -> None:
    pk = record("PK", "A", "2024-01-05", killed=(5, 6, 8))
    ucdp = record("UCDP", "B", "2024-01-05", killed=(4, 6, 6))
    view = joint_view("cluster--x", [pk, ucdp])
    killed = view.figure("killed")
    assert killed is not None
    assert (killed.low, killed.best, killed.high) == (4, 6, 8)
    assert not killed.disagree
    assert "figures_disagree" not in view.flags
    assert dict((p, (lo, be, hi)) for p, lo, be, hi in killed.by_party) == {"PK": (5, 6, 8), "UCDP": (4, 6, 6)}


def test_consensus_is_the_lower_median_when_parties_differ() -> None:
    assert consensus([7, 7, None]) == 7
    assert consensus([3, 9, 5]) == 5
    assert consensus([10, 12]) == 10  # always a figure some source gave
    assert consensus([None]) is None


def test_intervals_that_do_not_overlap_flag_figures_disagree() -> None:
    pk = record("PK", "A", "2024-01-05", killed=12)
    ir = record("IR", "B", "2024-01-05", killed=3)
    view = joint_view("cluster--x", [pk, ir])
    assert "figures_disagree" in view.flags
    killed = view.figure("killed")
    assert killed is not None and (killed.low, killed.best, killed.high) == (3, 3, 12)
    # The members keep their own figures.
    assert [m.killed.best for m in view.members] == [3, 12]


def test_acled_ambiguous_zero_is_not_a_count_to_disagree_with() -> None:
    pk = record("PK", "A", "2024-01-05", killed=4)
    acled = record("ACLED", "B", "2024-01-05")
    zero = Figure("killed", "total", None, 0, None, "lowest_reported", "ACLED", zero_ambiguous=True)
    acled = acled.__class__(**{**{s: getattr(acled, s) for s in acled.__slots__}, "figures": (zero,)})
    view = joint_view("cluster--x", [pk, acled])
    assert "figures_disagree" not in view.flags


def test_aliases_of_one_group_do_not_disagree_but_two_groups_do() -> None:
    same = joint_view("c", [record("PK", "A", "2024-01-05", perpetrator="Fitna al-Khawarij"),
                            record("ACLED", "B", "2024-01-05", perpetrator="Tehrik-i-Taliban Pakistan")])  # fmt: skip
    assert "perpetrator_disagree" not in same.flags
    label = joint_view("c", [record("PK", "A", "2024-01-05", perpetrator="Fitna al-Hindustan"),
                             record("NEWS", "B", "2024-01-05", perpetrator="Baloch Liberation Army")])  # fmt: skip
    assert "perpetrator_disagree" not in label.flags  # the state label covers the group
    other = joint_view("c", [record("PK", "A", "2024-01-05", perpetrator="Jaish al-Adl"),
                             record("IR", "B", "2024-01-05", perpetrator="ISKP")])  # fmt: skip
    assert "perpetrator_disagree" in other.flags


def test_places_too_far_apart_for_their_precision_flag_location_disagree() -> None:
    near = joint_view("c", [record("PK", "A", "2024-01-05", lat=30.18, lon=66.975),
                            record("IR", "B", "2024-01-05", lat=30.181, lon=66.976)])  # fmt: skip
    assert "location_disagree" not in near.flags
    far = joint_view("c", [record("PK", "A", "2024-01-05", lat=30.18, lon=66.975),
                           record("IR", "B", "2024-01-05", lat=30.40, lon=67.20)])  # fmt: skip
    assert "location_disagree" in far.flags
    border = joint_view("c", [record("PK", "A", "2024-01-05", country="PK", admin1="PK-BA"),
                              record("IR", "B", "2024-01-05", country="IR", admin1="IR-11")])  # fmt: skip
    assert "location_disagree" in border.flags


def test_one_source_is_flagged_single_source() -> None:
    assert joint_view("c", [record("PK", "A", "2024-01-05")]).flags == ("single_source",)
    two = joint_view("c", [record("PK", "A", "2024-01-05"), record("IR", "B", "2024-01-05")])
    assert "single_source" not in two.flags


def test_list_form_has_the_contract_keys() -> None:
    view = joint_view("cluster--x", [record("PK", "A", "2024-01-05", killed=2, wounded=5)])
    out = view.summary_dict()
    assert set(out) == {"cluster_id", "members", "killed", "wounded", "flags"}
    assert out["members"][0]["source_id"] == "A" and out["members"][0]["reported_by"] == "PK"
    assert out["killed"] == {"low": 2, "best": 2, "high": 2}
    assert out["wounded"]["best"] == 5


def test_parties_dating_one_incident_on_different_days_flag_date_disagree() -> None:
    pk = record("PK", "A", "2024-03-14", killed=3)
    ir = record("IR", "B", "2024-03-15", killed=3)
    view = joint_view("cluster--x", [pk, ir])
    assert view.flags == ("date_disagree",)
    assert dict(view.details)["date_disagree"] == (
        "the reports are dated a day apart (a night attack may be dated on either side of midnight):"
        " IR: 2024-03-15; PK: 2024-03-14"
    )
    three = joint_view("cluster--x", [pk, record("IR", "B", "2024-03-17", killed=3)])
    assert dict(three.details)["date_disagree"] == "the reports are dated 3 days apart: IR: 2024-03-17; PK: 2024-03-14"


def test_a_vague_date_that_contains_the_other_day_does_not_disagree() -> None:
    pk = record("PK", "A", "2024-03-14")
    # a month-precision date given as the month's span, or as its first day only: either way it holds the 14th
    month_span = record("UCDP", "B", "2024-03-01", end="2024-03-31", precision="month")
    month_first = record("GTD", "C", "2024-03-01", precision="month")
    week = record("ACLED", "D", "2024-03-11", end="2024-03-17", precision="week")
    assert "date_disagree" not in joint_view("c", [pk, month_span, month_first, week]).flags
    april = record("IR", "E", "2024-04-01", precision="month")
    detail = dict(joint_view("c", [pk, april]).details)["date_disagree"]
    assert detail == "the reports are dated 18 days apart: IR: 2024-04-01 (month); PK: 2024-03-14"
    # a report of unknown date says nothing about the day
    assert "date_disagree" not in joint_view("c", [pk, record("IR", "F", "2024-01-01", precision="unknown")]).flags


def test_a_partys_report_in_a_datasets_format_is_named_as_the_partys() -> None:
    own_ucdp = record("PK", "A", "2024-03-14", dataset="ucdp", killed=3)
    ucdp = record("UCDP", "B", "2024-03-14", killed=3)
    article = record("PK", "C", "2024-03-14", dataset="article", killed=3)
    assert [reporter(m) for m in (own_ucdp, ucdp, article)] == ["PK (UCDP format)", "UCDP", "PK (article)"]
    alone = joint_view("c", [own_ucdp])
    assert alone.details == (("single_source", "only one source reports it: PK (UCDP format)"),)
    assert [m["label"] for m in joint_view("c", [own_ucdp, ucdp]).summary_dict()["members"]] == [
        "PK (UCDP format)",
        "UCDP",
    ]
    # its figures are PK's own
    killed = joint_view("c", [own_ucdp, ucdp]).figure("killed")
    assert killed is not None and [p for p, *_ in killed.by_party] == ["PK", "UCDP"]
