"""``sarhad log …`` and ``sarhad key …``: the node's transparency log and its signing key.

Output contract (other tools rely on it):

* ``key show`` prints the node's C2SP verifier key.
* ``log checkpoint`` prints the latest signed checkpoint, exactly as signed; ``--json``: ``origin``, ``size``,
  ``root`` (base64) and ``note`` (that text).
* ``log prove OBJECT_ID --json`` prints ``object_id``, ``leaf_index``, ``tree_size``, ``leaf_hash`` (base64),
  ``envelope`` (the canonical envelope text), ``proof`` (base64 hashes) and ``checkpoint`` (the signed note
  for ``tree_size``).
* ``log consistency OLD [NEW] --json`` prints ``old_size``, ``new_size``, ``proof`` and ``old_checkpoint`` and
  ``new_checkpoint`` (the signed notes at those sizes; null where the node signed none).
* ``log verify`` (with ``--vkey``: on a copy of the node without ``node.key``) exits 0 only when the whole log,
  and the copy of each peer's log, checks; ``--json`` prints
  the figures (``cosignatures``: those verified, ``cosignatures_stored``, ``cosignatures_not_checked``: by a
  key neither a known peer's nor given with ``--witness``; ``saved_checkpoints``: each ``--checkpoint`` file
  with the size it signs), with a section per peer under ``peers`` and the evidence held under ``evidence``. It
  exits 3 when everything checks except copies whose checkpoints are signed by a key the node no longer holds
  (``status`` ``key_not_held``), 5 when everything checks but the node holds evidence that a peer rewrote its
  log, and 1 at the first problem found (``--json``: ``ok`` false and ``error``); 1 before 3 before 5, and
  ``ok`` is true only with 0.
* ``log evidence --json`` prints a list of pieces (``name``, ``peer``, ``kind``, ``detected``, ``reason``,
  ``earlier_size``, ``earlier_root``, ``later_size``, ``later_root``, ``folder``); ``log verify --json``'s
  ``evidence`` holds the same pieces with ``file`` (``NAME/evidence.json`` under ``log evidence --out DIR``)
  instead of ``folder``.
* ``log check-proof`` reads what ``log prove --json`` or ``log consistency --json`` prints (with
  ``--cosigned``: the checkpoints carry their stored cosignatures), an evidence.json, or a signed checkpoint
  (``log checkpoint --cosigned``); ``--json`` prints ``ok``, ``kind``, ``result`` or ``error`` and
  ``checkpoints`` (per checkpoint: ``field``, ``origin``, ``size``, ``root``, ``signatures`` with ``role``,
  ``name``, ``key_id``, ``status``, ``timestamp``, ``detail``; ``witnesses``, ``witnessed``, ``quorum``, ``ok``,
  ``problems``) and ``saved_checkpoints`` (each ``--checkpoint`` file with its size, once the document's checkpoint
  of that size is found to sign the same root); on any error, also a file it cannot read or a malformed key,
  ``ok`` false and ``error``.
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from sarhad.cli._shared import (
    console,
    err_console,
    print_json,
    print_listing,
    progress_bars,
    progress_enabled,
    state,
)
from sarhad.errors import InvalidInput, NotFound, SarhadError, VerificationError

if TYPE_CHECKING:
    from sarhad.log.cosignature import CosignatureVerifier
    from sarhad.log.note import Verifier

__all__ = ["key_app", "log_app"]

log_app = typer.Typer(help="The node's transparency log: checkpoints, proofs, verification.", no_args_is_help=True)
key_app = typer.Typer(help="The node's signing key.", no_args_is_help=True)

_JSON = typer.Option(False, "--json", help="Print JSON (for scripts).")
_KNOWN = typer.Option(
    [], "--checkpoint", metavar="FILE", help="A signed checkpoint saved earlier that the log must still contain."
)
_VERIFY_VKEY = typer.Option(
    None,
    "--vkey",
    metavar="VKEY",
    help="The log's verifier key (the party's 'sarhad key show'): check the log with it, so the home needs no"
    " node.key (a backup, a copy given to an auditor).",
)
_UPGRADE = typer.Option(
    False,
    "--upgrade",
    help="With --vkey: bring a copy's schema, older than this release's, up to date before checking it. This"
    " writes to the copy: use it on a second copy, not on the one under audit (without it the copy is only read).",
)
_WITNESS = typer.Option(
    [],
    "--witness",
    metavar="VKEY",
    help="A witness's cosignature verifier key, or a sarhad node's log key ('sarhad key show'), which it cosigns"
    " with (repeatable; --witness-key FILE gives several from a file).",
)
_PROOF_FILE = typer.Argument(
    ...,
    metavar="FILE",
    help="A signed checkpoint ('log checkpoint --cosigned', a plain signed note), the output of 'log prove --json'"
    " or 'log consistency --json', or an evidence.json ('-': stdin).",
)
_VKEY = typer.Option(..., "--vkey", help="The log's verifier key (from 'sarhad key show').")
_SAVED = typer.Option(
    [],
    "--checkpoint",
    metavar="FILE",
    help="A signed checkpoint saved earlier (repeatable): the file's checkpoint of the same size must sign the same"
    " root, so a proof checked against the node's own checkpoints is tied to the one you kept.",
)
_WITNESS_KEY = typer.Option(
    [],
    "--witness-key",
    metavar="FILE",
    help="A file of witnesses' verifier keys, one a line ('sarhad key show' on a witness's node, or a"
    " cosignature/v1 key), as --witness takes one (repeatable).",
)
_NOW = typer.Option(
    None,
    "--now",
    metavar="TIMESTAMP",
    help="Judge the cosignatures' times as of this moment, not this machine's clock: ISO 8601 / RFC 3339 with its"
    " offset (2025-06-01T12:00:00Z), or a date (its first second, UTC).",
)
_QUORUM = typer.Option(
    None,
    "--quorum",
    metavar="N",
    help="How many of the witnesses given with --witness and --witness-key must have cosigned each checkpoint"
    " (default: every one; for evidence: none).",
)
_COSIGNED = typer.Option(
    False,
    "--cosigned",
    help="The checkpoints with the witnesses' stored cosignatures; without a size given, the latest checkpoint the"
    " witnesses (the registered peers) cosigned instead of the latest signed.",
)
_BODY = typer.Option(
    None,
    "--body",
    help="The object version's JSON (as stored, in any layout, or a STIX bundle holding it): also check that the"
    " inclusion proof's envelope commits to it.",
)


# What 'log prove --json' prints and 'log check-proof' reads (object_id is informative: the envelope names it).
_PROOF_FIELDS: dict[str, type] = {
    "checkpoint": str, "envelope": str, "leaf_index": int, "tree_size": int, "leaf_hash": str, "proof": list,
}  # fmt: skip
_JSON_TYPES = {str: "a string", int: "an integer", list: "a list", dict: "an object", bool: "true or false",
               float: "a number", type(None): "null"}  # fmt: skip
_PROOF_DOCUMENT = (
    "the file should hold what 'sarhad log prove OBJECT_ID --json' prints: a JSON object with checkpoint (the"
    " signed note), envelope (the canonical envelope text), leaf_index, tree_size, leaf_hash (base64) and proof"
    " (a list of base64 hashes)"
)


# What 'log consistency --json' prints, and what 'log evidence --out' writes as evidence.json, for check-proof.
_CONSISTENCY_FIELDS: dict[str, tuple[type, ...]] = {
    "old_size": (int,), "new_size": (int,), "proof": (list,), "old_checkpoint": (str, type(None)),
    "new_checkpoint": (str, type(None)),
}  # fmt: skip
_CONSISTENCY_DOCUMENT = (
    "a consistency proof is what 'sarhad log consistency OLD NEW --json' prints: old_size, new_size, proof (a list"
    " of base64 hashes), old_checkpoint and new_checkpoint (the signed notes)"
)
_EVIDENCE_FIELDS: dict[str, tuple[type, ...]] = {
    "earlier_checkpoint": (str,), "later_checkpoint": (str,), "proof": (list, type(None)),
    "prefix_root": (str, type(None)),
}  # fmt: skip
_EVIDENCE_DOCUMENT = (
    "evidence is the evidence.json 'sarhad log evidence --out DIR' writes: earlier_checkpoint, later_checkpoint"
    " (the signed notes), proof (a list of base64 hashes, or null) and prefix_root (base64, or null)"
)


_KIND_NAMES = {"checkpoint": "a signed checkpoint", "consistency": "a consistency proof", "evidence": "evidence"}


def _b64(h: bytes) -> str:
    return base64.b64encode(h).decode("ascii")


def _latest_size(log: Any, cosigned_on: Any = None) -> int:
    """The size of the latest signed checkpoint or, with the node ``cosigned_on``, of the latest its witnesses
    (its registered peers) cosigned, which is what an auditor checks cosignatures on (the log signs again after
    every batch, so the latest is often not cosigned yet)."""
    if cosigned_on is not None:
        from sarhad.exchange.peers import cosigner_for, list_peers

        cp = log.latest_cosigned([cosigner_for(p) for p in list_peers(cosigned_on.db)])
    else:
        cp = log.latest_checkpoint()
    if cp is None:
        raise NotFound("the log has no signed checkpoint yet (publish something first)")
    return int(cp.size)


def _signed_note(log: Any, size: int, cosigned: bool = False) -> str | None:
    """The checkpoint the node signed at ``size`` (with its stored cosignatures when ``cosigned``), or None when
    it signed none there (a size between batches)."""
    try:
        note: str | None = log.cosigned_note(size) if cosigned else log.checkpoint(size).note
    except NotFound:
        return None
    return note


@key_app.command("show")
def key_show(ctx: typer.Context, json_out: bool = _JSON) -> None:
    """Print the node's verifier key (name+keyid+base64), which peers and auditors use to check its log."""
    signer = state(ctx).node().signer
    if json_out:
        print_json({"vkey": signer.vkey, "name": signer.name, "key_id": f"{signer.key_id:08x}"})
    else:
        sys.stdout.write(signer.vkey + "\n")


