"""docs/cli.md is generated from the commands' help and must be current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sarhad.cli._reference import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "regenerate: python -m sarhad.cli._reference > docs/cli.md"


def test_cli_reference_documents_the_contract_commands() -> None:
    text = render()
    for command in ("sarhad init", "sarhad import", "sarhad incidents list", "sarhad stats", "sarhad export"):
        assert f"`{command}`" in text


def test_no_help_text_loses_words_to_rich_markup() -> None:
    """Typer renders ``--help`` through rich, which takes ``[default: …]`` or ``[[rule]]`` for a style tag and
    drops it: ``token create --help`` read "The principal's party ." Every help text must print whole."""
    import typer.main
    from rich.markup import render as markup

    from sarhad.cli import app

    lost: list[str] = []

    def walk(cmd: Any, path: str) -> None:
        texts = [cmd.help or ""] + [getattr(p, "help", None) or "" for p in cmd.params]
        lost.extend(f"{path}: {t!r}" for t in texts if markup(t).plain != t)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "sarhad")
    assert not lost, "help texts rich would cut:\n" + "\n".join(lost)
