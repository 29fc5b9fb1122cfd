"""Pull STIX objects from any TAXII 2.1 server into the node, through the publish path.

Every object is checked (:func:`sarhad.formats.stix.check_object`: a sarhad incident must carry its
extension and pass its schema) before anything is stored; then incidents and other objects are published in
one transaction, so they are logged and covered by one new signed checkpoint, and a failure stores nothing.
Objects sarhad derives from incidents (identities, locations, threat-actors, relationships, TLP markings, its
extension-definition) are recomputed on this node, not copied, exactly as ``import stix`` does.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sarhad._internal.words import counted
from sarhad.exchange.client import TaxiiClient
from sarhad.formats.stix import check_object, derived_objects, tlp_of
from sarhad.model.incident import SARHAD_EXTENSION, Incident, identity_id

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["PullResult", "publish_stix", "pull_collection"]


@dataclass(frozen=True, slots=True)
class PullResult:
    """What one pull did."""

    collection: str
    fetched: int
    pages: int
    incidents: int
    objects: int
    derived: int
    added: int
    updated: int
    unchanged: int
    last_added: str | None
    seconds: float

    def summary(self) -> str:
        """A one-line summary for the CLI."""
        return (
            f"pulled {counted(self.fetched, 'object')} in {counted(self.pages, 'page')} from {self.collection}:"
            f" {counted(self.incidents, 'incident')}, {counted(self.objects, 'other object')} ({self.added} added,"
            f" {self.updated} updated, {self.unchanged} unchanged; {counted(self.derived, 'derived object')}"
            f" recomputed) in {self.seconds:.2f} s"
        )

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values (seconds to the millisecond, as import's and sync's)."""
        return {name: round(self.seconds, 3) if name == "seconds" else getattr(self, name) for name in self.__slots__}


def _is_derived(obj: Mapping[str, Any], derived_ids: set[str]) -> bool:
    if obj["type"] == "marking-definition" or obj["id"] == SARHAD_EXTENSION:
        return True
    if obj["type"] == "identity" and obj["id"] == identity_id(str(obj.get("name", ""))):
        return True
    return obj["id"] in derived_ids


def publish_stix(node: Node, objects: list[dict[str, Any]], where: str) -> tuple[int, int, int, int, int, int]:
    """Check and publish STIX ``objects`` in one transaction; ``where`` names their source in messages.

    Returns (incidents, other objects, derived skipped, added, updated, unchanged). Raises InvalidInput
    naming the first bad object; nothing is stored then.
    """
    for i, obj in enumerate(objects):
        check_object(obj, f"{where} object {i}")
    incidents = [o for o in objects if o["type"] == "incident"]
    derived_ids = {d["id"] for inc in incidents for d in derived_objects(inc)}
    others = [o for o in objects if o["type"] != "incident" and not _is_derived(o, derived_ids)]
    with node.publisher() as pub:
        for obj in incidents:
            pub.add(Incident.from_stix(obj))
        for obj in others:
            pub.add_object(dict(obj), tlp=tlp_of(obj))
    r = pub.result
    derived = len(objects) - len(incidents) - len(others)
    return len(incidents), len(others), derived, r.added, r.updated, r.unchanged


def pull_collection(
    node: Node,
    client: TaxiiClient,
    collection: str,
    *,
    api_root: str | None = None,
    added_after: str | None = None,
    limit: int | None = None,
) -> PullResult:
    """Fetch every object of ``collection`` (id, alias or title) and publish it on ``node``.

    ``api_root`` defaults to the server's default root. ``added_after`` fetches only what the server added
    after that date (the ``last_added`` of a previous pull). Raises ExchangeError when the server fails or
    answers badly, NotFound for an unknown collection, InvalidInput for a malformed object.
    """
    started = time.perf_counter()
    root = api_root or client.default_api_root()
    coll = client.find_collection(root, collection)
    url = client.collection_url(root, str(coll["id"]))
    objects: list[dict[str, Any]] = []
    pages = 0
    last_added: str | None = None
    for page in client.object_pages(url, added_after=added_after, limit=limit):
        pages += 1
        objects.extend(page.items)
        last_added = page.date_added_last or last_added
    incidents, others, derived, added, updated, unchanged = publish_stix(node, objects, url)
    return PullResult(
        collection=url,
        fetched=len(objects),
        pages=pages,
        incidents=incidents,
        objects=others,
        derived=derived,
        added=added,
        updated=updated,
        unchanged=unchanged,
        last_added=last_added,
        seconds=time.perf_counter() - started,
    )
