"""The transparency log over HTTP, and the C2SP tlog-witness endpoint.

* ``GET /log/checkpoint``: the latest checkpoint the node's witnesses (its registered peers) cosigned, with
  every cosignature received (a signed note, ``text/plain``; header ``X-Sarhad-Latest-Size``: the size of the
  latest signed). ``?cosigned=0``: the latest signed checkpoint, cosigned or not (what a witness cosigns, and
  what a peer's node is served without the parameter); ``?cosigned=1``: the cosigned one for a peer's node too;
  ``?size=N``: the checkpoint signed at size N.
* ``GET /log/proof/inclusion?index=I&size=N`` (or ``?id=OBJECT&version=V``): ``{"index", "size", "hashes"}``
  with base64 hashes.
* ``GET /log/proof/consistency?old=M&new=N``: ``{"old", "new", "hashes"}``.
* ``GET /log/entries?start=A&end=B[&objects=1]``: the envelopes and leaf hashes of leaves ``A..B-1`` (at most
  :data:`MAX_ENTRIES`), and with ``objects=1`` the bodies of those the principal may read, by log index.
  With ``bodies=text`` each body is a JSON string holding the object's stored canonical JSON, so a client
  can hash the exact bytes the log committed to without re-serialising them. A withheld object's envelope
  stays visible, so a peer still verifies the whole log.
* ``POST /log/cosignatures``: a peer returns our checkpoint with its cosignature (peer or admin role).
* ``POST /log/witness/add-checkpoint``: C2SP tlog-witness: a peer submits its own checkpoint with a
  consistency proof from the size this node last verified; the answer is this node's cosignature.
  Status codes per the spec: 404 unknown origin, 403 bad signature, 400 old > size, 409 old size is stale
  (body: the size we hold, ``text/x.tlog.size``), 422 bad proof.
"""

from __future__ import annotations

import base64
import binascii
import json
import json.encoder
from collections.abc import Callable
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from sarhad.errors import NotFound, VerificationError
from sarhad.exchange.peers import Peer, cosigner_for, list_peers, peer_by_origin
from sarhad.exchange.witness import WitnessRejected, add_checkpoint
from sarhad.web.context import Context, FieldError, naming_the_field, principal_of
from sarhad.web.readaudit import MAX_AUDITED_TARGET

__all__ = ["MAX_ENTRIES", "MAX_LOG_NUMBER", "routes"]

MAX_ENTRIES: Final = 10_000
MAX_LOG_NUMBER: Final = 2**63 - 1
"""The largest leaf index or tree size a query parameter may give (a database integer)."""
# json's C string encoder (ensure_ascii=False): a JSON string literal of any text.
_string: Final[Callable[[str], str]] = json.encoder.encode_basestring


def _int(request: Request, name: str, default: int | None = None, required: str = "") -> int:
    """Query parameter ``name`` as a leaf index or tree size. Raises FieldError naming it."""
    raw = request.query_params.get(name)
    if raw is None:
        if default is None:
            raise FieldError(name, f"query parameter {name} is required{required}")
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FieldError(name, f"{name} {raw!r} is not an integer") from None
    if not 0 <= value <= MAX_LOG_NUMBER:
        raise FieldError(name, f"{name} {value} is outside 0..{MAX_LOG_NUMBER}")
    return value


def _choice(request: Request, name: str, choices: dict[str, bool], expected: str) -> bool:
    """Query parameter ``name``, one of ``choices`` (absent: False). Raises FieldError naming it: a value a
    client meant otherwise would silently answer something else."""
    raw = request.query_params.get(name)
    if raw is None:
        return False
    if raw not in choices:
        raise FieldError(name, f"{name} {raw[:40]!r} must be {expected}")
    return choices[raw]


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode("ascii") for h in hashes]