@log_app.command("checkpoint")
def log_checkpoint(
    ctx: typer.Context,
    size: int = typer.Option(None, "--size", help="The checkpoint signed at this size (default: the latest)."),
    cosigned: bool = typer.Option(
        False,
        "--cosigned",
        help="Append the witnesses' stored cosignatures; without --size, print the latest checkpoint the witnesses"
        " (the registered peers) cosigned instead of the latest signed.",
    ),
    json_out: bool = _JSON,
) -> None:
    """Print the latest signed checkpoint (a C2SP signed note), byte for byte (with --cosigned, the latest the
    witnesses cosigned, as GET /log/checkpoint serves it); with --json, its origin, size and root (base64) and the
    note itself."""
    from sarhad.log.checkpoint import Checkpoint

    node = state(ctx).node()
    log = node.log
    size = _latest_size(log, node if cosigned else None) if size is None else size
    note = log.cosigned_note(size) if cosigned else log.checkpoint(size).note
    if json_out:
        parsed = Checkpoint.parse(note or "")
        print_json({"origin": parsed.origin, "size": parsed.size, "root": _b64(parsed.root), "note": note})
        return
    sys.stdout.write(note or "")


@log_app.command("prove")
def log_prove(
    ctx: typer.Context,
    object_id: str = typer.Argument(..., metavar="OBJECT_ID"),
    version: str = typer.Option(None, "--version", help="The object version (its 'modified'); default: latest."),
    size: int = typer.Option(None, "--size", help="Prove against the checkpoint at this size (default: latest)."),
    cosigned: bool = _COSIGNED,
    json_out: bool = _JSON,
) -> None:
    """Prove that an object version is in the log: its leaf, the inclusion proof and the signed checkpoint
    (with --cosigned, its witnesses' cosignatures too, for 'log check-proof --witness-key')."""
    node = state(ctx).node()
    log = node.log
    tree_size = _latest_size(log, node if cosigned else None) if size is None else size
    checkpoint = log.checkpoint(tree_size)
    try:
        index = log.find_object(object_id, version)
    except NotFound as exc:
        raise NotFound(f"{exc}{_logged_by_peer(node, object_id, version)}") from None
    if index >= tree_size:
        why = (
            " (the latest the witnesses cosigned: they cosign a later one when they next sync; give --size"
            f" {_latest_size(log)} for the latest signed)"
            if cosigned and size is None
            else ""
        )
        raise NotFound(f"{object_id} is leaf {index}, not yet covered by the checkpoint at size {tree_size}{why}")
    leaf = log.leaf(index)
    proof = log.inclusion_proof(index, tree_size)
    hashes = [_b64(h) for h in proof]
    out: dict[str, Any] = {
        "object_id": leaf.envelope.object_id,
        "leaf_index": index,
        "tree_size": tree_size,
        "leaf_hash": _b64(leaf.leaf_hash),
        "envelope": leaf.canonical,
        "proof": hashes,
        "checkpoint": log.cosigned_note(tree_size) if cosigned else checkpoint.note,
    }
    if json_out:
        print_json(out)
        return
    console.print(f"{leaf.envelope.ref} is leaf {index} of {tree_size}", highlight=False)
    console.print(f"envelope: {leaf.canonical}", highlight=False, markup=False)
    console.print(f"leaf hash: {out['leaf_hash']}", highlight=False)
    console.print(f"inclusion proof ({len(proof)} hashes):", highlight=False)
    for h in hashes:
        console.print(f"  {h}", highlight=False)
    console.print("checkpoint:", highlight=False)
    sys.stdout.write(out["checkpoint"] or "")


