"""Render the CLI reference (``docs/cli.md``) from the commands' own help, so the two cannot drift.

``python -m sarhad.cli._reference > docs/cli.md`` regenerates it; a test checks the file is current.
"""

from __future__ import annotations

from typing import Any

import typer.main

__all__ = ["render"]


def _walk(cmd: Any, path: list[str], out: list[str]) -> None:
    ctx = cmd.context_class(cmd, info_name=" ".join(path))
    if path[1:]:
        out.append(f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`\n")
        help_text = (cmd.help or "").strip()
        if help_text:
            out.append(help_text + "\n")
        usage = " ".join(cmd.collect_usage_pieces(ctx))
        out.append(f"```\n{' '.join(path)} {usage}\n```\n")
        rows = [p.get_help_record(ctx) for p in cmd.get_params(ctx)]
        rows = [r for r in rows if r is not None and r[0] != "--help"]
        if rows:
            out.append("| option | meaning |\n|---|---|")
            for name, text in rows:
                out.append(f"| `{name}` | {' '.join(text.split()).replace('|', '/')} |")
            out.append("")
    if hasattr(cmd, "list_commands"):
        for name in sorted(cmd.list_commands(ctx)):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                _walk(sub, [*path, name], out)


def render() -> str:
    """The whole CLI reference as Markdown."""
    from sarhad.cli import app

    root = typer.main.get_command(app)
    out = [
        "# CLI reference\n",
        "Generated from the commands' help by `python -m sarhad.cli._reference`; do not edit by hand.\n",
        "Global options (before the command): `--home DIR` (the node home; env `SARHAD_HOME`), "
        "`--db URL` (env `SARHAD_DATABASE_URL`), `--verbose`.\n",
    ]
    _walk(root, ["sarhad"], out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
