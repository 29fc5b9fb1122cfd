"""The dashboard's alerts API takes ``since`` and ``until`` as ``sarhad alerts list`` does (over HTTP, on SQLite
and PostgreSQL)."""

from __future__ import annotations

import httpx
import pytest

from sarhad.monitor.alerts import Alert, alert_id, insert_alert, next_alert_seq
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.monitor.test_evaluate import make
from tests.web.conftest import serving

CREATED = ("2026-01-31T23:59:59.999Z", "2026-02-01T00:00:00.000Z", "2026-03-15T12:00:00.000Z")


def _alerting(node: Node) -> None:
    """Three alerts of rule 'near', raised on the last instant of January, the first of February and in March."""
    incidents = [make(s) for s in ("a", "b", "c")]
    node.publish(incidents)  # before the rule: nothing is raised here
    add_rule(node.db, Rule(name="near", near_border_km=10))
    with node.db.transaction():
        seq = next_alert_seq(node.db)
        for i, (inc, created) in enumerate(zip(incidents, CREATED, strict=True)):
            alert = Alert(alert_id("near", inc.id), "near", inc.id, "PK", "2.5 km from the border", created)
            assert insert_alert(node.db, alert, seq + i)


def test_dashboard_alerts_since_and_until_keep_the_alerts_of_those_days(any_node: Node) -> None:
    _alerting(any_node)
    h = {"Authorization": f"Bearer {create_token(any_node.db, 'desk', 'analyst', 'PK')}"}
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as c:

        def days(**window: str) -> tuple[list[str], int]:
            answer = c.get("/api/dashboard/alerts", params=window, headers=h)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            return [a["created"][:10] for a in body["alerts"]], body["total"]

        assert days() == (["2026-03-15", "2026-02-01", "2026-01-31"], 3)
        assert days(since="2026-02") == (["2026-03-15", "2026-02-01"], 2)
        assert days(since="2026-02-01") == (["2026-03-15", "2026-02-01"], 2)
        assert days(until="2026-01-31") == (["2026-01-31"], 1)
        assert days(until="2026-02") == (["2026-02-01", "2026-01-31"], 2)
        assert days(since="2026-02", until="2026-02") == (["2026-02-01"], 1)
        assert days(since="2026", until="2026") == (["2026-03-15", "2026-02-01", "2026-01-31"], 3)
        assert days(since="2027") == ([], 0)


@pytest.mark.parametrize(("name", "value"), [("since", "2026-13"), ("since", "last week"), ("until", "2026-02-30")])
def test_dashboard_alerts_refuse_a_date_that_is_not_one_naming_the_parameter(
    any_node: Node, name: str, value: str
) -> None:
    _alerting(any_node)
    h = {"Authorization": f"Bearer {create_token(any_node.db, 'desk', 'analyst', 'PK')}"}
    with serving(any_node) as base, httpx.Client(base_url=base, timeout=30) as c:
        answer = c.get("/api/dashboard/alerts", params={name: value}, headers=h)
    assert answer.status_code == 400
    assert answer.json() == {
        "error": {
            "code": "invalid_input",
            "message": f"{name} {value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
            "field": name,
        }
    }