def _logged_by_peer(node: Any, object_id: str, version: str | None) -> str:
    """Where a version missing from this node's log is logged, when a peer's sync brought it: both parties may
    report under one object id, and each version is in the log of the party that published it."""
    sql = "SELECT origin, modified FROM objects WHERE id = ? AND origin <> ?"
    params: tuple[str, ...] = (object_id, node.settings.party)
    if version is not None:
        sql, params = sql + " AND modified = ?", (*params, version)
    # The latest by date on purpose: any version a peer's log holds answers "where is it logged", current or not.
    rows = node.db.fetchall(sql + " ORDER BY modified DESC LIMIT 1", params)
    if not rows:
        return ""
    party, modified = str(rows[0][0]), str(rows[0][1])
    return (
        f"; this node holds {object_id}@{modified} from party {party}, whose own log holds it: ask {party}'s node"
        f" for its proof ('sarhad log prove {object_id} --version {modified}' there)"
    )


@log_app.command("consistency")
def log_consistency(
    ctx: typer.Context,
    old: int = typer.Argument(..., metavar="OLD"),
    new: int = typer.Argument(
        None, metavar="[NEW]", help="Default: the latest checkpoint's size (with --cosigned, the latest cosigned)."
    ),
    cosigned: bool = _COSIGNED,
    json_out: bool = _JSON,
) -> None:
    """Prove that the tree of size OLD is a prefix of the tree of size NEW (RFC 9162 consistency proof)."""
    node = state(ctx).node()
    log = node.log
    new_size = _latest_size(log, node if cosigned else None) if new is None else new
    if new is not None and old > new:
        raise InvalidInput(
            f"old size {old} is larger than new size {new}: the sizes are the wrong way round"
            f" (log consistency {new} {old})"
        )
    if new is None and cosigned and old > new_size:
        raise InvalidInput(
            f"old size {old} is larger than {new_size}, the size of the latest checkpoint the witnesses cosigned:"
            f" give NEW (the latest signed is {_latest_size(log)}) and check it with --quorum 0, or wait for the"
            " witnesses' next sync"
        )
    proof = log.consistency_proof(old, new_size)
    hashes = [_b64(h) for h in proof]
    # The signed roots travel with the proof, as with 'log prove': a proof checked against roots fetched at
    # another moment proves nothing, and an auditor can take these away and check them offline.
    out = {
        "old_size": old,
        "new_size": new_size,
        "proof": hashes,
        "old_checkpoint": _signed_note(log, old, cosigned),
        "new_checkpoint": _signed_note(log, new_size, cosigned),
    }
    for key, at in (("old_checkpoint", old), ("new_checkpoint", new_size)):
        if out[key] is None and at > 0:
            # Said, not refused: the proof itself is right, but an auditor needs a signed root to check it by.
            try:
                log.checkpoint(at)
            except NotFound as exc:
                null = f" ({key} is null)" if json_out else ""
                err_console.print(
                    f"warning: {exc}: there is no signed root at size {at} to check this proof against{null}",
                    style="yellow",
                    highlight=False,
                    markup=False,
                )
    if json_out:
        print_json(out)
        return
    console.print(f"consistency proof from {old} to {new_size} ({len(proof)} hashes):", highlight=False)
    for h in hashes:
        console.print(f"  {h}", highlight=False)


