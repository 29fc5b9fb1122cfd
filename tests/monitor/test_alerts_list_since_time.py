"""``sarhad alerts list --since`` takes a date-time as well as a date (a desk checking "since my last shift"):
ISO 8601, to the minute or the second, with Z, an offset or neither (UTC); on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sarhad.monitor.alerts import Alert, alert_id, insert_alert, next_alert_seq
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from tests.conftest import run_cli
from tests.monitor.test_evaluate import make

TIMES = ("2026-12-07T13:59:59.999Z", "2026-12-07T14:00:00.000Z", "2026-12-07T15:30:00.000Z")


@pytest.fixture
def home(any_node: Node) -> Path:
    """The node, with rule 'near' and three alerts raised just before 14:00 UTC, at 14:00 and at 15:30."""
    incidents = [make(s) for s in ("a", "b", "c")]
    any_node.publish(incidents)  # before any rule: no alert is raised here
    add_rule(any_node.db, Rule(name="near", near_border_km=10))
    with any_node.db.transaction():
        seq = next_alert_seq(any_node.db)
        for i, (inc, created) in enumerate(zip(incidents, TIMES, strict=True)):
            alert = Alert(alert_id("near", inc.id), "near", inc.id, "PK", "2.5 km from the border", created)
            assert insert_alert(any_node.db, alert, seq + i)
    return any_node.settings.home


def _created(capsys: pytest.CaptureFixture[str], home: Path, since: str) -> list[str]:
    code, out, err = run_cli(capsys, "--home", str(home), "alerts", "list", "--json", "--since", since)
    assert code == 0, err
    return sorted(a["created"] for a in json.loads(out))


@pytest.mark.parametrize(
    ("since", "kept"),
    [
        ("2026-12-07", TIMES),
        ("2026-12-07T14:00", TIMES[1:]),  # no offset: UTC, as the alerts' times
        ("2026-12-07T14:00Z", TIMES[1:]),
        ("2026-12-07T14:00:00Z", TIMES[1:]),
        ("2026-12-07 14:00:00", TIMES[1:]),
        ("2026-12-07T19:00+05:00", TIMES[1:]),  # 14:00 UTC
        ("2026-12-07T17:30:00+03:30", TIMES[1:]),  # 14:00 UTC
        ("2026-12-07T13:59:59.999Z", TIMES),
        ("2026-12-07T14:00:00.001Z", TIMES[2:]),
        ("2026-12-07T15:30:01Z", ()),
    ],
)
def test_since_a_date_time_keeps_the_alerts_raised_at_that_instant_or_after(
    home: Path, capsys: pytest.CaptureFixture[str], since: str, kept: tuple[str, ...]
) -> None:
    assert _created(capsys, home, since) == list(kept)


@pytest.mark.parametrize(
    "since", ["2026-12-07T25:00", "2026-12-07T14", "yesterday", "2026-12-07T14:00+5", "20261207T1400", "2026-13"]
)
def test_since_neither_a_date_nor_a_date_time_is_refused_naming_the_option_and_the_forms(
    home: Path, capsys: pytest.CaptureFixture[str], since: str
) -> None:
    code, _, err = run_cli(capsys, "--home", str(home), "alerts", "list", "--since", since)
    text = " ".join(err.split())
    assert code != 0
    assert f"--since {since!r} is not a date or a date-time (YYYY, YYYY-MM, YYYY-MM-DD, or a date-time" in text, text
    assert "with Z or an offset such as +05:00" in text
