"""The transparency-dev/merkle conformance probes (tests/assets/merkle), run against sarhad's verifiers."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from sarhad.errors import VerificationError
from sarhad.log import merkle

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "merkle"

# Under sarhad's size-0 policy (C2SP tlog-witness: from size 0, an empty proof and SHA-256("") as the old
# root), these probes verify although the Go library rejects every size1 = 0. Each is listed with why.
SIZE0_POLICY_ACCEPTS = {
    "consistency/additional/size1-is-zero-and-size2-is-not-zero.json": (
        "0 -> 1 with an empty proof and the empty-tree root: every tree extends the empty tree"
    ),
}


def _probes(kind: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted((ASSETS / kind).rglob("*.json")):
        out.append((path.relative_to(ASSETS).as_posix(), json.loads(path.read_text(encoding="utf-8"))))
    return out


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(value: list[str] | None) -> list[bytes]:
    return [base64.b64decode(h) for h in value or []]


INCLUSION = _probes("inclusion")
CONSISTENCY = _probes("consistency")


def test_all_probes_are_present() -> None:
    assert len(INCLUSION) == 98
    assert len(CONSISTENCY) == 98
    assert (ASSETS / "LICENSE").read_text(encoding="utf-8").lstrip().startswith("Apache License")


@pytest.mark.parametrize(("name", "probe"), INCLUSION, ids=[n for n, _ in INCLUSION])
def test_inclusion_probe(name: str, probe: dict[str, Any]) -> None:
    args = (_b64(probe["leafHash"]), probe["leafIdx"], probe["treeSize"], _proof(probe["proof"]), _b64(probe["root"]))
    if probe["wantErr"]:
        with pytest.raises(VerificationError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize(("name", "probe"), CONSISTENCY, ids=[n for n, _ in CONSISTENCY])
def test_consistency_probe(name: str, probe: dict[str, Any]) -> None:
    args = (
        probe["size1"],
        probe["size2"],
        _proof(probe["proof"]),
        _b64(probe["root1"]),
        _b64(probe["root2"]),
    )
    want_err = probe["wantErr"] and name not in SIZE0_POLICY_ACCEPTS
    if want_err:
        with pytest.raises(VerificationError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


def test_size0_deviations_are_exactly_the_documented_ones() -> None:
    # Every deviation from the Go library's verdicts is a size1 = 0 probe that our policy accepts on purpose.
    deviating = set()
    for name, probe in CONSISTENCY:
        try:
            merkle.verify_consistency(
                probe["size1"], probe["size2"], _proof(probe["proof"]), _b64(probe["root1"]), _b64(probe["root2"])
            )
            accepted = True
        except VerificationError:
            accepted = False
        if accepted == probe["wantErr"]:
            deviating.add(name)
            assert probe["size1"] == 0
    assert deviating == set(SIZE0_POLICY_ACCEPTS)
