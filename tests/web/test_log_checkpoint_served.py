"""Which checkpoint ``GET /log/checkpoint`` serves, and which of a witness's requests make an audit batch.

The log signs a checkpoint after every batch; its witness cosigns one when it next syncs. An auditor is served the
latest checkpoint the witnesses cosigned (``?cosigned=0``: the latest signed, what a witness asks for;
``?size=N``: the one signed at N). A witness's own requests (its cosignatures, a read of entries it may not read
the bodies of) are recorded but wait for a batch with another row, so that its syncs do not feed the log a new
batch each. On both databases, over real HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from sarhad.audit import flush_to_log, list_audit
from sarhad.exchange.peers import add_peer
from sarhad.log.note import parse_note
from sarhad.node import Node
from sarhad.web.auth import create_token
from tests.log.helpers import publish_notes
from tests.web.conftest import serving


@dataclass
class Witnessed:
    pk: Node
    ir: Node
    client: httpx.Client  # IR's peer token on PK
    auditor: httpx.Client  # a viewer token of a party outside the framework, as the docs give an auditor

    def cosign(self, size: int) -> None:
        """IR cosigns PK's checkpoint of ``size`` and returns it, as its sync does."""
        note = self.pk.log.checkpoint(size).note or ""
        cosigned = self.ir.signer.cosigner().cosign_note(note)
        answer = self.client.post("/log/cosignatures", content=cosigned.encode("utf-8"))
        assert answer.status_code == 200, answer.text

    def served(self, *, to_witness: bool = False, **params: object) -> tuple[int, list[str], httpx.Response]:
        """The size of the checkpoint served to the auditor (or to IR's node), the names that signed it, and the
        answer."""
        client = self.client if to_witness else self.auditor
        answer = client.get("/log/checkpoint", params=params)  # type: ignore[arg-type]
        assert answer.status_code == 200, answer.text
        note = parse_note(answer.text)
        return int(note.text.splitlines()[1]), [s.name for s in note.signatures], answer


@pytest.fixture
def witnessed(any_node: Node, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Witnessed]:
    """PK (``any_node``), signed at sizes 6 and 11, served, with IR registered as its peer (its witness)."""
    pk = any_node
    publish_notes(pk, 0, 6)
    publish_notes(pk, 6, 5)
    with Node.init(tmp_path_factory.mktemp("ir"), "IR") as ir:
        add_peer(pk.db, "IR", "http://127.0.0.1:9", ir.signer.vkey, create_token(ir.db, "pk", "peer", "PK"))
        token = create_token(pk.db, "ir", "peer", "IR")
        audit = create_token(pk.db, "auditor", "viewer", "AUDIT")
        with (
            serving(pk) as base,
            httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client,
            httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {audit}"}) as auditor,
        ):
            yield Witnessed(pk, ir, client, auditor)


def test_the_checkpoint_served_is_the_latest_the_witnesses_cosigned(witnessed: Witnessed) -> None:
    w = witnessed
    # No witness has cosigned anything yet: the latest signed, as before.
    assert w.served()[:2] == (11, ["sarhad.pk/log"])
    w.cosign(6)
    size, names, answer = w.served()
    assert (size, names) == (6, ["sarhad.pk/log", "sarhad.ir/log"])
    assert answer.headers["X-Sarhad-Latest-Size"] == "11"
    # What a witness asks for, to cosign it; and any checkpoint the node signed, with its cosignatures.
    assert w.served(cosigned=0)[:2] == (11, ["sarhad.pk/log"])
    assert w.served(size=6)[:2] == (6, ["sarhad.pk/log", "sarhad.ir/log"])
    assert w.served(size=11)[:2] == (11, ["sarhad.pk/log"])
    missing = w.client.get("/log/checkpoint", params={"size": 8})
    assert missing.status_code == 404
    assert "the log signed no checkpoint at size 8 (the nearest sizes it signed are 6 and 11" in missing.text
    w.cosign(11)
    assert w.served()[:2] == (11, ["sarhad.pk/log", "sarhad.ir/log"])


def test_a_witness_alone_makes_no_audit_batch_until_a_read_of_bodies_joins_it(witnessed: Witnessed) -> None:
    w = witnessed
    w.cosign(11)
    # The entries without bodies: what every reader of the log gets, not recorded.
    assert w.client.get("/log/entries", params={"start": 0, "end": 11}).status_code == 200
    assert [r.action for r in list_audit(w.pk.db)] == ["cosignature"]
    # The server's periodic flush leaves the witness's row waiting: no batch, no checkpoint to cosign again.
    assert flush_to_log(w.pk, wait_for_data=True) == 0
    assert w.pk.log.size() == 11
    assert w.served()[:2] == (11, ["sarhad.pk/log", "sarhad.ir/log"])
    # A read of the records' bodies is recorded and logged, the waiting row with it.
    answer = w.client.get("/log/entries", params={"start": 0, "end": 11, "objects": 1})
    assert answer.status_code == 200 and len(answer.json()["objects"]) == 11
    assert [r.action for r in list_audit(w.pk.db)] == ["cosignature", "read"]
    assert list_audit(w.pk.db)[1].target == "/log/entries?start=0&end=11&objects=1"
    assert flush_to_log(w.pk, wait_for_data=True) == 2
    assert w.pk.log.size() == 12
    assert all(r.logged is not None for r in list_audit(w.pk.db))
    # The auditor is still served the checkpoint IR cosigned, not the audit batch's.
    assert w.served()[:2] == (11, ["sarhad.pk/log", "sarhad.ir/log"])


def test_a_peers_node_is_served_the_latest_signed_checkpoint_without_asking(witnessed: Witnessed) -> None:
    """A node of the release before asks for ``/log/checkpoint`` without ``?cosigned=0``: served the cosigned
    checkpoint, it would cosign that one again at every sync and never pull what was logged after it."""
    w = witnessed
    w.cosign(6)
    assert w.served()[:2] == (6, ["sarhad.pk/log", "sarhad.ir/log"])  # the auditor: what the witnesses cosigned
    assert w.served(to_witness=True)[:2] == (11, ["sarhad.pk/log"])  # IR's node: what it is to cosign
    assert w.served(to_witness=True, cosigned=1)[:2] == (6, ["sarhad.pk/log", "sarhad.ir/log"])
    bad = w.client.get("/log/checkpoint", params={"cosigned": "yes"})
    assert bad.status_code == 400 and "cosigned 'yes' must be 0 or 1" in bad.text
