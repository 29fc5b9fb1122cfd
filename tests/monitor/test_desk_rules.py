"""A border desk's rules as a watch officer gives them: a group under any of its spellings (the alias registry),
and a rules file that is refused, naming the rule, its line and the field, with nothing stored, when a rule in
it is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.errors import InvalidInput
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule, list_rules, load_rules_file
from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make

DESK = """\
[[rule]]
name = "border-50"
near_border_km = 50

[[rule]]
name = "jaish"
perpetrators = "Jaish al-Adl"

[[rule]]
name = "ttp-deadly"
perpetrators = ["TTP"]
min_killed = 3
"""


def test_a_group_rule_matches_every_spelling_of_the_group_and_says_which_it_watched(any_node: Node) -> None:
    """Iran's label for Jaish al-Adl and a transliteration of it raise the rule's alert; the reason gives the
    record's spelling and the group as the rule named it. The TTP's short name watches its long name and
    Pakistan's label; a group whose name merely contains the letters does not match."""
    add_rule(any_node.db, Rule("jaish", perpetrators=("Jaish al-Adl",)))
    add_rule(any_node.db, Rule("ttp", perpetrators=("TTP",)))
    records = [
        make("zolm", perpetrator="Jaish al-Zolm"),
        make("ul-adl", perpetrator="Jaish ul-Adl"),
        make("long", perpetrator="Tehrik-i-Taliban Pakistan"),
        make("label", perpetrator="Fitna al-Khawarij"),
        make("other", perpetrator="Jaish-e-Mohammed"),
    ]
    any_node.publish(records)
    got = {(a.rule, a.incident_id): a.reason for a in list_alerts(any_node.db)}
    ids = {r.source_id: r.id for r in records}
    assert got == {
        ("jaish", ids["zolm"]): "perpetrator Jaish al-Zolm (Jaish al-Adl)",
        ("jaish", ids["ul-adl"]): "perpetrator Jaish ul-Adl (Jaish al-Adl)",
        ("ttp", ids["long"]): "perpetrator Tehrik-i-Taliban Pakistan (TTP)",
        ("ttp", ids["label"]): "perpetrator Fitna al-Khawarij (TTP)",
    }


@pytest.mark.parametrize(
    ("suffix", "text", "message"),
    [
        (".toml", DESK + '\n[[rule]]\nname = "x"\nmin_killd = 2\n', r"rule 4 \(line 14\).*min_killd"),
        (".toml", DESK + '\n[[rule]]\nname = "x"\nnear_border_km = "50 km"\n', r"rule 4 \(line 14\).*near_border_km"),
        (".toml", DESK + '\n[[rule]]\nname = "x"\nnear_border_km = -5\n', r"rule 4 \(line 14\).*near_border_km"),
        (".toml", DESK + '\n[[rule]]\nname = "x"\nperpetrators = "Jaish al-Adel Front"\n', "no armed group"),
        (".toml", DESK + '\n[[rule]]\nname = "x"\ndisagrees = "no"\n', "field disagrees must be true or false"),
        (".toml", DESK + '\n[[rule]]\nname = "x"\nmin_killed = 2.5\n', "field min_killed must be a whole number"),
        (".toml", DESK + '\n[[rule]]\nname = "jaish"\nmin_killed = 2\n', r"rule 4 \(line 14\).*'jaish'.*rule 2"),
        (".toml", DESK + "\n[[rule]\n", "is not valid TOML.*line 14"),
        (".json", '[{"name": "a", "min_killed": 1},\n {"name": "b", "near_border_km": }]', "not valid JSON.*line 2"),
        (".json", '[{"name": "a", "min_killed": 1}, {"name": "b", "bogus": 1}]', r"rule 2: .*unknown field"),
        (".yaml", "- name: a\n  min_killed: 1\n", r"expected a \.toml or \.json file"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_where_and_nothing_is_stored(
    any_node: Node, capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str, text: str, message: str
) -> None:
    add_rule(any_node.db, Rule("kept", min_killed=9))
    path = tmp_path / f"desk{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=message):
        load_rules_file(path)
    code, _, err = run_cli(capsys, "--home", str(any_node.settings.home), "alerts", "rules", "load", str(path))
    assert code != 0 and "rules file" in err
    assert [r.name for r in list_rules(any_node.db)] == ["kept"]


def test_loading_a_rule_whose_name_is_stored_changes_nothing(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    add_rule(any_node.db, Rule("jaish", min_killed=9))
    home = str(any_node.settings.home)
    path = any_node.settings.home / "desk.toml"
    path.write_text(DESK, encoding="utf-8")
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "load", str(path))
    assert code != 0 and "a rule named 'jaish' already exists" in err
    assert [(r.name, r.min_killed) for r in list_rules(any_node.db)] == [("jaish", 9)]
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "load", str(path), "--replace")
    assert code == 0, err
    rules = json.loads(run_cli(capsys, "--home", home, "alerts", "rules", "list", "--json")[1])
    assert [r["name"] for r in rules] == ["border-50", "jaish", "ttp-deadly"]
    assert rules[1]["perpetrators"] == ["Jaish al-Adl"] and rules[1]["min_killed"] is None


def test_a_rule_on_an_unknown_group_is_refused_by_the_command_line(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(any_node.settings.home)
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", "--name", "x", "--perpetrator", "Jaysh")
    assert code != 0 and "no armed group in the alias registry is called 'Jaysh'" in err
    assert list_rules(any_node.db) == []
    code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", "--name", "x", "--perpetrator", "BLA")
    assert code == 0, err


def test_a_province_rule_says_the_province_it_watched_and_the_district_of_the_record(any_node: Node) -> None:
    add_rule(any_node.db, Rule("balochistan", admin1=("Balochistan",)))
    add_rule(any_node.db, Rule("chagai", admin1=("chagai",)))
    record = make("province", admin1="Balochistan", admin2="Chagai")
    any_node.publish([record])
    assert {a.rule: a.reason for a in list_alerts(any_node.db)} == {
        "balochistan": "in Balochistan (Chagai)",
        "chagai": "in Chagai",
    }
