"""GTD's "Unknown" attack type (attacktype1 9, written when GTD cannot tell) says nothing of the attack: two of them
do not agree, and one does not differ from a bombing. A record's attack type is its first other than "Unknown",
as the incidents table keeps it."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from sarhad.node import Node
from sarhad.reconcile.features import Features
from sarhad.reconcile.record import Record
from sarhad.reconcile.score import part_scores
from sarhad.reconcile.store import reconcile
from tests.reconcile.helpers import record, report


def _attack_part(a: Record, b: Record) -> float:
    parts, _ = part_scores(Features.of([a, b]), np.array([0]), np.array([1]))
    return float(parts["attack"][0])


def test_gtd_unknown_attack_types_neither_agree_nor_disagree_with_another() -> None:
    unknown = record("GTD", "1", "2024-05-02", attack="Unknown")
    other_unknown = record("PK", "2", "2024-05-02", attack="Unknown")
    bombing = record("IR", "3", "2024-05-02", attack="Bombing/Explosion")
    none = record("PK", "4", "2024-05-02", attack=None)
    assert unknown.attack_type is None
    assert _attack_part(unknown, other_unknown) == _attack_part(none, bombing) == 0.5
    assert _attack_part(unknown, bombing) == 0.5
    assert _attack_part(bombing, record("PK", "5", "2024-05-02", attack="Armed Assault")) == 0.0


def test_a_record_takes_its_first_attack_type_other_than_unknown() -> None:
    inc = replace(report("GTD", "1", "2024-05-02"), attack_types=("Unknown", "Bombing/Explosion"))
    assert Record.from_incident(inc).attack_type == "Bombing/Explosion"


def test_a_node_compares_gtd_unknown_as_unknown(any_node: Node) -> None:
    any_node.publish([report("GTD", "1", "2024-05-02", attack="Unknown"), report("IR", "2", "2024-05-02")])
    reconcile(any_node.db, "PK")
    kept = [json.loads(str(row)) for (row,) in any_node.db.fetchall("SELECT record FROM reconcile_records")]
    assert sorted(str(r[12]) for r in kept) == ["Bombing/Explosion", "None"]
