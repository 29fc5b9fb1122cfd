"""``sarhad alerts rules add``: an error names the option the user typed (``--near-border``), not the field the
rule is stored under (``near_border_km``, which the rules file and the API keep), and stores nothing; on SQLite
and on PostgreSQL."""

from __future__ import annotations

import pytest

from sarhad.monitor.rules import list_rules
from sarhad.node import Node
from tests.conftest import run_cli

CASES = [
    (["--near-border=-5"], "rule 'r': --near-border: expected a positive number, found -5"),
    (["--crossing-km", "0"], "rule 'r': --crossing-km: expected a positive number, found 0"),
    (["--admin1", "Atlantis"], "rule 'r': --admin1: no province or district is called 'Atlantis'"),
    (["--polygon", "61,28;62,28"], "rule r: --polygon needs at least 3 points, found 2"),
    (["--polygon", "200,28;62,28;62,29"], "rule r: --polygon point (200.0, 28.0) is not a lon, lat pair"),
    (["--polygon", "28,61;28,62;29,62"], "rule 'r': --polygon: it does not reach the mapped region"),
    (["--perpetrator", "Nobody Front"], "rule 'r': --perpetrator: no armed group in the alias registry is called"),
    (["--min-killed=-1"], "rule r: --min-killed -1 is negative"),
    (["--side", "north"], "rule 'r': --side: expected one of PK, IR (the two sides of the border), found 'north'"),
    (["--attack-type", "Teleport"], "rule 'r': --attack-type: 'Teleport' is not a GTD attack type"),
    (["--surge-window", "7"], "rule r: a surge needs both --surge-window and --surge-factor"),
    (["--surge-window", "0", "--surge-factor", "2"], "rule 'r': --surge-window: expected a positive number, found 0"),
    (["--surge-window", "7", "--surge-factor", "0"], "rule 'r': --surge-factor: expected a positive number, found 0"),
    (
        ["--surge-window", "7", "--surge-factor", "2", "--surge-baseline", "0"],
        "rule 'r': --surge-baseline: expected a positive number, found 0",
    ),
]
FIELDS = (
    "near_border_km", "crossing_km", "perpetrators", "min_killed", "attack_types", "surge_window_days",
    "surge_factor", "surge_baseline_days",
)  # fmt: skip


@pytest.mark.parametrize(("options", "said"), CASES, ids=[" ".join(o) for o, _ in CASES])
def test_rules_add_errors_name_the_option_typed_and_store_nothing(
    any_node: Node, capsys: pytest.CaptureFixture[str], options: list[str], said: str
) -> None:
    code, _, err = run_cli(capsys, "--home", str(any_node.settings.home), "alerts", "rules", "add", "--name", "r",
                           *options)  # fmt: skip
    text = " ".join(err.split())
    assert code != 0 and said in text, text
    assert not [f for f in FIELDS if f in text], text
    assert list_rules(any_node.db) == []


def test_an_attack_type_or_group_the_user_typed_is_quoted_as_typed(
    any_node: Node, capsys: pytest.CaptureFixture[str]
) -> None:
    # a value that happens to spell a field's name is the user's own text, not renamed
    code, _, err = run_cli(capsys, "--home", str(any_node.settings.home), "alerts", "rules", "add", "--name", "r",
                           "--attack-type", "min_killed")  # fmt: skip
    assert code != 0 and "--attack-type: 'min_killed' is not a GTD attack type" in " ".join(err.split())
