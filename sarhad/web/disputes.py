"""The JSON API's dispute register: ``GET /api/disputes`` (the dashboard's framework panel shows its open ones).

Each dispute is a row of :func:`sarhad.framework.views.dispute_table` written for the principal who asks: only
the disputes and evidence it may read (its TLP rules), and each position's cited evidence it may not read shown
as withheld (its id, and the party, marking and logged SHA-256 the log already shows), never its content.
"""

from __future__ import annotations

import re
from typing import Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sarhad.errors import InvalidInput, NotFound
from sarhad.web.context import Context, principal_of

__all__ = ["QUARTER_PATTERN", "routes"]

_PARAMETERS: Final = ("quarter", "open")
QUARTER_PATTERN: Final = "^[0-9]{4}-?[Qq][1-4]$"
"""The ``quarter`` parameter (``2026Q1``, ``2026-Q1``), as the description publishes it and the route checks it."""


async def disputes(request: Request) -> Response:
    """``{"disputes": [...]}``, by code; ``quarter=YYYYQn`` narrows to a quarter, ``open=true`` to the disputes
    not resolved. A node with no framework answers an empty list."""
    from sarhad.framework.views import dispute_table

    for name in request.query_params:
        if name not in _PARAMETERS:
            raise InvalidInput(f"unknown query parameter {name!r}; expected one of {', '.join(_PARAMETERS)}")
    flag = request.query_params.get("open", "false")
    if flag not in ("true", "false"):
        raise InvalidInput(f"open {flag!r} must be true or false")
    quarter = request.query_params.get("quarter")
    if quarter is not None and not re.fullmatch(QUARTER_PATTERN, quarter):
        raise InvalidInput(f"quarter {quarter!r} is not of the form YYYYQn, e.g. 2026Q1")
    ctx = Context.of(request)
    try:
        rows = dispute_table(
            ctx.db,
            quarter=quarter,
            open_only=flag == "true",
            readable=ctx.read_clause(principal_of(request)),
        )
    except NotFound:
        rows = []
    return JSONResponse({"disputes": rows})


routes: Final = [Route("/api/disputes", disputes)]