@log_app.command("verify")
def log_verify(
    ctx: typer.Context,
    witness: list[str] = _WITNESS,
    witness_key: list[Path] = _WITNESS_KEY,
    known: list[Path] = _KNOWN,
    vkey: str = _VERIFY_VKEY,
    upgrade: bool = _UPGRADE,
    json_out: bool = _JSON,
) -> None:
    """Recompute every leaf from the stored objects and the tree from the leaves, and check every signed
    checkpoint, and every stored cosignature with the keys of the peers this node knows (each peer is a witness
    of this log) and the --witness / --witness-key keys (a cosignature by another key is counted, not checked);
    then the copy
    of each peer's log (a removed peer's too, with the key kept at its removal): every copied leaf, every
    stored object of the peer against its leaf, and the peer's root at its last verified checkpoint. Exits 1
    naming the first bad entry (and the peer); exits 3, naming the peer and the key, when a copy's checkpoints
    are signed by a key this node no longer holds (see 'peer former-key'); exits 5 when everything checks but
    this node holds evidence that a peer rewrote its log (a sync found it; see 'log evidence'). 1 comes before
    3, and 3 before 5; the evidence is listed whatever the status. Names that hold copies of one log (the same
    key, registered before that was refused) are named in a warning and in --json's shared_logs. With --vkey
    the home needs no node.key: a copy of the node (a backup) is checked with the log's published key, and only
    read (a copy whose schema is older than this release's is refused, unless --upgrade is given)."""
    from sarhad.exchange.evidence import folder_name, list_evidence
    from sarhad.exchange.peers import shared_logs, witness_keys
    from sarhad.log.note import Verifier
    from sarhad.log.peer_copies import PeerCopyReport, verify_peer_copies
    from sarhad.log.verify import Progress, VerifyReport, verify_log

    given = _witness_keys(witness, witness_key)
    home = state(ctx)
    if vkey is not None:
        # An auditor's copy: checked with the key the party publishes; the signing key is not needed, nor wanted.
        log_key = Verifier.from_vkey(vkey)
        settings, db = home.unsigned(
            upgrade=upgrade,
            upgrade_with="copy the home, or restore the dump again into another schema, and run 'sarhad --home COPY"
            " log verify --vkey VKEY --upgrade' on the copy",
        )
    else:
        key_path = home.home / "node.key"
        if (home.home / "sarhad.toml").is_file() and not key_path.is_file():
            raise NotFound(
                f"node key {key_path} is missing: to verify a copy of the node without its signing key (a backup),"
                " give the log's verifier key with --vkey (the party's 'sarhad key show')"
            )
        node = home.node()
        settings, db, log_key = node.settings, node.db, node.signer.verifier
    witnesses = witness_keys(db) + given

    evidence = list_evidence(db)
    # Each piece with the name 'log evidence --out DIR' writes it under, which an auditor passes to check-proof.
    pieces = [
        {"name": name, "file": f"{name}/evidence.json", **e.as_dict()}
        for name, e in ((folder_name(n, e), e) for n, e in enumerate(evidence, 1))
    ]

    def run(progress: Progress | None = None) -> tuple[VerifyReport, list[PeerCopyReport]]:
        own = verify_log(
            db,
            [log_key],
            origin=settings.origin,
            party=settings.party,
            witnesses=witnesses,
            known=_saved_checkpoints(known),
            progress=progress,
        )
        return own, verify_peer_copies(db, progress=progress)

    try:
        if progress_enabled() and not json_out:
            from rich.progress import TaskID

            with progress_bars("checking") as bar:
                tasks: dict[str, TaskID] = {}

                def show(step: str, done: int, total: int) -> None:
                    if step not in tasks:
                        tasks[step] = bar.add_task(step, total=total)
                    bar.update(tasks[step], completed=done, total=total)

                report, peers = run(show)
        else:
            report, peers = run()
    except SarhadError as exc:
        if json_out:  # a script gets the failure on stdout too; the message still goes to stderr, exit 1
            print_json({"ok": False, "error": str(exc), "evidence": pieces})
        raise
    # A copy whose checkpoints are signed by a key this node no longer holds is not verified, but it is no
    # tampering found either: everything else is checked, the copy is named with what to do, and the exit
    # status (3) tells it apart from a failure (1).
    warnings = [w for p in peers if (w := p.key_warning()) is not None]
    # Two names holding copies of one log (registered before 'peer add' refused that) verify apart: said, not failed.
    shared = shared_logs(db)
    if json_out:
        print_json(
            {
                "ok": not warnings and not evidence,
                "size": report.size,
                "root": _b64(report.root),
                "nodes": report.nodes,
                "checkpoints": report.checkpoints,
                "objects": report.objects,
                "raw_rows": report.raw_rows,
                "cosignatures": report.cosignatures,
                "cosignatures_stored": report.cosignatures_stored,
                "cosignatures_not_checked": report.cosignatures_not_checked,
                "saved_checkpoints": report.known,
                "peers": {p.peer: p.as_dict() for p in peers},
                "evidence": pieces,
                "shared_logs": shared,
            }
        )
    else:
        console.print(report.summary(), highlight=False)
        for p in peers:
            console.print(p.summary(), highlight=False)
        for e, piece in zip(evidence, pieces, strict=True):
            console.print(
                f"evidence {piece['name']} (log evidence --out DIR writes DIR/{piece['file']}): {e.summary()}:"
                f" {e.reason}",
                style="red",
                highlight=False,
                markup=False,
            )
    for warning in warnings:
        err_console.print(f"warning: {warning}", style="yellow", highlight=False, markup=False)
    for names in shared:
        err_console.print(
            f"warning: {' and '.join(names)} hold copies of one log (the same key), each verified apart; keep one"
            " ('sarhad peer remove NAME')",
            style="yellow",
            highlight=False,
            markup=False,
        )
    if warnings:
        if not json_out:
            console.print(
                f"log verified, except the copies of {', '.join(p.peer for p in peers if p.not_held)}:"
                " signed by a key this node no longer holds",
                style="yellow",
                highlight=False,
                markup=False,
            )
        raise typer.Exit(code=3)
    if evidence:
        if not json_out:
            console.print(
                "log verified, but this node holds evidence that a peer rewrote its log:"
                f" {', '.join(sorted({e.peer for e in evidence}))} (see 'sarhad log evidence')",
                style="red",
                highlight=False,
                markup=False,
            )
        raise typer.Exit(code=5)
    if not json_out:
        console.print("log verified", style="green", highlight=False)


