"""``sarhad geo``: where a point is, where a place name is, and what the border line is."""

from __future__ import annotations

import typer

from sarhad.cli._shared import console, country_code, print_json, print_table

__all__ = ["geo_app"]

geo_app = typer.Typer(
    name="geo",
    help="Offline geography: border distance, province, crossings, place names.",
    no_args_is_help=True,
)


@geo_app.command("where")
def where_cmd(
    lat: float = typer.Argument(..., help="Latitude, decimal degrees (WGS84)."),
    lon: float = typer.Argument(..., help="Longitude, decimal degrees (WGS84)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Country, province, distance to the Pakistan-Iran border and the nearest crossing of a point."""
    from sarhad.geo import where

    w = where(lat, lon)
    if as_json:
        print_json(w.to_dict())
        return
    side = {"PK": "Pakistani side", "IR": "Iranian side"}.get(w.side or "", f"in {w.side}" if w.side else "")
    place = ", ".join(p for p in (w.admin1, w.country) if p) or "outside the mapped countries"
    console.print(
        f"{w.lat:.5f}, {w.lon:.5f}: {place}{' (disputed)' if w.disputed else ''}; "
        f"{w.border_km:.1f} km from the Pakistan–Iran border{', ' + side if side else ''}; "
        f"nearest crossing {w.nearest_crossing.name} ({w.nearest_crossing.km:.1f} km)",
        highlight=False,
    )


@geo_app.command("find")
def find_cmd(
    name: str = typer.Argument(..., help="A place name, e.g. 'Pishin', 'Kech district', 'the Taftan border'."),
    country: str = typer.Option(None, "--country", help="Country context (code or name): PK, IR, AF …"),
    admin1: str = typer.Option(None, "--admin1", help="Province context, e.g. Balochistan."),
    limit: int = typer.Option(5, "--limit", min=1, help="At most this many candidates."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Geocode a place name: ranked candidates with a confidence."""
    from sarhad.geo import find

    found = find(name, country=country_code(country), admin1=admin1, limit=limit)
    if as_json:
        print_json([c.to_dict() for c in found])
        return
    if not found:
        from sarhad.errors import NotFound

        raise NotFound(f"no place named {name!r} in the gazetteer (GeoNames places of PK, IR, AF and aliases)")
    print_table(
        ["name", "kind", "country", "admin1", "lat", "lon", "population", "confidence"],
        [
            [
                c.name,
                c.kind,
                c.country,
                c.admin1,
                f"{c.lat:.4f}",
                f"{c.lon:.4f}",
                c.population or "",
                f"{c.confidence:.2f}",
            ]
            for c in found
        ],
    )


@geo_app.command("border")
def border_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The Pakistan-Iran border line sarhad measures against: length, source, licence."""
    from sarhad.geo import border_info

    b = border_info()
    if as_json:
        print_json(b.to_dict())
        return
    console.print(
        f"{b.name}: {b.length_km:.1f} km geodesic ({b.vertices} vertices; the source line is "
        f"{b.source_length_km:.1f} km, the official figure {b.official_length_km:.0f} km)\n"
        f"source: {b.source}\nlicence: {b.licence}, {b.attribution}",
        highlight=False,
    )


@geo_app.command("crossings")
def crossings_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The official Pakistan-Iran border crossings, with how well each location is known."""
    from sarhad.geo import crossings

    cs = crossings()
    if as_json:
        print_json([c.to_dict() for c in cs])
        return
    print_table(
        ["name", "lat", "lon", "confidence", "PK district", "IR county", "status"],
        [[c.name, f"{c.lat:.4f}", f"{c.lon:.4f}", c.confidence, c.pk_district, c.ir_county, c.status] for c in cs],
    )
