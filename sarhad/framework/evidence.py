"""The framework's evidence: files copied read-only into the node home (or links), with their SHA-256 and chain of
custody; resolving the references other records cite, and re-hashing the copies.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sarhad.errors import InvalidInput, NotFound
from sarhad.framework._write import current_version, now_stamp, publish, resolve_party, tlp_label
from sarhad.framework.model import EVIDENCE_KINDS, object_id, stix_object
from sarhad.framework.store import load
from sarhad.store.like import LIKE_ESCAPE, like_literal

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["EVIDENCE_DIR", "add_evidence", "resolve_evidence", "verify_evidence"]


EVIDENCE_DIR = "evidence"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def resolve_evidence(node: Node, ids: list[str] | None) -> list[str]:
    """Evidence STIX ids from ids, codes (``E-…``) or unique prefixes (of the id's UUID, or 8+ hex digits of
    the SHA-256).

    What the user typed is a prefix as written: its ``%`` and ``_`` are not wildcards, so ``--evidence %`` finds
    nothing rather than whatever evidence the node holds. Raises InvalidInput for an empty reference or a prefix
    of several items (naming them), NotFound when nothing matches.
    """
    out: list[str] = []
    for ref in ids or []:
        ref = ref.strip()
        if not ref:
            raise InvalidInput("an evidence reference is empty: give an evidence id, code (E-…) or id prefix")
        sha_prefix = like_literal(ref.lower()) + "%" if len(ref) >= 8 else None  # NULL: no match
        rows = node.db.fetchall(
            "SELECT id FROM fw_evidence WHERE id = ? OR UPPER(code) = UPPER(?)"
            f" OR id LIKE ? ESCAPE '{LIKE_ESCAPE}' OR sha256 LIKE ? ESCAPE '{LIKE_ESCAPE}'",
            (ref, ref, like_literal(f"x-sarhad-evidence--{ref}") + "%", sha_prefix),
        )
        ids_found = sorted({r[0] for r in rows})
        if not ids_found:
            raise NotFound(f"no evidence {ref!r}: add it first with 'sarhad evidence add FILE --kind …'")
        if len(ids_found) > 1:
            raise InvalidInput(f"evidence {ref!r} is ambiguous: {', '.join(ids_found)}")
        out.append(ids_found[0])
    return out


def _sha256(path: Path) -> tuple[str, int]:
    """The SHA-256 (hex) and size in bytes of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def add_evidence(
    node: Node,
    source: str | Path,
    kind: str,
    *,
    incidents: list[str] | None = None,
    title: str | None = None,
    party: str | None = None,
    language: str | None = None,
    sha256: str | None = None,
    tlp: str = "GREEN",
    captured_at: str | None = None,
) -> dict[str, Any]:
    """Add a file (copied, read-only, into the node home's ``evidence/`` folder) or a link as evidence.

    A file's SHA-256 and size are stored; the id is stable from the hash, so adding the same file again adds
    the new incident links only. Raises InvalidInput for an unknown kind, a missing file or a folder, NotFound
    for an unknown incident.
    """
    kind = kind.strip().lower()
    if kind not in EVIDENCE_KINDS:
        raise InvalidInput(f"evidence kind {kind!r} is not one of {', '.join(EVIDENCE_KINDS)}")
    data = load(node.db)
    submitted_by = resolve_party(data, node, party)
    refs: list[str] = []
    for inc in incidents or []:
        row = node.db.fetchone("SELECT id FROM incidents WHERE id = ? OR source_id = ?", (inc, inc))
        if row is None:
            raise NotFound(f"no incident {inc!r} on this node (see 'sarhad incidents list')")
        refs.append(str(row[0]))
    text = str(source)
    url = text if re.match(r"^https?://", text) else None
    path: Path | None = None
    size: int | None = None
    if url is None:
        path = Path(text)
        if path.is_dir():
            raise InvalidInput(f"{path}: a folder, not a file")
        if not path.is_file():
            raise InvalidInput(f"{path}: no such file")
        digest, size = _sha256(path)
        if sha256 and sha256.lower() != digest:
            raise InvalidInput(f"{path}: SHA-256 is {digest}, not the {sha256} given")
    else:
        if sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
            raise InvalidInput(f"--sha256 {sha256!r} is not 64 hex digits")
        digest = sha256.lower() if sha256 else None  # type: ignore[assignment]
    key = digest or url or ""
    code = "E-" + (digest or hashlib.sha256(key.encode()).hexdigest())[:10]
    oid = object_id("evidence", key)
    before = current_version(node, oid)
    refs = sorted(set(refs) | set(before.get("incident_refs", []) if before else []))
    if before is not None and refs == sorted(before.get("incident_refs", [])):
        copy = node.settings.home / before["file"] if before.get("file") else None
        if copy is None or copy.is_file():  # nothing new: the same content, the same links
            return {"id": oid, "code": before["code"], "sha256": digest, "size": before.get("size"),
                    "kind": before["kind"], "file": before.get("file"), "url": before.get("url"),
                    "incidents": refs, "changed": False}  # fmt: skip
    rel: str | None = None
    target: Path | None = None
    if path is not None and digest:
        name = _SAFE.sub("_", path.name).strip("._") or "file"
        rel = f"{EVIDENCE_DIR}/{digest}/{name}"
        target = node.settings.home / rel
        if before and before.get("file"):
            rel = before["file"]
            target = node.settings.home / str(rel)
    now = now_stamp()
    custody = list(before.get("custody_log", [])) if before else []
    custody.append(
        {
            "at": now,
            "by": node.settings.party,
            "action": "added" if before is None else "re-added with incident links",
            **({"original_name": path.name} if path is not None else {}),
        }
    )
    stix = stix_object(
        "evidence",
        (key,),
        node.settings.party,
        tlp_label(tlp),
        code=code,
        name=title or (before or {}).get("name") or (path.name if path else url),
        kind=kind,
        sha256=digest,
        size=size,
        media_type=(mimetypes.guess_type(path.name)[0] if path else None),
        file=rel,
        url=url,
        captured_at=(before or {}).get("captured_at") or captured_at or now,
        submitted_by=submitted_by,
        language=language,
        incident_refs=refs,
        custody_log=custody,
    )
    copied = False
    try:
        if path is not None and target is not None and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            target.chmod(0o444)  # the evidentiary copy is never edited (Berkeley Protocol)
            copied = True
        (version,) = publish(node, [(stix, tlp_label(tlp))])
    except BaseException:
        if copied and target is not None:
            target.chmod(0o644)
            target.unlink(missing_ok=True)
        raise
    return {
        "id": oid,
        "code": code,
        "sha256": digest,
        "size": size,
        "kind": kind,
        "file": rel,
        "url": url,
        "incidents": refs,
        "changed": version is not None,
    }


def verify_evidence(node: Node) -> list[dict[str, Any]]:
    """Re-hash every evidence file in the node home; each entry says ok, missing or altered."""
    data = load(node.db)
    out = []
    for e in data.evidence:
        if not e.get("file"):
            out.append({"id": e["id"], "code": e["code"], "result": "link"})
            continue
        path = node.settings.home / e["file"]
        if not path.is_file():
            out.append({"id": e["id"], "code": e["code"], "result": "missing"})
            continue
        digest, _ = _sha256(path)
        out.append({"id": e["id"], "code": e["code"], "result": "ok" if digest == e.get("sha256") else "altered"})
    return out