@log_app.command("evidence")
def log_evidence(
    ctx: typer.Context,
    out: Path = typer.Option(
        None, "--out", metavar="DIR", help="Write, per piece, the files an auditor checks offline, under DIR."
    ),
    json_out: bool = _JSON,
) -> None:
    """List the evidence a sync kept that a peer rewrote its log (a rollback, a split view or a consistency
    proof that failed): the peer, when it was found, and the two signed checkpoints. With --out, write per
    piece a folder with both checkpoints as received, the peer's key, the proof, evidence.json (for
    'log check-proof') and a README.txt saying what they show and what they cannot."""
    from sarhad.exchange.evidence import folder_name, list_evidence, write_evidence

    node = state(ctx).node()
    evidence = list_evidence(node.db)
    folders = [] if out is None else write_evidence(node.db, evidence, out)
    if json_out:
        paths = [str(f) for f in folders] if out is not None else [None] * len(evidence)
        print_json(
            [
                {"name": folder_name(n, e), **e.as_dict(), "folder": path}
                for n, (e, path) in enumerate(zip(evidence, paths, strict=True), 1)
            ]
        )
        return
    print_listing(
        ["name", "peer", "kind", "found", "verified before", "then signed", "reason"],
        [
            [
                folder_name(n, e),
                e.peer,
                e.kind,
                e.detected,
                f"{e.earlier.size} {_b64(e.earlier.root)}",
                f"{e.later.size} {_b64(e.later.root)}",
                e.reason,
            ]
            for n, e in enumerate(evidence, 1)
        ],
        "no evidence: no sync found a peer's log rewritten",
        summary=f"{len(evidence)} piece{'s' if len(evidence) != 1 else ''} of evidence",
    )
    for folder in folders:
        console.print(f"wrote {folder}", highlight=False, markup=False)


