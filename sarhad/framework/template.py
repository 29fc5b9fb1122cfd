"""The founding framework: its template data shipped in the package, loaded into a node as the commitments,
milestones and indicators both parties' records refer to.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from sarhad.errors import ConfigError, NotFound
from sarhad.framework._write import publish, tlp_label
from sarhad.framework.model import extension_definition, object_id, stix_object

if TYPE_CHECKING:
    from sarhad.node import Node

__all__ = ["TEMPLATES", "init_template", "load_template"]


TEMPLATES = ("pk-ir-2025",)


def load_template(name: str) -> dict[str, Any]:
    """The template's data file shipped in the package. Raises NotFound for an unknown template."""
    if name not in TEMPLATES:
        raise NotFound(f"no framework template {name!r}: expected one of {', '.join(TEMPLATES)}")
    text = resources.files("sarhad.framework").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def init_template(node: Node, name: str = "pk-ir-2025", *, tlp: str = "CLEAR") -> dict[str, Any]:
    """Load a founding framework (commitments, milestones, indicators and their sources) into the node.

    Idempotent: loading it again changes nothing. Raises ConfigError when the node's party is not a party to
    the framework.
    """
    tpl = load_template(name)
    fw = tpl["framework"]
    party = node.settings.party
    if party not in fw["parties"]:
        raise ConfigError(f"this node's party {party} is not a party to {fw['code']} ({', '.join(fw['parties'])})")
    tlp = tlp_label(tlp)
    code = fw["code"]
    source = fw["source_refs"][0]
    # The founding records belong to the framework, not to either party: both nodes write identical objects,
    # so an exchange finds them unchanged.
    creator = code
    objects: list[tuple[dict[str, Any], str]] = [(extension_definition(party), "CLEAR")]
    objects.append(
        (
            stix_object(
                "framework",
                (code,),
                creator,
                tlp,
                name=fw["title"],
                template=name,
                template_version=tpl["template_version"],
                **fw,
            ),
            tlp,
        )
    )
    for ordinal, c in enumerate(tpl["commitments"], start=1):
        props = {k: v for k, v in c.items() if k not in ("title", "text", "type")}
        objects.append(
            (
                stix_object(
                    "commitment",
                    (code, c["code"]),
                    creator,
                    tlp,
                    framework=code,
                    ordinal=ordinal,
                    name=c["title"],
                    text_verbatim=c["text"],
                    commitment_type=c["type"],
                    source_ref=source,
                    due_flag="unspecified" if c["due"] == "unspecified" else None,
                    **props,
                ),
                tlp,
            )
        )
    for m in tpl["milestones"]:
        objects.append(
            (
                stix_object(
                    "milestone",
                    (code, m["code"]),
                    creator,
                    tlp,
                    framework=code,
                    code=m["code"],
                    commitment=m["commitment"],
                    commitment_ref=object_id("commitment", code, m["commitment"]),
                    name=m["title"],
                    due=m.get("due"),
                    status="scheduled",
                    changes=[],
                ),
                tlp,
            )
        )
    for i in tpl["indicators"]:
        props = {k: v for k, v in i.items() if k not in ("title",)}
        objects.append(
            (
                stix_object(
                    "indicator",
                    (code, i["code"]),
                    creator,
                    tlp,
                    framework=code,
                    name=i["title"],
                    commitment_ref=object_id("commitment", code, i["commitment"]),
                    **props,
                ),
                tlp,
            )
        )
    versions = publish(node, objects)
    written = sum(v is not None for v in versions)
    return {
        "framework": code,
        "template": name,
        "commitments": len(tpl["commitments"]),
        "milestones": len(tpl["milestones"]),
        "indicators": len(tpl["indicators"]),
        "written": written,
        "unchanged": len(versions) - written,
        "due_unspecified": [c["code"] for c in tpl["commitments"] if c["due"] == "unspecified"],
    }
