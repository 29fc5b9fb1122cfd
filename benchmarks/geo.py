"""Benchmark sarhad's offline geography: ``python benchmarks/geo.py [--points N] [--names N]``.

Prints a table: loading the geography (time and memory), signed border distance and province lookup for N
random points (default 1,000,000) spread over Pakistan, Iran and Afghanistan, half of them within 60 km of
the border, and geocoding of news-style names.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NAMES = [
    "Quetta", "Turbat", "Kech district", "Gwadar", "Panjgur", "the Taftan border", "Zahedan", "Saravan",
    "Chabahar", "Sistan-Baluchestan province", "North Waziristan", "Miranshah", "Peshawar", "Pishin",
    "Khash", "Iranshahr", "Mastung", "Bannu", "Dera Ismail Khan", "Mand", "Rask", "Mirjaveh", "KPK",
    "Balochistan", "Nowhere-town",
]  # fmt: skip


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def points(n: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Half uniform over 44-75°E, 24-38°N; half within about 60 km of the border line."""
    from sarhad.geo._data import border_collection

    rng = np.random.default_rng(seed)
    far = n // 2
    lat = rng.uniform(24.0, 38.0, far)
    lon = rng.uniform(44.0, 75.0, far)
    line = np.asarray(border_collection()["features"][0]["geometry"]["coordinates"])
    k = rng.integers(0, len(line), n - far)
    lat2 = line[k, 1] + rng.uniform(-0.55, 0.55, n - far)
    lon2 = line[k, 0] + rng.uniform(-0.6, 0.6, n - far)
    return np.concatenate([lat, lat2]), np.concatenate([lon, lon2])


class Clock:
    """Wall-clock and CPU time of a block: on a shared machine the wall clock also measures the neighbours."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def rate(self, n: int, unit: str) -> str:
        return f"{n / self.wall:,.0f} {unit}/s (CPU: {n / self.cpu:,.0f} {unit}/s)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--names", type=int, default=200_000)
    args = ap.parse_args()

    rows: list[tuple[str, Clock, str]] = []
    rss0 = rss_mb()
    with Clock() as c:
        import sarhad.geo as geo
        from sarhad.geo import _data
        from sarhad.geo.border import border_index

        _data.regions()
        border_index()
        geo.where(28.95, 61.59)
    rows.append(("load geography (regions, raster, border index, crossings)", c,
                 f"+{rss_mb() - rss0:.0f} MB RSS (peak {rss_mb():.0f} MB)"))  # fmt: skip
    with Clock() as c:
        geo.find("Quetta")
    rows.append(("load gazetteer index", c, f"peak {rss_mb():.0f} MB RSS"))

    lat, lon = points(args.points)
    gc.collect()
    with Clock() as c:
        km = geo.signed_border_distances(lat, lon)
    rows.append((f"signed border distance, {args.points:,} points", c, c.rate(args.points, "points")))
    with Clock() as c:
        located = geo.locate_arrays(lat, lon)
    rows.append((f"country + province lookup, {args.points:,} points", c, c.rate(args.points, "points")))
    with Clock() as c:
        geo.locate_many(lat, lon)
    rows.append((f"locate_many (list of tuples), {args.points:,} points", c, c.rate(args.points, "points")))
    near = int((np.abs(km) <= 5).sum())
    pk = int((located[0] == "PK").sum())

    names = [NAMES[i % len(NAMES)] for i in range(args.names)]
    countries = [("PK", "IR", None)[i % 3] for i in range(args.names)]
    with Clock() as c:
        for name, cc in zip(names, countries, strict=True):
            geo.find(name, country=cc)
    rows.append((f"geocoding, {args.names:,} names (with a country hint for 2/3)", c, c.rate(args.names, "names")))

    w = max(len(r[0]) for r in rows)
    print(f"{'operation':<{w}}  {'wall s':>8}  {'CPU s':>8}  rate / memory")
    print(f"{'-' * w}  {'-' * 8}  {'-' * 8}  {'-' * 24}")
    for op, clock, rate in rows:
        print(f"{op:<{w}}  {clock.wall:>8.3f}  {clock.cpu:>8.3f}  {rate}")
    print(f"peak memory of the whole run: {rss_mb():.0f} MB RSS")
    print(f"(sanity: {near:,} points within 5 km of the border, {pk:,} in Pakistan)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