@log_app.command("check-proof")
def log_check_proof(
    proof_file: Path = _PROOF_FILE,
    vkey: str = _VKEY,
    body: Path = _BODY,
    witness: list[str] = _WITNESS,
    witness_key: list[Path] = _WITNESS_KEY,
    quorum: int = _QUORUM,
    now: str = _NOW,
    saved: list[Path] = _SAVED,
    json_out: bool = _JSON,
) -> None:
    """Check a proof or a checkpoint offline, without the node. A signed checkpoint ('log checkpoint
    --cosigned'): its signature. An inclusion proof ('log prove --json'): the checkpoint's signature, the
    envelope's leaf hash and the proof up to the signed root. A consistency proof ('log consistency --json'):
    both checkpoints' signatures and the proof between their roots. Evidence ('log evidence --out',
    evidence.json): that the two checkpoints, both signed by the key, cannot both be true (the same size with
    different roots, or a proof that leads to the larger root and not to the smaller); it fails, saying why,
    when the files do not show that. Every checkpoint's signatures are reported: the log's, checked with
    --vkey, and each cosignature, checked with the --witness and --witness-key keys (valid, invalid, unknown
    key, missing; one dated after --now, default this machine's clock, or under another name than its key's is
    refused). Exits 1 when a proof or the log's signature fails, a given witness's cosignature is invalid, or
    fewer than --quorum witnesses cosigned (default: every one given; for evidence, none, since a conflict needs
    only the log's signatures). With --checkpoint FILE (a checkpoint you saved earlier, signed at a size the
    document holds: 'log consistency SIZE --json' gives one) it also exits 1 when the document's checkpoint of
    that size signs another root: the log signed two different trees of one size (a fork)."""
    import time

    from sarhad.log.cosigned import check_cosigned
    from sarhad.log.note import Verifier

    kind: str | None = None
    key_id: str | None = None
    try:
        text = sys.stdin.read() if str(proof_file) == "-" else proof_file.read_text(encoding="utf-8")
        verifier = Verifier.from_vkey(vkey)
        key_id = f"{verifier.key_id:08x}"
        witnesses = _witness_keys(witness, witness_key)
        as_of = int(time.time()) if now is None else _moment(now, "--now")
        kind, data = _document(proof_file, text)
        notes = _saved_checkpoints(saved)
        if notes and kind == "evidence":
            raise InvalidInput(
                f"--checkpoint: {proof_file} is {_KIND_NAMES[kind]}, which already holds two checkpoints that cannot"
                " both be true; give a saved checkpoint with a proof ('log consistency SIZE --json') or a checkpoint"
            )
        if body is not None and kind != "inclusion":
            raise InvalidInput(
                f"--body {body}: only an inclusion proof ('log prove --json') commits to an object; {proof_file} is"
                f" {_KIND_NAMES[kind]}"
            )
    except (SarhadError, OSError) as exc:
        # What was given cannot be used: a script still gets its document on stdout (the CLI prints the message).
        if json_out:
            named = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename is not None else ""
            error = f"{named}{exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)
            print_json({"ok": False, "kind": kind, "key_id": key_id, "error": error, "checkpoints": []})
        raise
    # 1. The proof (or the bare checkpoint) with the log's key, as before: its failure comes first.
    try:
        if kind == "evidence":
            result = _check_evidence(proof_file, data, verifier)
        elif kind == "consistency":
            result = _check_consistency(proof_file, data, verifier)
        elif kind == "inclusion":
            result = _check_inclusion(proof_file, data, verifier, body)
        else:
            result = _check_checkpoint(data["checkpoint"], verifier)
        # 1b. The checkpoints the auditor kept: the document's checkpoint of the same size must sign the same root.
        agreed = _check_saved(proof_file, kind, data, notes, verifier)
    except SarhadError as exc:
        # Name the file: a checkpoint's signature is checked before the fields that name it already.
        error = str(exc) if str(exc).startswith(f"{proof_file}:") else f"{proof_file}: {exc}"
        if json_out:
            print_json(
                {"ok": False, "kind": kind, "key_id": f"{verifier.key_id:08x}", "error": error, "checkpoints": []}
            )
        if type(exc) in (InvalidInput, VerificationError):
            raise type(exc)(error) from exc
        raise
    # 2. Every checkpoint's signatures, line by line, with the witnesses' keys and the quorum.
    fields = _NOTE_FIELDS[kind]
    need = quorum if quorum is not None else (0 if kind == "evidence" else None)
    reports = [
        (field, check_cosigned(data[field], verifier, witnesses, now=as_of, quorum=need))
        for field in fields
        if isinstance(data.get(field), str)
    ]
    where = {field: f"{proof_file}: {field}: " if kind != "checkpoint" else f"{proof_file}: " for field in fields}
    problems = [where[field] + p for field, report in reports for p in report.problems()]
    if problems and all(not s.problem for _, r in reports for s in r.signatures):
        # Only witnesses missing, no bad line: the ordinary state of a log's latest checkpoint.
        problems.append(_NOT_COSIGNED_YET)
    if json_out:
        print_json(
            {
                "ok": not problems,
                "kind": kind,
                "key_id": f"{verifier.key_id:08x}",
                **({"error": "; ".join(problems)} if problems else {"result": result}),
                "saved_checkpoints": agreed,
                "checkpoints": [
                    {"field": field if kind != "checkpoint" else None, **r.as_dict()} for field, r in reports
                ],
            }
        )
    else:
        if not problems:
            console.print(result, highlight=False, markup=False)
            if agreed:
                sizes = ", ".join(f"{name}: size {size}" for name, size in agreed.items())
                console.print(
                    f"saved checkpoints: {len(agreed)} agree with {proof_file} ({sizes})", highlight=False, markup=False
                )
        # A checkpoint signed by the log alone, checked without witness keys, needs no more than the line above.
        plain = not witnesses and all(len(r.signatures) == 1 for _, r in reports)
        for field, report in [] if plain and not problems else reports:
            label = f"{field}: " if kind != "checkpoint" else ""
            console.print(f"{label}{report.summary()}", highlight=False, markup=False)
            for sig in report.signatures:
                console.print(f"  {sig.summary()}", highlight=False, markup=False)
    if problems:
        raise VerificationError("; ".join(problems))


_NOT_COSIGNED_YET = (
    "a witness cosigns a checkpoint when it next syncs, and the log signs a new one after every batch it publishes"
    " (its audit trail's included), so its latest checkpoint is often not cosigned yet: check the latest checkpoint"
    " the witnesses cosigned (the one GET /log/checkpoint serves, or 'log checkpoint --cosigned' prints on the"
    " node), or give --quorum 0 to check the log's signature alone"
)
"""Said when the only problem is a quorum not met: what an auditor checking the latest checkpoint meets."""

# The fields of each kind of document that hold signed checkpoints ("checkpoint": a bare signed note).
_NOTE_FIELDS = {
    "checkpoint": ("checkpoint",),
    "inclusion": ("checkpoint",),
    "consistency": ("old_checkpoint", "new_checkpoint"),
    "evidence": ("earlier_checkpoint", "later_checkpoint"),
}


def _saved_checkpoints(paths: list[Path]) -> dict[str, str]:
    """The signed checkpoints in the ``--checkpoint`` files, by file name as given.

    Raises InvalidInput naming the file when one is not a signed checkpoint at all (a CSV file given by
    mistake), before the note's own complaint: the user learns which argument is wrong, then why.
    """
    from sarhad.log.checkpoint import Checkpoint

    notes: dict[str, str] = {}
    for path in paths:
        what = f"{path} is not a signed checkpoint (a C2SP signed note)"
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(f"{what}: it is not UTF-8 text") from None
        try:
            Checkpoint.parse(text)
        except InvalidInput as exc:
            raise InvalidInput(f"{what}: {exc}") from None
        notes[str(path)] = text
    return notes