async def checkpoint(request: Request) -> Response:
    ctx = Context.of(request)
    log = ctx.node.log
    if "size" in request.query_params:
        if "cosigned" in request.query_params:
            raise FieldError("cosigned", "give size (the checkpoint signed at that size) or cosigned, not both")
        return PlainTextResponse(log.cosigned_note(_int(request, "size")))
    latest = log.latest_checkpoint()
    if latest is None:
        raise NotFound("the log has no signed checkpoint yet")
    # cosigned=0: the latest signed, which a witness asks for to cosign it; cosigned=1 the latest the witnesses
    # cosigned, which an auditor can check with their keys (the log signs again after every batch). Without the
    # parameter a peer's node (a witness) is served the first, anyone else the second: a node of an earlier
    # release asks without it, and served the cosigned checkpoint it would cosign that one again for ever and
    # never pull what was logged after it.
    if "cosigned" in request.query_params:
        latest_signed = _choice(request, "cosigned", {"0": True, "false": True, "1": False, "true": False}, "0 or 1")
    else:
        latest_signed = principal_of(request).role == "peer"
    if latest_signed:
        return PlainTextResponse(log.cosigned_note(latest.size))
    witnesses = [cosigner_for(p) for p in list_peers(ctx.db)]
    served = log.latest_cosigned(witnesses) or latest
    return PlainTextResponse(log.cosigned_note(served.size), headers={"X-Sarhad-Latest-Size": str(latest.size)})


async def inclusion(request: Request) -> Response:
    ctx = Context.of(request)
    log = ctx.node.log
    latest = log.latest_checkpoint()
    if latest is None:
        raise NotFound("the log has no signed checkpoint yet")
    params = request.query_params
    if "id" in params and "index" in params:
        raise FieldError("index", "give the leaf as index or as id (and version), not both")
    if "version" in params and "id" not in params:
        raise FieldError("version", "version goes with id: it names a version of that object")
    size = _int(request, "size", latest.size)
    if "id" in params:
        index = log.find_object(params["id"], params.get("version"))
        leaf = f"{params['id']} is leaf {index}, not"
    else:
        index = _int(request, "index", required=" (or id)")
        leaf = f"index {index} is not"
    if size > log.size():
        raise FieldError("size", f"size {size} is larger than the log, which holds {log.size()} leaves")
    if index >= size:
        # By id, the leaf is the object's: the size is what is too small.
        raise FieldError(
            "index" if "id" not in params else "size", f"{leaf} in a tree of size {size} (leaves 0..{size - 1})"
        )
    return JSONResponse({"index": index, "size": size, "hashes": _b64(log.inclusion_proof(index, size))})


async def consistency(request: Request) -> Response:
    ctx = Context.of(request)
    log = ctx.node.log
    old, new = _int(request, "old"), _int(request, "new")
    if old > new:
        raise FieldError("old", f"old size {old} is larger than new size {new}: the sizes are the wrong way round")
    if new > log.size():
        raise FieldError("new", f"new size {new} is larger than the log, which holds {log.size()} leaves")
    return JSONResponse({"old": old, "new": new, "hashes": _b64(log.consistency_proof(old, new))})


async def entries(request: Request) -> Response:
    ctx = Context.of(request)
    start = _int(request, "start", 0)
    end = min(_int(request, "end", start + MAX_ENTRIES), start + MAX_ENTRIES, MAX_LOG_NUMBER)
    with_objects = _choice(
        request,
        "objects",
        {"1": True, "true": True, "0": False, "false": False},
        "1 or true (the bodies too) or 0 or false",
    )
    as_text = _choice(request, "bodies", {"text": True, "json": False}, "text (each body as a JSON string) or json")
    principal = principal_of(request)
    rows = ctx.db.fetchall(
        "SELECT idx, envelope, leaf_hash FROM log_leaves WHERE idx >= ? AND idx < ? ORDER BY idx", (start, end)
    )
    parts = [
        f'{{"index":{int(r[0])},"envelope":{json.dumps(str(r[1]))},'
        f'"leaf_hash":"{base64.b64encode(bytes(r[2])).decode("ascii")}"}}'
        for r in rows
    ]
    body = '{"entries":[' + ",".join(parts) + "]"
    if with_objects:
        readable, params = ctx.read_clause(principal, "o")
        objs = ctx.db.fetchall(
            "SELECT o.log_index, o.body FROM objects o WHERE o.origin = ? AND o.log_index >= ? AND o.log_index < ?"
            f" AND {readable} ORDER BY o.log_index",
            (ctx.party, start, end, *params),
        )
        if as_text:
            body += ',"objects":{' + ",".join(f'"{int(r[0])}":{_string(str(r[1]))}' for r in objs) + "}"
        else:
            body += ',"objects":{' + ",".join(f'"{int(r[0])}":{r[1]}' for r in objs) + "}"
        # A read that returned bodies is recorded as the other data routes' reads are (sarhad.web.readaudit). One
        # that returned envelopes only (a witness pulling the entries of an audit batch it may not read) is not:
        # an envelope is what every reader of the log gets, CLEAR-only ones included, and recording it would make
        # each sync of a witness a new audit batch for the next sync to pull.
        if objs and ctx.may_read_beyond_clear(principal):
            query = request.scope.get("query_string", b"").decode("latin-1")
            ctx.audit(principal, "read", f"{request.url.path}?{query}"[:MAX_AUDITED_TARGET])
    return Response(body + "}", media_type="application/json")


