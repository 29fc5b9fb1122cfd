"""The founding framework template: 13 commitments from the article, with their sources and flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sarhad.framework import ops
from sarhad.framework.model import FRAMEWORK_EXTENSION, object_id
from sarhad.framework.store import load
from sarhad.node import Node

ARTICLE = Path(__file__).resolve().parents[3] / "shared" / "examples" / "articles" / "00.txt"


def test_template_loads_thirteen_commitments_in_order(fw_node: Node) -> None:
    data = load(fw_node.db)
    assert [c["code"] for c in data.commitments] == [f"C-{n:02d}" for n in range(1, 14)]
    assert data.parties == ["PK", "IR"]
    assert {c["focus_area"] for c in data.commitments} <= {a["code"] for a in data.framework["focus_areas"]}


def test_template_flags_unspecified_due_dates(fw_node: Node) -> None:
    data = load(fw_node.db)
    due = {c["code"]: c["due"] for c in data.commitments}
    assert due["C-02"] == "2025-12-31" and due["C-03"] == "2026-03-31" and due["C-04"] == "2026-12-31"
    assert due["C-05"] == "quarterly"
    unspecified = [c for c in data.commitments if c["due"] == "unspecified"]
    assert {c["code"] for c in unspecified} == {"C-01", "C-06", "C-07", "C-08", "C-09", "C-10", "C-11", "C-12", "C-13"}
    assert all(c["due_flag"] == "unspecified" for c in unspecified)


def test_template_figures_carry_their_source(fw_node: Node) -> None:
    data = load(fw_node.db)
    for figure in data.framework["context_figures"]:
        assert figure["source"] and figure["quote"]
    by_code = {i["code"]: i for i in data.indicators}
    assert by_code["I-12.2"]["baseline"]["value"] == 2.5 and "2.5 billion" in by_code["I-12.2"]["baseline"]["source"]
    assert by_code["I-12.1"]["target"]["value"] == 5 and by_code["I-12.1"]["target"]["by"] is None
    for indicator in data.indicators:
        for part in ("baseline", "target"):
            if indicator.get(part):
                assert indicator[part].get("source"), f"{indicator['code']} {part} has no source"


def test_template_objects_are_stix_with_stable_ids(fw_node: Node) -> None:
    data = load(fw_node.db)
    c1 = data.commitment("C-01")
    assert c1["id"] == object_id("commitment", "pk-ir-2025", "C-01")
    assert c1["type"] == "x-sarhad-commitment" and c1["spec_version"] == "2.1"
    assert c1["extensions"] == {FRAMEWORK_EXTENSION: {"extension_type": "new-sdo"}}
    assert re.fullmatch(r"x-sarhad-commitment--[0-9a-f-]{36}", c1["id"])
    row = fw_node.db.fetchone("SELECT body FROM objects WHERE id = ?", (FRAMEWORK_EXTENSION,))
    assert row is not None and '"new-sdo"' in row[0]


def test_template_load_twice_changes_nothing(fw_node: Node) -> None:
    before = fw_node.db.fetchone("SELECT COUNT(*) FROM objects")
    out = ops.init_template(fw_node, "pk-ir-2025")
    assert out["written"] == 0 and out["unchanged"] == out["commitments"] + out["milestones"] + out["indicators"] + 2
    assert fw_node.db.fetchone("SELECT COUNT(*) FROM objects") == before


def test_template_unknown_name_is_refused(fw_node: Node) -> None:
    from sarhad.errors import NotFound

    with pytest.raises(NotFound, match="no framework template 'xx'"):
        ops.init_template(fw_node, "xx")


@pytest.mark.skipif(not ARTICLE.is_file(), reason="the founding article (shared/examples) is not beside the repo")
def test_template_texts_are_verbatim_from_the_article(fw_node: Node) -> None:
    article = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    for c in load(fw_node.db).commitments:
        for sentence in c["text_verbatim"].split(" … "):
            assert " ".join(sentence.split()) in article, c["code"]
    for figure in load(fw_node.db).framework["context_figures"]:
        assert figure["quote"] in article
