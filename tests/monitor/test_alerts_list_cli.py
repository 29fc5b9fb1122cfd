"""``sarhad alerts list``: the date window and an unknown rule, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.monitor.alerts import Alert, alert_id, insert_alert, next_alert_seq
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from tests.conftest import run_cli as run
from tests.monitor.test_evaluate import make


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def home(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A PK node with rules 'near' (three alerts: January, February and March 2026) and 'quiet' (none)."""
    h = tmp_path / "pk"
    url = None if request.param == "sqlite" else request.getfixturevalue("pg_schema_url")
    with Node.init(h, "PK", database_url=url) as node:
        incidents = [make(s) for s in ("a", "b", "c")]
        node.publish(incidents)  # before any rule: no alert is raised here
        add_rule(node.db, Rule(name="near", near_border_km=10))
        add_rule(node.db, Rule(name="quiet", min_killed=1000))
        with node.db.transaction():
            seq = next_alert_seq(node.db)
            for i, (inc, created) in enumerate(
                zip(incidents, ("2026-01-31T23:59:59.999Z", "2026-02-01T00:00:00.000Z", "2026-03-15T12:00:00.000Z"),
                    strict=True)
            ):  # fmt: skip
                alert = Alert(alert_id("near", inc.id), "near", inc.id, "PK", "2.5 km from the border", created)
                assert insert_alert(node.db, alert, seq + i)
    return h


def _created(capsys: pytest.CaptureFixture[str], home: Path, *options: str) -> list[str]:
    code, out, err = run(capsys, "--home", str(home), "alerts", "list", "--json", *options)
    assert code == 0, err
    return [a["created"][:10] for a in json.loads(out)]


def test_alerts_list_since_and_until_keep_the_alerts_of_those_days(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _created(capsys, home) == ["2026-03-15", "2026-02-01", "2026-01-31"]
    assert _created(capsys, home, "--since", "2026-02") == ["2026-03-15", "2026-02-01"]
    assert _created(capsys, home, "--since", "2026-02-01") == ["2026-03-15", "2026-02-01"]
    assert _created(capsys, home, "--until", "2026-01-31") == ["2026-01-31"]
    assert _created(capsys, home, "--until", "2026-02") == ["2026-02-01", "2026-01-31"]
    assert _created(capsys, home, "--since", "2026-02", "--until", "2026-02") == ["2026-02-01"]
    assert _created(capsys, home, "--since", "2026", "--rule", "near", "--limit", "1") == ["2026-03-15"]
    assert _created(capsys, home, "--since", "2027") == []
    code, out, _ = run(capsys, "--home", str(home), "alerts", "list", "--since", "2027")
    assert code == 0 and out.strip() == "no alerts"


@pytest.mark.parametrize(
    ("option", "value"), [("--since", "2026-13"), ("--since", "last week"), ("--until", "2026-02-30")]
)
def test_alerts_list_refuses_a_date_that_is_not_one(
    home: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    code, out, err = run(capsys, "--home", str(home), "alerts", "list", option, value)
    assert code == 1 and out == ""
    # --since takes a date-time too (tests/monitor/test_alerts_list_since_time.py), and says so
    said = (
        "is not a date or a date-time (YYYY, YYYY-MM, YYYY-MM-DD, or"
        if option == "--since"
        else "is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    )
    assert f"{option} {value!r} {said}" in " ".join(err.split())


def test_alerts_list_names_the_rules_when_the_rule_does_not_exist(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(home), "alerts", "list", "--rule", "nope")
    assert code == 1 and out == ""
    assert "no alert rule named 'nope'; rules: near, quiet" in err
    # A rule that exists but raised nothing is an empty answer, not an error.
    code, out, err = run(capsys, "--home", str(home), "alerts", "list", "--rule", "quiet")
    assert code == 0, err
    assert out.strip() == "no alerts of rule 'quiet'"
    code, out, _ = run(capsys, "--home", str(home), "alerts", "list", "--rule", "quiet", "--json")
    assert code == 0 and json.loads(out) == []


def test_alerts_list_still_lists_the_alerts_of_a_removed_rule(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--home", str(home), "alerts", "rules", "remove", "near")[0] == 0
    assert _created(capsys, home, "--rule", "near") == ["2026-03-15", "2026-02-01", "2026-01-31"]
