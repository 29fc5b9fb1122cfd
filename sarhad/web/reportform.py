"""The dashboard's report form: the code lists it offers, and an own record restated as the body that corrects it.

An analyst of the node's party reports the agency's own incident from the dashboard: the page posts the body of
``POST /api/incidents`` (:data:`sarhad.web.openapi.NEW_INCIDENT`), and posting the same ``source_id`` again makes
a new version of that record, which is how a report is corrected. This module serves the page what it fills the
form with:

* ``GET /api/dashboard/codes``: the GTD attack, target and weapon types sarhad stores (:mod:`sarhad.model.codes`),
  the date and place precisions, TLP levels, figure measures and categories, attributions, the provinces and
  districts of the gazetteer (:mod:`sarhad.geo.gazetteer`) and the armed groups of the alias registry
  (:mod:`sarhad.model.actors`). The same for every principal: nothing in it comes from the records.
* :func:`report_body`: an own record as that body, for the incident detail's "Correct" (:func:`correctable`
  says which records the form may correct: the node's party's own reports, not a peer's or a dataset's).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sarhad.model.codes import (
    ATTACK_TYPES,
    DATE_PRECISIONS,
    GEO_PRECISIONS,
    TARGET_TYPES,
    TLP_LEVELS,
    WEAPON_TYPES,
)
from sarhad.model.figures import CATEGORIES, MEASURES
from sarhad.model.incident import ATTRIBUTIONS, Incident
from sarhad.web.auth import Principal
from sarhad.web.context import naming_the_field

__all__ = ["OWN_DATASET", "codes", "correctable", "report_body", "routes"]

OWN_DATASET: Final = "party"
"""The dataset of the records a party reports itself (``POST /api/incidents``, ``import --reported-by``)."""


@cache
def _codes() -> dict[str, Any]:
    from sarhad.geo._data import gazetteer_data
    from sarhad.geo.gazetteer import district_seats
    from sarhad.model.actors import all_actors

    provinces = sorted(
        ({"code": code, "name": name, "country": country} for code, name, country, *_ in gazetteer_data()["provinces"]),
        key=lambda p: (p["country"], p["name"]),
    )
    seen: set[tuple[str, str]] = set()
    districts = []
    for d in district_seats():  # a district named twice (curated and from the seats) is offered once
        if (d.admin1_code, d.name) in seen:
            continue
        seen.add((d.admin1_code, d.name))
        districts.append(
            {
                "name": d.name,
                "kind": d.kind,
                "country": d.country,
                "admin1_code": d.admin1_code,
                "lat": d.lat,
                "lon": d.lon,
            }
        )
    districts.sort(key=lambda d: (d["country"], d["admin1_code"], d["name"]))
    actors = sorted((a for a in all_actors() if a.kind != "state_label"), key=lambda a: a.name)
    groups = [{"name": a.name, "short": a.short} for a in actors]
    return {
        "attack_types": list(ATTACK_TYPES.values()),
        "target_types": list(TARGET_TYPES.values()),
        "weapon_types": list(WEAPON_TYPES.values()),
        "date_precisions": list(DATE_PRECISIONS),
        "geo_precisions": list(GEO_PRECISIONS),
        "tlp_levels": list(TLP_LEVELS),
        "measures": list(MEASURES),
        "categories": list(CATEGORIES),
        "attributions": list(ATTRIBUTIONS),
        "provinces": provinces,
        "districts": districts,
        "groups": groups,
    }


async def codes(request: Request) -> Response:
    """The code lists of the report form (the same for every principal; built once per process)."""
    return JSONResponse(_codes(), headers={"Cache-Control": "private, max-age=3600"})


def correctable(inc: Incident, principal: Principal, party: str) -> bool:
    """Whether ``principal`` may correct ``inc`` from the form: a principal of ``party`` (the node's) who may
    write, and ``inc`` one of that party's own reports (a peer's record or a dataset's row is theirs to correct,
    and posting its reference would make a new record of this party instead)."""
    own = inc.dataset == OWN_DATASET and inc.reported_by == party
    return own and principal.may_write and principal.party == party


def report_body(inc: Incident) -> dict[str, Any]:
    """``inc`` as the body of ``POST /api/incidents`` that restates it: posting it back unchanged changes nothing,
    and posting it changed makes the record's next version (same ``source_id``). Figures keep their rule when it
    is not the form's ``party_official``; a field the record lacks is left out."""
    place = {k: v for k, v in inc.place.to_dict().items() if v is not None and k != "border_km"}
    figures = []
    for f in inc.figures:
        figure: dict[str, Any] = {"measure": f.measure, "category": f.category, "low": f.low, "best": f.best,
                                  "high": f.high}  # fmt: skip
        if f.rule != "party_official":
            figure["rule"] = f.rule
        if f.zero_ambiguous:
            figure["zero_ambiguous"] = True
        figures.append(figure)
    body: dict[str, Any] = {
        "source_id": inc.source_id,
        "date_start": inc.date_start,
        "date_end": inc.date_end,
        "date_precision": inc.date_precision,
        "place": place,
        "attack_types": list(inc.attack_types),
        "target_types": list(inc.target_types),
        "weapon_types": list(inc.weapon_types),
        "perpetrators": [{"name": p.name, "attribution": p.attribution} for p in inc.perpetrators],
        "figures": figures,
        "sources": list(inc.sources),
        "title": inc.title,
        "summary": inc.summary,
        "tlp": inc.tlp,
    }
    if inc.recipients:
        body["recipients"] = list(inc.recipients)
    return body


def routes() -> list[BaseRoute]:
    """The form's routes (the app's authentication applies)."""
    return [Route("/api/dashboard/codes", naming_the_field(codes, takes=()))]
