"""A border desk's rules on one side of the border (``--side PK|IR``, the record's country) and on attack types
(``--attack-type``, the GTD names): each alerts on exactly the records of that side or type, whether they are the
node's own reports or an imported file's rows, and a side or an attack type sarhad does not know is refused with
nothing stored."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from sarhad.errors import InvalidInput
from sarhad.model.incident import Incident
from sarhad.monitor.alerts import list_alerts
from sarhad.monitor.rules import Rule, add_rule, list_rules
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make
from tests.web.conftest import serving

ACLED = Path(__file__).resolve().parent.parent / "assets" / "synthetic" / "acled_synthetic.csv"


def _typed(source: str, attack: str) -> Incident:
    return replace(make(source), attack_types=(attack,))


def test_a_side_rule_alerts_on_that_side_only_and_says_so(any_node: Node) -> None:
    add_rule(any_node.db, Rule("ir-deadly", side="ir", min_killed=3))
    records = [
        make("ir-5", party="IR", admin1="Sistan and Baluchestan", admin2="Saravan", killed=5),
        make("ir-1", party="IR", admin1="Sistan and Baluchestan", admin2="Saravan", killed=1),
        make("pk-9", killed=9),
    ]
    any_node.publish(records)
    got = {(a.rule, a.incident_id): a.reason for a in list_alerts(any_node.db)}
    assert got == {("ir-deadly", records[0].id): "5 killed; on the IR side"}
    assert [r.side for r in list_rules(any_node.db)] == ["IR"]


def test_an_attack_type_rule_alerts_on_that_type_in_any_case(any_node: Node) -> None:
    add_rule(any_node.db, Rule("bombs", attack_types=("bombing/explosion", "Assassination")))
    records = [
        _typed("bomb", "Bombing/Explosion"),
        _typed("shot", "Armed Assault"),
        _typed("unknown-first", "Unknown"),
        make("none"),
    ]
    any_node.publish(records)
    got = {(a.rule, a.incident_id): a.reason for a in list_alerts(any_node.db)}
    assert got == {("bombs", records[0].id): "attack type Bombing/Explosion"}
    assert list_rules(any_node.db)[0].attack_types == ("Bombing/Explosion", "Assassination")


def test_side_and_attack_type_rules_alert_on_exactly_the_imported_rows_that_match(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ACLED file's rows (the import path reads the rules' facts from the stored rows): the alerts are the
    rows of that side and type, hand-counted from the incidents table, once each, and importing again adds none."""
    home = str(any_node.settings.home)
    for args in (
        ("--name", "pk-bombs", "--side", "PK", "--attack-type", "Bombing/Explosion"),
        ("--name", "ir-deadly", "--side", "IR", "--min-killed", "5"),
    ):
        code, _, err = run_cli(capsys, "--home", home, "alerts", "rules", "add", *args)
        assert code == 0, err
    for _ in range(2):
        code, _, err = run_cli(capsys, "--home", home, "import", "acled", str(ACLED), "--reported-by", "PK")
        assert code == 0, err
    rows = any_node.db.fetchall("SELECT id, country, attack_type, killed_best, killed_low FROM incidents")
    bombs = {r[0] for r in rows if r[1] == "PK" and r[2] == "Bombing/Explosion"}
    deadly = {r[0] for r in rows if r[1] == "IR" and (r[3] if r[3] is not None else r[4] or 0) >= 5}
    assert bombs and deadly
    alerts = json.loads(run_cli(capsys, "--home", home, "alerts", "list", "--json")[1])
    assert sorted((a["rule"], a["incident_id"]) for a in alerts) == sorted(
        [("pk-bombs", i) for i in bombs] + [("ir-deadly", i) for i in deadly]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--side", "AF"), r"--side: expected one of PK, IR .*found 'AF'"),
        (("--side", ""), r"--side: expected one of PK, IR"),
        (("--attack-type", "Bombing"), r"--attack-type: 'Bombing' is not a GTD attack type; expected one of"),
        (("--attack-type", "Unknown"), r"--attack-type: 'Unknown' is not a GTD attack type"),
    ],
)
def test_a_rule_on_an_unknown_side_or_attack_type_is_refused_and_nothing_is_stored(
    any_node: Node, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, _, err = run_cli(
        capsys, "--home", str(any_node.settings.home), "alerts", "rules", "add", "--name", "x", *args
    )
    assert code != 0
    assert re.search(message, err), err
    assert list_rules(any_node.db) == []


def test_a_rules_file_with_a_bad_side_names_the_rule_and_the_field(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"rule 'x': field side must be PK or IR, found 3"):
        Rule.from_dict({"name": "x", "side": 3})
    with pytest.raises(InvalidInput, match=r"rule 'x': side: expected one of PK, IR"):
        Rule.from_dict({"name": "x", "side": "Afghanistan"})
    rule = Rule.from_dict({"name": "x", "side": "pk", "attack_types": "armed assault"})
    assert (rule.side, rule.attack_types) == ("PK", ("Armed Assault",))
    assert rule.conditions() == ["on the PK side", "attack type Armed Assault"]


def test_the_dashboard_takes_a_side_and_attack_type_rule_and_a_report_through_the_api_raises_its_alert(
    any_node: Node,
) -> None:
    """The dashboard's add-rule route refuses another side, naming it; a rule it takes alerts on the desk's
    report sent as the report form sends it, and a correction of it that keeps the attack type raises no second."""
    from tests.web.test_report_form_api import REPORT

    token = create_token(any_node.db, "ana", "analyst", "PK")
    with (
        serving(any_node) as base,
        httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client,
    ):
        refused = client.post("/api/dashboard/rules", json={"name": "x", "side": "AF"})
        assert refused.status_code == 400 and "side: expected one of PK, IR" in refused.text, refused.text
        taken = client.post(
            "/api/dashboard/rules", json={"name": "pk-raids", "side": "pk", "attack_types": ["armed assault"]}
        )
        assert taken.status_code == 201, taken.text
        assert taken.json()["rule"]["conditions"] == ["on the PK side", "attack type Armed Assault"]
        for body in (REPORT, {**REPORT, "title": "corrected"}):
            sent = client.post("/api/incidents", json=body)
            assert sent.status_code in (200, 201), sent.text
    (alert,) = list_alerts(any_node.db)
    assert (alert.rule, alert.reason) == ("pk-raids", "on the PK side; attack type Armed Assault")
