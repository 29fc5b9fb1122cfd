"""``alerts list --limit 0`` names the option as the user typed it; the function shared with the API names its
field."""

from __future__ import annotations

import pytest

from sarhad.errors import InvalidInput
from sarhad.monitor.alerts import list_alerts
from sarhad.node import Node
from tests.conftest import run_cli


def test_a_limit_that_is_not_positive_is_named_as_the_caller_knows_it(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(any_node.settings.home)
    code, out, err = run_cli(capsys, "--home", home, "alerts", "list", "--limit", "0")
    assert code != 0 and out == "", out
    assert "--limit 0 is not positive (give 1 or more)" in err, err
    with pytest.raises(InvalidInput, match=r"^limit -1 is not positive"):
        list_alerts(any_node.db, limit=-1)
