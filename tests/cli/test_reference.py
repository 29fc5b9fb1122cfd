"""docs/cli.md is generated from the commands' help and must be current."""

from __future__ import annotations

from pathlib import Path

from sarhad.cli._reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "regenerate: python -m sarhad.cli._reference > docs/cli.md"


def test_cli_reference_documents_the_contract_commands() -> None:
    text = render()
    for command in ("sarhad init", "sarhad import", "sarhad incidents list", "sarhad stats", "sarhad export"):
        assert f"`{command}`" in text
