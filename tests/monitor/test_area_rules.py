"""A watch officer's area rules: a province or district named as people write it ("Balochistan province",
"Sibi", "Sistan va Baluchestan", an ISO code) watches the records whose place the datasets spell another way
("Sibi district", "Kurram agency"), and an area or polygon that can watch nothing is refused when given."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarhad.errors import InvalidInput
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule, check_rule_targets, list_rules, load_rules_file
from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make


def test_an_area_rule_matches_the_area_however_the_record_spells_it(any_node: Node) -> None:
    add_rule(any_node.db, Rule("sibi", admin1=("Sibi",)))
    add_rule(any_node.db, Rule("kurram", admin1=("Kurram district",)))
    add_rule(any_node.db, Rule("baloch", admin1=("Balochistan province",)))
    add_rule(any_node.db, Rule("sistan", admin1=("Sistan va Baluchestan",)))
    records = [
        make("a", admin1="Balochistan", admin2="Sibi district"),
        make("b", admin1="Khyber Pakhtunkhwa", admin2="Kurram agency"),
        make("c", party="IR", admin1="Sistan and Baluchestan", admin2=None),  # type: ignore[arg-type]
        make("d", admin1="Khyber Pakhtunkhwa", admin2="Khyber agency"),  # not Kurram, not Balochistan
    ]
    any_node.publish(records)
    got = {(a.rule, a.incident_id): a.reason for a in list_alerts(any_node.db)}
    assert got == {
        ("sibi", records[0].id): "in Sibi district",
        ("baloch", records[0].id): "in Balochistan province (Sibi district)",
        ("kurram", records[1].id): "in Kurram agency",
        ("sistan", records[2].id): "in Sistan and Baluchestan",
    }
    # one incident's alerts, as the dashboard's detail reads them (by the incident, not from every alert)
    assert {a.rule for a in list_alerts(any_node.db, incident=records[0].id)} == {"sibi", "baloch"}
    assert [a.rule for a in list_alerts(any_node.db, incident=records[3].id)] == []
    assert len(list_alerts(any_node.db, incident=records[0].id, limit=1)) == 1


def test_a_rule_on_an_unknown_area_is_refused_where_it_is_given(
    any_node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    home = str(any_node.settings.home)
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", "--name", "x", "--admin1", "Narnia")
    assert code != 0 and "admin1: no province or district is called 'Narnia'" in err, err
    rules = tmp_path / "desk.toml"
    rules.write_text('[[rule]]\nname = "kech"\nadmin1 = "Kech"\n\n[[rule]]\nname = "x"\nadmin1 = ["Kechh"]\n')
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "load", str(rules))
    assert code != 0 and "rule 2 (line 5)" in err and "'Kechh'" in err, err
    assert list_rules(any_node.db) == []
    for area in ("Kech", "PK-BA", "Balochistan province", "Saravan", "Kurram agency"):
        check_rule_targets(Rule("ok", admin1=(area,)))
    # a district sarhad's gazetteer lacks is known once a stored record names it
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", "--name", "h", "--admin1", "Haveli")
    assert code != 0
    any_node.publish([make("h", admin1="Azad Jammu and Kashmir", admin2="Haveli district")])
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", "--name", "h", "--admin1", "Haveli")
    assert code == 0, err


def test_a_polygon_outside_the_mapped_region_is_refused_as_lat_lon_swapped(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"rule 'box': polygon: .* lon,lat"):
        check_rule_targets(Rule("box", polygon=((28.5, 61.0), (28.5, 62.0), (29.5, 62.0))))
    check_rule_targets(Rule("box", polygon=((61.0, 28.5), (62.0, 28.5), (62.0, 29.5))))
    path = tmp_path / "r.json"
    path.write_text('[{"name": "box", "polygon": [[28.5, 61], [28.5, 62], [29.5, 62]]}]')
    with pytest.raises(InvalidInput, match="rule 1: rule 'box': polygon"):
        load_rules_file(path)


@pytest.mark.parametrize(
    "corners",
    [
        ((40.0, 20.0), (82.0, 20.0), (82.0, 42.0), (40.0, 42.0)),  # encloses the whole region
        ((40.0, 28.0), (82.0, 28.0), (82.0, 30.0), (40.0, 30.0)),  # a strip across it, every corner outside
    ],
)
def test_a_polygon_reaching_the_region_with_no_corner_in_it_is_accepted(
    corners: tuple[tuple[float, float], ...],
) -> None:
    rule = Rule("wide", polygon=corners)
    assert check_rule_targets(rule) == rule
    # the same corners given lat, lon lie outside the region's box and are still refused
    with pytest.raises(InvalidInput, match=r"rule 'wide': polygon: .*give the points as lon,lat"):
        check_rule_targets(Rule("wide", polygon=tuple((lat, lon) for lon, lat in corners)))
