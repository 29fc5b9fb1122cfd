"""Alert rules: validation, storage, rules files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sarhad.errors import InvalidInput, NotFound
from sarhad.monitor.rules import Rule, add_rule, get_rule, list_rules, load_rules_file, remove_rule
from sarhad.node import Node


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    n = Node.init(tmp_path / "pk", "PK")
    yield n
    n.close()


def test_rule_without_condition_is_refused() -> None:
    with pytest.raises(InvalidInput, match="has no condition"):
        Rule(name="empty")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "must be 1-80"),
        ({"name": "a/b", "min_killed": 1}, "must be 1-80"),
        ({"name": "x", "near_border_km": 0}, "expected a positive number"),
        (
            {"name": "border", "near_border_km": -5},
            r"rule 'border': near_border_km: expected a positive number, found -5",
        ),
        ({"name": "x", "min_killed": -1}, "is negative"),
        ({"name": "x", "surge_window_days": 7}, "needs both"),
        ({"name": "x", "polygon": ((61.0, 27.0), (62.0, 27.0))}, "at least 3 points"),
        ({"name": "x", "polygon": ((261.0, 27.0), (62.0, 27.0), (62.0, 28.0))}, "not a lon, lat pair"),
    ],
)
def test_rule_rejects_malformed_values(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Rule(**kwargs)  # type: ignore[arg-type]


def test_rule_round_trips_through_storage(node: Node) -> None:
    rule = Rule(name="kech desk", admin1=("Kech",), perpetrators=("BLA",), min_killed=2, disagrees=True)
    add_rule(node.db, rule)
    assert get_rule(node.db, "kech desk") == rule
    assert [r.name for r in list_rules(node.db)] == ["kech desk"]
    assert rule.conditions() == ["in Kech", "perpetrator BLA", "killed ≥ 2", "another party's record disagrees"]


def test_duplicate_rule_name_is_refused_unless_replaced(node: Node) -> None:
    add_rule(node.db, Rule(name="r", min_killed=1))
    with pytest.raises(InvalidInput, match="already exists"):
        add_rule(node.db, Rule(name="r", min_killed=5))
    add_rule(node.db, Rule(name="r", min_killed=5), replace=True)
    assert get_rule(node.db, "r").min_killed == 5


def test_remove_unknown_rule_raises_not_found(node: Node) -> None:
    with pytest.raises(NotFound, match="no alert rule named 'nope'"):
        remove_rule(node.db, "nope")
    with pytest.raises(NotFound, match="no alert rule named 'nope'"):
        get_rule(node.db, "nope")


def test_rules_file_in_toml_and_json(tmp_path: Path) -> None:
    toml = tmp_path / "rules.toml"
    toml.write_text('[[rule]]\nname = "near"\nnear_border_km = 25\n\n[[rule]]\nname = "ttp"\nperpetrators = "TTP"\n')
    rules = load_rules_file(toml)
    assert [r.name for r in rules] == ["near", "ttp"]
    assert rules[1].perpetrators == ("TTP",)
    js = tmp_path / "rules.json"
    js.write_text('[{"name": "surge", "surge_window_days": 7, "surge_factor": 2}]')
    assert load_rules_file(js)[0].surge_factor == 2.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[rule]]\nname = ", "is not valid TOML"),
        ("title = 'x'\n", "holds no rules"),
        ('[[rule]]\nname = "a"\nbogus = 1\n', "unknown field"),
        ('[[rule]]\nname = "a"\nmin_killed = 1\n[[rule]]\nname = "a"\nmin_killed = 2\n', "is already that of rule 1"),
        ('[[rule]]\nname = "a"\nmin_killed = "many"\n', "must be a whole number"),
    ],
)
def test_rules_file_errors_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(InvalidInput, match=message):
        load_rules_file(path)


def test_missing_rules_file_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read rules file"):
        load_rules_file(tmp_path / "absent.toml")