def _document(proof_file: Path, text: str) -> tuple[str, dict[str, Any]]:
    """The kind of document (see ``_NOTE_FIELDS``) and its fields; a signed note is a bare checkpoint."""
    from sarhad.log.note import parse_note

    try:
        data = json.loads(text)
    except ValueError as exc:
        try:
            parse_note(text)
        except InvalidInput as note_exc:
            # Say first what the file looks like it was meant to be: a checkpoint whose signature lines were
            # cut off learns that, not only that it is not JSON.
            meant_json = text.lstrip()[:1] in ("{", "[")
            why = f"not JSON ({exc}) nor" if meant_json else f"not a signed checkpoint ({note_exc}) nor JSON"
            raise InvalidInput(
                f"{proof_file}: {why}{' a signed checkpoint' if meant_json else ''}; {_PROOF_DOCUMENT}, or the"
                " signed checkpoint 'sarhad log checkpoint --cosigned' prints"
            ) from None
        return "checkpoint", {"checkpoint": text}
    if not isinstance(data, dict):
        raise InvalidInput(
            f"{proof_file}: {_JSON_TYPES.get(type(data), 'a value')}, not a JSON object; {_PROOF_DOCUMENT}"
        )
    if "earlier_checkpoint" in data:
        return "evidence", data
    if "old_checkpoint" in data or "old_size" in data:
        return "consistency", data
    return "inclusion", data


def _moment(text: str, flag: str) -> int:
    """The seconds since 1970 that ``text`` names: an ISO 8601 / RFC 3339 date-time with its UTC offset, or a
    date (its first second, UTC). Raises InvalidInput naming ``flag`` when it is neither, or has no offset."""
    from datetime import UTC, date, datetime

    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{flag} {text!r} is not an ISO 8601 date-time (expected e.g. 2025-06-01T12:00:00Z, or 2025-06-01)"
        ) from None
    if moment.tzinfo is None:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise InvalidInput(
                f"{flag} {text!r} has no UTC offset: add Z or +HH:MM (e.g. {text.strip()}Z), so the moment is"
                " the same on every auditor's machine"
            ) from None
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return int(moment.timestamp())


def _witness_keys(vkeys: list[str], paths: list[Path]) -> list[CosignatureVerifier]:
    """The witnesses' cosignature keys given inline (``--witness VKEY``) and in the files ``paths``
    (``--witness-key FILE``: one verifier key a line, blank lines and lines starting with '#' skipped), each
    once. A node's log key ('sarhad key show') names the cosignature/v1 key it cosigns with
    (sarhad.exchange.peers). Raises InvalidInput naming the option, or the file and line, of a key that cannot
    be read."""
    keys: dict[str, CosignatureVerifier] = {}
    for vkey in vkeys:
        try:
            w = _cosignature_key(vkey)
        except InvalidInput as exc:
            raise InvalidInput(f"--witness: {exc}") from None
        keys.setdefault(w.vkey, w)
    for path in paths:
        found = 0
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                w = _cosignature_key(line)
            except InvalidInput as exc:
                raise InvalidInput(f"{path} line {number}: {exc}") from None
            keys.setdefault(w.vkey, w)
            found += 1
        if not found:
            raise InvalidInput(f"{path} holds no verifier key (one name+keyid+key a line, as 'sarhad key show' prints)")
    return list(keys.values())


def _cosignature_key(vkey: str) -> CosignatureVerifier:
    """The cosignature/v1 key ``vkey`` names: itself, or the one a sarhad node cosigns with when it is a node's
    log key (sarhad.exchange.peers). Raises InvalidInput when it is no verifier key."""
    from sarhad.log.cosignature import CosignatureVerifier
    from sarhad.log.note import Verifier

    v = Verifier.from_vkey(vkey)
    return v if isinstance(v, CosignatureVerifier) else CosignatureVerifier(v.name, v.public_key)


def _check_checkpoint(note: str, verifier: Verifier) -> str:
    from sarhad.log.checkpoint import open_checkpoint

    checkpoint, _ = open_checkpoint(note, [verifier])
    return (
        f"ok: the checkpoint of size {checkpoint.size} of {checkpoint.origin} is signed by {verifier.name}"
        f" (root {_b64(checkpoint.root)})"
    )


def _fields(proof_file: Path, data: dict[str, Any], fields: dict[str, tuple[type, ...]], document: str) -> None:
    """Refuse a document that lacks one of ``fields`` or has one of another JSON type, naming it."""
    missing = [key for key in fields if key not in data]
    if missing:
        names = ", ".join(repr(k) for k in missing)
        raise InvalidInput(f"{proof_file}: missing field{'s' if len(missing) > 1 else ''} {names}; {document}")
    for key, kinds in fields.items():
        if type(data[key]) not in kinds:  # not isinstance: true is no leaf index
            found = _JSON_TYPES.get(type(data[key]), type(data[key]).__name__)
            expected = " or ".join(_JSON_TYPES[k] for k in kinds)
            raise InvalidInput(f"{proof_file}: field {key!r} is {found}, expected {expected}; {document}")


def _hashes(proof_file: Path, values: list[Any]) -> list[bytes]:
    hashes = []
    for n, h in enumerate(values):
        if not isinstance(h, str):
            raise InvalidInput(
                f"{proof_file}: proof hash {n} is {_JSON_TYPES.get(type(h), 'a value')}, not a base64 string"
            )
        try:
            hashes.append(base64.b64decode(h, validate=True))
        except (ValueError, TypeError) as exc:  # binascii.Error is a ValueError
            raise InvalidInput(f"{proof_file}: proof hash {n} ({h!r}) is not base64 ({exc})") from None
    return hashes