async def cosignatures(request: Request) -> Response:
    ctx = Context.of(request)
    principal = principal_of(request)
    principal.require_cosign()
    note = (await request.body()).decode("utf-8", errors="replace")
    witnesses = [cosigner_for(p) for p in list_peers(ctx.db)]
    if not witnesses:
        raise VerificationError(
            f"node {ctx.party} has no registered peer whose cosignature it could accept; its operator registers the"
            " cosigning node with 'sarhad peer add NAME URL --vkey VKEY --token TOKEN'"
        )
    with ctx.db.transaction():
        result = ctx.node.log.add_cosignatures(note, witnesses)
        # A note whose cosignatures are all by keys this node does not know would add nothing: say so, as above,
        # instead of answering success to a cosigner whose statement was not kept.
        if not result.found:
            raise VerificationError(
                f"node {ctx.party} has no registered peer with the key of any cosignature on this note (registered:"
                f" {', '.join(sorted(w.name for w in witnesses))}); its operator registers the cosigning node with"
                " 'sarhad peer add NAME URL --vkey VKEY --token TOKEN'"
            )
    added = result.added
    ctx.audit(principal, "cosignature", f"{added} new")
    return JSONResponse({"added": added})


async def witness_add_checkpoint(request: Request) -> Response:
    ctx = Context.of(request)
    principal = principal_of(request)
    principal.require_cosign()
    body = (await request.body()).decode("utf-8", errors="replace")
    try:
        lines = await _witness(ctx, body)
    except WitnessRejected as exc:
        headers = {"Content-Type": "text/x.tlog.size"} if exc.status == 409 else None
        return PlainTextResponse(exc.body, exc.status, headers)
    ctx.audit(principal, "witness", "add-checkpoint")
    return PlainTextResponse(lines)


async def _witness(ctx: Context, body: str) -> str:
    def find(origin: str) -> Peer:
        return peer_by_origin(ctx.db, origin)

    try:
        return add_checkpoint(ctx.node, body, find)
    except (binascii.Error, UnicodeError) as exc:
        raise WitnessRejected(400, f"malformed request: {exc}\n") from exc


# Each route refuses a query parameter it does not take, naming it as the JSON API does. The witness route
# speaks C2SP tlog-witness, whose answers are text: it keeps its own.
routes: Final = [
    Route("/log/checkpoint", naming_the_field(checkpoint, takes=("cosigned", "size"))),
    Route("/log/proof/inclusion", naming_the_field(inclusion, takes=("index", "size", "id", "version"))),
    Route("/log/proof/consistency", naming_the_field(consistency, takes=("old", "new"))),
    Route("/log/entries", naming_the_field(entries, takes=("start", "end", "objects", "bodies"))),
    Route("/log/cosignatures", naming_the_field(cosignatures, takes=()), methods=["POST"]),
    Route("/log/witness/add-checkpoint", witness_add_checkpoint, methods=["POST"]),
]
