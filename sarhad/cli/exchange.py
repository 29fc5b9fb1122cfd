"""Commands for exchange between nodes: serve, token, peer, sync (and the STIX bundle commands' bodies)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

import typer

from sarhad._internal.words import counted
from sarhad.cli._shared import (
    console,
    err_console,
    print_json,
    print_listing,
    progress_bars,
    progress_enabled,
    state,
    summary_console,
)

if TYPE_CHECKING:
    from sarhad.exchange.peers import Peer
    from sarhad.exchange.sync import SyncResult
    from sarhad.node import Node

__all__ = ["COSIGNATURE_OWED", "REFUSED_ENTRIES", "export_stix_cmd", "import_stix_cmd", "register"]

_JSON = typer.Option(False, "--json", help="Print JSON for scripts.")

token_app = typer.Typer(help="Access tokens for the node's HTTP APIs.", no_args_is_help=True)
peer_app = typer.Typer(help="The peers this node syncs with.", no_args_is_help=True)
taxii_app = typer.Typer(help="Talk to any TAXII 2.1 server.", no_args_is_help=True)

COSIGNATURE_OWED: Final = 4
"""sync's exit status when every peer's entries were verified and stored but a peer did not take this node's
cosignature (refused, or the answer was lost): it is owed, and the next sync sends it again. A failed sync (1)
and refused entries (6) take precedence."""

REFUSED_ENTRIES: Final = 6
"""sync's exit status when every peer's log was verified and stored but some of its entries were refused (an
object speaking for this node's party, or rewriting its words): the rest is applied, the refused objects are
kept apart (``refused_entries``, counted by 'peer list'). A failed sync (1) takes precedence; it takes
precedence over an owed cosignature (4), which the next sync settles by itself."""


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8470, "--port", help="Port to listen on."),
    audit_flush: float = typer.Option(
        60.0, "--audit-flush-seconds", min=1.0, help="How often audit rows are carried into the log."
    ),
) -> None:
    """Serve the TAXII 2.1, log and JSON APIs and the dashboard (the public paths are listed in docs/security.md)."""
    from sarhad.web import server
    from sarhad.web.app import create_app

    st = state(ctx)
    settings = st.node().settings
    st.close()

    address = f"[{host}]" if ":" in host else host  # an IPv6 address is bracketed in a URL (RFC 3986 §3.2.2)

    def listening() -> None:
        err_console.print(
            f"serving node {settings.party} on http://{address}:{port}/ (dashboard at /, TAXII 2.1 at /taxii2/); "
            "Ctrl-C stops",
            highlight=False,
            markup=False,
        )

    server.run(create_app(settings, audit_flush_seconds=audit_flush), host, port, on_started=listening)


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    principal: str = typer.Option(..., "--principal", help="Who the token is for."),
    role: str = typer.Option(..., "--role", help="admin, analyst, peer or viewer."),
    party: str = typer.Option(None, "--party", help="The principal's party (default: this node's party)."),
    expires: float = typer.Option(90, "--expires", help="Days until the token expires (0: never)."),
    json_out: bool = _JSON,
) -> None:
    """Create a token and print it alone on stdout (only its hash is kept: store it now); with --json, the token
    and what 'token list --json' shows of it."""
    from sarhad.cli.audit import record_cli_write
    from sarhad.errors import InvalidInput
    from sarhad.web.auth import create_token, list_tokens

    if not 0 <= expires <= 3650:  # 0 is this option's "never", which the library's range leaves out
        raise InvalidInput(f"--expires {expires:g}: give the days until the token expires, up to 3650, or 0 for never")
    node = state(ctx).node()
    days = expires if expires != 0 else None
    who = (party or node.settings.party).upper()
    with node.db.transaction():
        token = create_token(node.db, principal, role, who, expires_days=days)
        record_cli_write(node.db, "create-token", f"{principal} ({role}, {who})")  # never the token
    if json_out:
        token_id = token.split("_")[1]
        (info,) = [t for t in list_tokens(node.db) if t.id == token_id]
        print_json({"token": token, **info.as_dict()})
        return
    typer.echo(token)


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context,
    principal: str = typer.Option(..., "--principal", help="Whose tokens to revoke."),
    token_id: str = typer.Option(
        None, "--id", help="Only this token (the id 'token list' shows; to rotate: create, hand over, revoke)."
    ),
    json_out: bool = _JSON,
) -> None:
    """Revoke every token of a principal, or one of them (--id)."""
    from sarhad.cli.audit import record_cli_write
    from sarhad.web.auth import revoke_token

    db = state(ctx).node().db
    which = "" if token_id is None else f" ({token_id})"
    with db.transaction():
        count = revoke_token(db, principal, token_id, what="--id")
        record_cli_write(db, "revoke-token", f"{principal} ({count} token(s)){which}")
    if json_out:
        print_json({"principal": principal, "id": token_id, "revoked": count})
        return
    console.print(f"revoked {count} token(s) of {principal}{which}", highlight=False, markup=False)


@token_app.command("list")
def token_list(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """List the tokens issued (never their secrets): id, principal, role, party, created, expires, status."""
    from sarhad.web.auth import list_tokens

    tokens = list_tokens(state(ctx).node().db)
    if json_out:
        print_json([t.as_dict() for t in tokens])
        return
    print_listing(
        ["id", "principal", "role", "party", "created", "expires", "status"],
        [[t.id, t.principal, t.role, t.party, t.created, t.expires or "never", t.status] for t in tokens],
        empty="no tokens: create one with 'sarhad token create --principal P --role R'",
    )


@peer_app.command("add")
def peer_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A short name for the peer (e.g. IR)."),
    url: str = typer.Argument(..., help="The peer's base URL (http://host:port)."),
    vkey: str = typer.Option(..., "--vkey", help="The peer's log verifier key (name+id+key)."),
    token: str = typer.Option(..., "--token", help="The token the peer issued to this node."),
    party: str = typer.Option(None, "--party", help="The peer's party code (default: NAME in capitals)."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Try the peer first (GET its log checkpoint with the token, as a sync does): register it only if it"
        " answers, accepts the token and signs its checkpoint with --vkey (a node just set up has none yet)."
        " Without it nothing is sent: the peer may be offline.",
    ),
    json_out: bool = _JSON,
) -> None:
    """Register a peer (replacing one of the same name). The token must have sarhad's form
    (sarhad_<id>_<secret>, as 'sarhad token create' prints it on the peer's node); whether the peer accepts it
    shows at the first sync, or now with --check. A name that holds a copy of a peer's log keeps that
    log's key and party; the same key and party as a removed peer take its copy back. A key registered under
    another name, or kept by a removed peer of another party, is refused (one log is one peer), and so is a key
    of this node's own log origin (its own key, or another node set up under the same party)."""
    from sarhad.cli.audit import record_cli_write
    from sarhad.errors import ExchangeError, VerificationError
    from sarhad.exchange.peer_http import check_peer
    from sarhad.exchange.peers import Peer, add_peer, list_peers
    from sarhad.web.auth import require_token_form

    require_token_form(token, "--token")
    node = state(ctx).node()
    db = node.db
    checked: dict[str, object] | None = None
    if check:
        try:
            size = check_peer(Peer.of(name, url, vkey, token, party, own_origin=node.settings.origin))
        except (ExchangeError, VerificationError) as exc:
            # The error says what to do; and a peer registered before is left as it was, not dropped.
            left = (
                f"nothing was changed: peer {name} stays registered as it was (its URL, key and token)"
                if any(p.name == name for p in list_peers(db))
                else "nothing was registered"
            )
            raise type(exc)(f"{exc}; {left}") from exc
        checked = {"answers": True, "token_accepted": True, "size": size}
    with db.transaction():
        # Changing a registered peer's URL or token is this same command: say which it did.
        known = any(p.name == name for p in list_peers(db))
        peer = add_peer(db, name, url, vkey, token, party, own_origin=node.settings.origin)
        record_cli_write(db, "add-peer", f"{peer.name} ({peer.party}) at {peer.url}")  # never the token
    if json_out:
        print_json({
            "name": peer.name, "url": peer.url, "party": peer.party, "origin": peer.origin, "vkey": peer.vkey,
            "action": "updated" if known else "added", "checked": checked,
        })  # fmt: skip
        return
    if known:
        console.print(f"updated peer {peer.name} ({peer.party}): now at {peer.url}, log {peer.origin}")
    else:
        console.print(f"added peer {peer.name} ({peer.party}) at {peer.url}, log {peer.origin}")
    if checked is not None:
        signs = (
            f"signs its log with --vkey (checkpoint of size {checked['size']})"
            if checked["size"] is not None
            else "has signed no checkpoint yet"
        )
        console.print(f"checked: {peer.name} answers, accepts the token and {signs}", highlight=False, markup=False)


@peer_app.command("remove")
def peer_remove(
    ctx: typer.Context, name: str = typer.Argument(..., help="The peer's name."), json_out: bool = _JSON
) -> None:
    """Remove a peer: no more syncs from it, its URL and token are dropped. The copy of its log and the objects
    it carried are kept, with the key they were checked with, and 'sarhad log verify' still checks them;
    registering the same key and party again (under any name) takes the copy back."""
    import dataclasses

    from sarhad.cli.audit import record_cli_write
    from sarhad.exchange.peers import remove_peer

    db = state(ctx).node().db
    with db.transaction():
        kept = remove_peer(db, name)
        record_cli_write(db, "remove-peer", name)
    if json_out:
        print_json({"name": name, "log_copy": None if kept is None else dataclasses.asdict(kept)})
        return
    if kept is None:
        console.print(f"removed peer {name} (no copy of its log was held)", highlight=False, markup=False)
    else:
        console.print(
            f"removed peer {name}; the copy of its log {kept.origin} is kept and checked by 'sarhad log verify'",
            highlight=False,
            markup=False,
        )


@peer_app.command("former-key")
def peer_former_key(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The name the copy is filed under (a registered or removed peer)."),
    vkey: str = typer.Option(..., "--vkey", help="The former log verifier key (name+id+key)."),
    json_out: bool = _JSON,
) -> None:
    """Record a former key of a peer's log, so 'sarhad log verify' checks the checkpoints of its copy signed
    with it: those of a peer registered again with another key (before 'peer add' refused that), reported as
    key_not_held. The key must sign checkpoints of the copy, and each of them must verify with it."""
    from sarhad.cli.audit import record_cli_write
    from sarhad.exchange.peers import add_former_key
    from sarhad.log.note import Verifier

    db = state(ctx).node().db
    verifier = Verifier.from_vkey(vkey)
    fingerprint = f"{verifier.name}+{verifier.key_id:08x}"
    with db.transaction():
        signed = add_former_key(db, name, vkey)
        record_cli_write(db, "add-former-key", f"{name} {fingerprint}")
    if json_out:
        print_json({"name": name, "key": fingerprint, "vkey": vkey, "checkpoints_signed": signed})
        return
    console.print(
        f"recorded {fingerprint} as a former key of the log copied under {name}: it signs {signed} of its"
        " checkpoints, which 'sarhad log verify' now checks with it",
        highlight=False,
        markup=False,
    )


@peer_app.command("list")
def peer_list(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """List registered peers, then removed peers whose log copy this node keeps (since when they were removed,
    and the leaves of each copy: 'sarhad log verify' checks them), the entries of each log a sync refused (kept
    apart, not applied), and the cosignature owed to a peer that did not take it at the last sync (the next sync
    sends it again). Names that hold copies of one log (the same key,
    registered before that was refused) are named in a warning and in --json's same_log_as."""
    import dataclasses

    from sarhad.exchange.peers import copied_leaves, list_peers, list_removed_peers, owed_cosignature, shared_logs
    from sarhad.exchange.refused import refused_count

    db = state(ctx).node().db
    rows: list[dict[str, object]] = []
    owed: list[str] = []
    for p in list_peers(db):
        debt = owed_cosignature(db, p.name)
        rows.append({
            "name": p.name, "url": p.url, "party": p.party, "origin": p.origin, "vkey": p.vkey,
            "leaves": copied_leaves(db, p.name), "refused_entries": refused_count(db, p.name), "removed": None,
            "cosignature_owed": None if debt is None else dataclasses.asdict(debt),
        })  # fmt: skip
        owed.append("" if debt is None else f"owed for size {debt.size}")
    for r in list_removed_peers(db):
        rows.append({
            "name": r.name, "url": None, "party": r.party, "origin": r.origin, "vkey": r.vkey,
            "leaves": copied_leaves(db, r.name), "refused_entries": refused_count(db, r.name),
            "removed": r.removed, "cosignature_owed": None,
        })  # fmt: skip
        owed.append("")
    # names holding copies of one log (registered before 'peer add' refused a second name for a key)
    shared = {name: [other for other in names if other != name] for names in shared_logs(db) for name in names}
    for row in rows:
        row["same_log_as"] = shared.get(str(row["name"]), [])
    if json_out:
        print_json(rows)
        return
    refused = [f"{r['refused_entries']} refused" if r["refused_entries"] else "" for r in rows]
    print_listing(
        ["name", "party", "url", "origin", "leaves copied", "entries refused", "cosignature", "removed"],
        [
            [r["name"], r["party"], r["url"] or "-", r["origin"], r["leaves"], kept, debt, r["removed"] or ""]
            for r, kept, debt in zip(rows, refused, owed, strict=True)
        ],
        empty="no peers: add one with 'sarhad peer add NAME URL --vkey KEY --token TOKEN'",
    )
    for names in sorted({tuple(sorted([name, *others])) for name, others in shared.items()}):
        err_console.print(
            f"warning: {' and '.join(names)} hold copies of one log (the same key); keep one ('sarhad peer remove')",
            style="yellow",
            highlight=False,
            markup=False,
        )


def sync(
    ctx: typer.Context,
    name: str = typer.Argument(None, help="The peer to sync (default: every peer)."),
    json_out: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Pull, verify, store and cosign each peer's new entries; exit 1 naming what failed (nothing of that peer's
    sync is stored); 6 when the logs verified and were stored but entries were refused (an object speaking for
    this node's party, or rewriting its words: kept apart, not applied, each named; 'peer list' counts them);
    or 4 when everything was stored but a peer did not take the cosignature of its checkpoint (refused: it has
    not registered this node yet; or the answer was lost): it is owed, shown by 'peer list', and the next sync
    sends it again."""
    from sarhad.errors import NotFound, SarhadError
    from sarhad.exchange.peers import get_peer, list_peers

    node = state(ctx).node()
    peers = [get_peer(node.db, name)] if name else list_peers(node.db)
    if not peers:
        raise NotFound("no peers registered; add one with 'sarhad peer add'")
    results: list[dict[str, object]] = []
    errors: list[SarhadError] = []
    owed = refused = False
    for peer in peers:
        try:
            result = _sync_one(node, peer, show_progress=progress_enabled() and not json_out)
        except SarhadError as exc:
            errors.append(exc)
            results.append({"peer": peer.name, "ok": False, "stored": False, "error": str(exc)})
            continue
        owed = owed or not result.cosigned
        refused = refused or bool(result.refused)
        results.append({"ok": result.cosigned and not result.refused, **result.as_dict()})
        if not json_out:
            console.print(result.summary(), style=None if result.cosigned else "yellow", highlight=False, markup=False)
            for refusal in result.refused:
                console.print(f"refused: {refusal.message}", style="yellow", highlight=False, markup=False)
    if json_out:
        print_json(results)
    if errors:
        # Raised (not typer.Exit) so that the CLI's one error handler prints it and exits 1.
        raise type(errors[0])("; ".join(str(e) for e in errors))
    if refused:
        raise typer.Exit(code=REFUSED_ENTRIES)
    if owed:
        raise typer.Exit(code=COSIGNATURE_OWED)


def _sync_one(node: Node, peer: Peer, *, show_progress: bool) -> SyncResult:
    """Sync one peer, with a progress bar of the entries checked and stored on a terminal."""
    from sarhad.exchange.sync import sync_peer

    if not show_progress:
        return sync_peer(node, peer)
    with progress_bars("syncing") as bar:
        task = bar.add_task(peer.name, total=None)
        return sync_peer(node, peer, progress=lambda done, total: bar.update(task, completed=done, total=total))


@taxii_app.command("pull")
def taxii_pull(
    ctx: typer.Context,
    url: str = typer.Argument(..., help="The server's discovery URL (http://host/taxii2/)."),
    collection: str = typer.Option(..., "--collection", help="The collection's id, alias or title."),
    api_root: str = typer.Option(None, "--api-root", help="The API root URL (default: the server's default)."),
    user: str = typer.Option(None, "--user", help="User for HTTP Basic."),
    password: str = typer.Option(None, "--password", envvar="SARHAD_TAXII_PASSWORD", help="Password for HTTP Basic."),
    token: str = typer.Option(None, "--token", envvar="SARHAD_TAXII_TOKEN", help="Bearer token (instead of --user)."),
    added_after: str = typer.Option(None, "--added-after", help="Only objects the server added after this date."),
    limit: int = typer.Option(None, "--limit", help="Page size to ask for."),
    timeout: float = typer.Option(60.0, "--timeout", help="Seconds to wait for each response."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Pull a collection's STIX objects into the node through the publish path (all or nothing)."""
    from sarhad.exchange.client import TaxiiClient
    from sarhad.exchange.pull import pull_collection

    node = state(ctx).node()
    with TaxiiClient(url, token=token, user=user, password=password, timeout=timeout) as client:
        result = pull_collection(node, client, collection, api_root=api_root, added_after=added_after, limit=limit)
    if json_out:
        print_json(result.as_dict())
    else:
        console.print(result.summary(), highlight=False)


def export_stix_cmd(ctx: typer.Context, out: Path, json_out: bool = False, *, for_peers: bool = False) -> None:
    """Body of ``sarhad export stix --out FILE``: write one STIX 2.1 bundle (replacing ``out`` once complete)."""
    from sarhad.formats.stix import export_stix
    from sarhad.output_file import replacing

    node = state(ctx).node()
    with replacing(out) as part:
        done = export_stix(node, part, for_peers=for_peers)
    notes = done.notes()
    if json_out:
        print_json(
            {"format": "stix", "file": str(out), "incidents": done.incidents, "notes": notes, "objects": done.objects}
        )
        return
    summary_console(out).print(f"exported {done.objects} STIX objects to {out}")
    for note in notes:
        err_console.print(f"note: {note}", highlight=False, markup=False)


def import_stix_cmd(ctx: typer.Context, file: Path, json_out: bool = False) -> None:
    """Body of ``sarhad import stix FILE``: publish a bundle (all or nothing)."""
    import dataclasses

    from sarhad.formats.stix import import_stix

    s = import_stix(state(ctx).node(), file)
    if json_out:
        print_json({"file": str(file), "format": "stix", **dataclasses.asdict(s)})
        return
    console.print(
        f"imported {counted(s.incidents, 'incident')} and {counted(s.objects, 'other object')} ({s.added} added,"
        f" {s.updated} updated,"
        f" {s.unchanged} unchanged; {s.derived} derived objects recomputed)"
    )


def _export_stix(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="The bundle file to write."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
    for_peers: bool = typer.Option(
        False, "--for-peers", help="Leave out rows whose licence forbids sharing, and TLP:RED records."
    ),
) -> None:
    """Export the node's objects as one STIX 2.1 bundle (as 'export stix')."""
    export_stix_cmd(ctx, out, json_out, for_peers=for_peers)


def _import_stix(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A STIX 2.1 bundle."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Import a STIX 2.1 bundle through the publish path (nothing stored when any object is bad)."""
    import_stix_cmd(ctx, file, json_out)


def register(app: typer.Typer) -> None:
    """Add serve, token, peer, sync, taxii (and, standalone, ``stix-export``/``stix-import``) to ``app``."""
    app.command("serve")(serve)
    app.command("sync")(sync)
    app.add_typer(token_app, name="token")
    app.add_typer(peer_app, name="peer")
    app.add_typer(taxii_app, name="taxii")
    app.command("stix-export")(_export_stix)
    app.command("stix-import")(_import_stix)