def _check_inclusion(proof_file: Path, data: dict[str, Any], verifier: Verifier, body: Path | None) -> str:
    from sarhad.log import merkle
    from sarhad.log.checkpoint import open_checkpoint
    from sarhad.log.envelope import Envelope

    _fields(proof_file, data, {k: (v,) for k, v in _PROOF_FIELDS.items()}, _PROOF_DOCUMENT)
    try:
        checkpoint, _ = open_checkpoint(data["checkpoint"], [verifier])
        envelope = Envelope.from_canonical(data["envelope"])
        proof = _hashes(proof_file, data["proof"])
        index, size = int(data["leaf_index"]), int(data["tree_size"])
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"{proof_file}: not a 'log prove --json' document: {exc}") from None
    if checkpoint.size != size:
        raise VerificationError(f"the proof is for size {size} but the checkpoint is for {checkpoint.size}")
    leaf = merkle.leaf_hash(data["envelope"].encode("utf-8"))
    if _b64(leaf) != data.get("leaf_hash"):
        raise VerificationError("leaf_hash is not SHA-256(0x00 || envelope)")
    merkle.verify_inclusion(leaf, index, size, proof, checkpoint.root)
    if body is not None:
        envelope.check_body(body.read_bytes(), str(body))
    ok = f"ok: {envelope.ref} is leaf {index} of the tree of {size} signed by {checkpoint.origin}"
    return ok if body is None else f"{ok}; {body} is that object version"


def _check_consistency(proof_file: Path, data: dict[str, Any], verifier: Verifier) -> str:
    from sarhad.log import merkle
    from sarhad.log.checkpoint import open_checkpoint

    _fields(proof_file, data, _CONSISTENCY_FIELDS, _CONSISTENCY_DOCUMENT)
    old, new = data["old_size"], data["new_size"]
    roots = []
    for key, size in (("old_checkpoint", old), ("new_checkpoint", new)):
        if data[key] is None:
            if size == 0:  # the empty tree's root needs no signature (the size-0 policy)
                roots.append(merkle.EMPTY_ROOT)
                continue
            raise VerificationError(
                f"{proof_file}: {key} is null: the node signed no checkpoint at size {size}, so there is no signed"
                " root to check the proof against (ask for a consistency proof between two signed sizes)"
            )
        checkpoint, _ = open_checkpoint(data[key], [verifier])
        if checkpoint.size != size:
            raise VerificationError(f"{proof_file}: {key} is for size {checkpoint.size}, the proof for {size}")
        roots.append(checkpoint.root)
    merkle.verify_consistency(old, new, _hashes(proof_file, data["proof"]), roots[0], roots[1])
    return f"ok: the tree of {old} is a prefix of the tree of {new} signed by {verifier.name}"


def _check_saved(
    proof_file: Path, kind: str, data: dict[str, Any], saved: dict[str, str], verifier: Verifier
) -> dict[str, int]:
    """Each saved checkpoint's size, once the document's checkpoint of that size is found to sign the same root.

    A proof is checked against the checkpoints the node put in the document; a node that rewrote its log signs
    new ones, so only a checkpoint kept from before ties the proof to what the auditor saw. Raises
    VerificationError when a saved checkpoint is not signed by the key or signs another root at a size the
    document holds (a fork), and InvalidInput when the document holds no checkpoint of its size.
    """
    from sarhad.log.checkpoint import open_checkpoint

    held: dict[int, tuple[str, Any]] = {}
    for field in _NOTE_FIELDS[kind]:
        if isinstance(data.get(field), str):
            checkpoint, _ = open_checkpoint(data[field], [verifier])
            held.setdefault(checkpoint.size, (field, checkpoint))
    agreed: dict[str, int] = {}
    for name, note in saved.items():
        try:
            mine, _ = open_checkpoint(note, [verifier])
        except (InvalidInput, VerificationError) as exc:
            raise VerificationError(f"saved checkpoint {name}: {exc}") from None
        if mine.size not in held:
            sizes = sorted(held)
            if not sizes:  # a consistency proof between two empty trees: the tree of 0 needs no signature
                what = "no signed checkpoint"
            elif len(sizes) == 1:
                what = f"a checkpoint of size {sizes[0]} only"
            else:
                what = f"checkpoints of sizes {sizes[0]} and {sizes[1]} only"
            raise InvalidInput(
                f"saved checkpoint {name} is for the tree of {mine.size}, but {proof_file} holds {what}: ask the"
                f" node for 'sarhad log consistency {mine.size} --json' and check that with --checkpoint {name}"
            )
        field, theirs = held[mine.size]
        which = "the checkpoint" if kind == "checkpoint" else field
        if mine.origin != theirs.origin or mine.root != theirs.root:
            raise VerificationError(
                f"saved checkpoint {name} signs root {_b64(mine.root)} for the tree of {mine.size}, but {which} signs"
                f" root {_b64(theirs.root)}: the log signed two different trees of size {mine.size} (a fork);"
                " keep both files, each signed by the log's key: together they are evidence of it"
            )
        agreed[name] = mine.size
    return agreed


def _check_evidence(proof_file: Path, data: dict[str, Any], verifier: Verifier) -> str:
    from sarhad.log.conflict import verify_conflict

    _fields(proof_file, data, _EVIDENCE_FIELDS, _EVIDENCE_DOCUMENT)
    proof = None if data["proof"] is None else _hashes(proof_file, data["proof"])
    prefix = None if data["prefix_root"] is None else _hashes(proof_file, [data["prefix_root"]])[0]
    conflict = verify_conflict(data["earlier_checkpoint"], data["later_checkpoint"], verifier, proof, prefix)
    return (
        f"ok: two checkpoints of {conflict.origin}, both signed by {verifier.name} (key ID {verifier.key_id:08x}),"
        " cannot both be true:"
        f" {conflict.what}"
    )
