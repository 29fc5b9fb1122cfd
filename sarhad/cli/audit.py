"""Commands for the audit trail: ``sarhad audit list`` and ``sarhad audit flush``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from sarhad.cli._shared import console, print_json, print_listing, state

if TYPE_CHECKING:
    from sarhad.store.db import Database

__all__ = ["operator", "record_cli_write", "register"]


def operator() -> str:
    """Who acts at the node's console, as the audit trail names them: ``cli:<os user>``."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "cli"


def record_cli_write(db: Database, action: str, target: str) -> None:
    """Audit a write made through the CLI (in the caller's transaction when there is one). Never pass a secret."""
    from sarhad.audit import record

    record(db, operator(), action, target)


audit_app = typer.Typer(help="The audit trail: who wrote, and who read what was not CLEAR.", no_args_is_help=True)


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    principal: str = typer.Option(None, "--principal", help="Only this principal's actions."),
    since: str = typer.Option(None, "--since", help="Only actions at or after this ISO 8601 time (UTC if bare)."),
    limit: int = typer.Option(None, "--limit", help="At most this many rows (oldest first)."),
    json_out: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
) -> None:
    """List audited actions, oldest first; 'logged' names the log object that carries each row."""
    from sarhad.audit import list_audit

    rows = list_audit(state(ctx).node().db, principal=principal, since=since, limit=limit)
    if json_out:
        print_json([r.as_dict() for r in rows])
        return
    print_listing(
        ["time", "principal", "action", "target", "logged"],
        [[r.time, r.principal, r.action, r.target, r.logged or "(not yet)"] for r in rows],
        empty="no audited actions match" if principal or since else "no audited actions",
        summary=f"{len(rows)} audit record(s)",
    )


@audit_app.command("flush")
def audit_flush(
    ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON for scripts.")
) -> None:
    """Publish the audit rows not yet in the log (the server does this every minute and when it stops). With
    --json: how many rows it published (flushed)."""
    from sarhad.audit import flush_to_log

    count = flush_to_log(state(ctx).node())
    if json_out:
        print_json({"flushed": count})
        return
    console.print(f"flushed {count} audit record(s) to the log", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``audit list`` and ``audit flush`` to ``app``."""
    app.add_typer(audit_app, name="audit")
