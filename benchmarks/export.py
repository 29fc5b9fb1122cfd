"""Export benchmark: a node of N incidents written out in each export format, against writing the same rows with
pyarrow (the CSV formats) or Python's ``json`` (the JSON formats).

Usage::

    python benchmarks/export.py [--rows N] [--formats csv,geojson,ucdp,acled,stix] [--postgres URL] [--keep DIR]
                                [--json]

Generates ``--rows`` ACLED-format rows (default 100,000) with ``benchmarks/acled_synth.py`` and imports them
into a fresh SQLite node (and, with ``--postgres URL``, into a fresh PostgreSQL schema, dropped afterwards), as
``benchmarks/import.py`` does. Then, each in a child process of its own so that its peak memory (RSS high-water
since its exec, ``VmHWM``: see ``sarhad._internal.memory``) is its own, it exports the node in each of
``--formats`` (any of csv, geojson, ucdp, gtd, acled, stix) with the library call ``sarhad export FORMAT --out
FILE`` makes (:func:`sarhad.exporter.export`, :func:`sarhad.formats.stix.export_stix`), and prints wall and CPU
seconds, rows/s, peak RSS and the file's size.

The peer, measured in the same run on the file the SQLite export wrote, writes the same rows again:

* for a CSV format (csv, ucdp, gtd, acled), ``pyarrow.csv.write_csv`` of the table read from that file (every
  column read as text, so it writes the same cells; the read is not timed). pyarrow's writer is the fastest
  ordinary way to write a table to CSV from Python: C++ throughout, no Python per row. It quotes every text
  cell, so its file is larger by a tenth or so;
* for a JSON format (geojson, stix), ``json.dumps`` of the document read from that file (the read is not
  timed), written to a file: the same document (for stix the same bytes: ``indent=1``, which makes ``json``
  use its Python encoder, as sarhad's own ``json.dumps`` of each object does; for geojson one line, where
  sarhad writes a feature a line). pyarrow writes no JSON, and ``json`` is what sarhad's own writers call, so
  this is what the formatting itself costs, with the whole document in memory and no query, no parsing of
  stored objects and no conversion.

For the CSV formats it also shows Python's ``csv.writer`` writing the same rows (held in a list), which is what
sarhad's CSV exporters write with: the part of their time that is writing, not reading and converting.

A peer holds all its rows in memory (its peak RSS says how much); sarhad's exports stream. The ratios are
sarhad's wall time over the peer's, then its CPU time over the peer's (the steadier on a busy machine, where a
run of a tenth of a second is much changed by waiting for a CPU): no goal is set for exports, so none is
checked. This is a benchmark, not a test: it exits 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _measure import cpu, peak_mb, run_child, stored_bytes

FORMATS: Final = ("csv", "geojson", "ucdp", "gtd", "acled", "stix")
DEFAULT_FORMATS: Final = "csv,geojson,ucdp,acled,stix"
JSON_FORMATS: Final = ("geojson", "stix")


# -- what each child process does ---------------------------------------------------------------------
def child_build(path: Path, home: Path, database_url: str | None) -> dict[str, Any]:
    """A fresh node at ``home`` with the ACLED file at ``path`` imported (what the exports read)."""
    from sarhad.importer import import_file
    from sarhad.node import Node
    from sarhad.store.incidents import count_incidents

    node = Node.init(home, "PK", database_url=database_url)
    try:
        used, start = cpu(), time.perf_counter()
        result = import_file(node, "acled", path)
        seconds = time.perf_counter() - start
        return {"rows": result.rows, "stored": count_incidents(node.db), "seconds": seconds, "cpu": cpu() - used,
                "db_bytes": stored_bytes(node)}  # fmt: skip
    finally:
        node.close()


def child_export(home: Path, fmt: str, out: Path) -> dict[str, Any]:
    """Export the node at ``home`` to ``out`` in ``fmt`` and measure it."""
    from sarhad.config import load_settings
    from sarhad.exporter import export
    from sarhad.formats.stix import export_stix
    from sarhad.node import Node

    node = Node.open(load_settings(home))
    try:
        base = peak_mb()
        used, start = cpu(), time.perf_counter()
        objects = None
        if fmt == "stix":
            done = export_stix(node, out)
            rows, objects = done.incidents, done.objects
        else:
            rows = export(node, fmt, out)
        seconds = time.perf_counter() - start
        return {"rows": rows, "objects": objects, "seconds": seconds, "cpu": cpu() - used, "peak_mb": peak_mb(),
                "base_mb": base, "file_bytes": out.stat().st_size}  # fmt: skip
    finally:
        node.close()


def child_pyarrow(path: Path, out: Path) -> dict[str, Any]:
    """``pyarrow.csv.write_csv`` of the CSV file at ``path`` (read untimed, every column as text) to ``out``."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    with path.open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    table = pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string())),
    )
    base = peak_mb()
    used, start = cpu(), time.perf_counter()
    pacsv.write_csv(table, out)
    seconds = time.perf_counter() - start
    return {"rows": table.num_rows, "seconds": seconds, "cpu": cpu() - used, "peak_mb": peak_mb(), "base_mb": base,
            "file_bytes": out.stat().st_size}  # fmt: skip


def child_csv_writer(path: Path, out: Path) -> dict[str, Any]:
    """Python's ``csv.writer`` writing the rows of the CSV file at ``path`` (read untimed into a list) to ``out``:
    what the writing alone costs sarhad's exporters, which use it."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    base = peak_mb()
    used, start = cpu(), time.perf_counter()
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    seconds = time.perf_counter() - start
    return {"rows": len(rows) - 1, "seconds": seconds, "cpu": cpu() - used, "peak_mb": peak_mb(), "base_mb": base,
            "file_bytes": out.stat().st_size}  # fmt: skip


def child_json(path: Path, out: Path, fmt: str) -> dict[str, Any]:
    """``json.dumps`` of the document at ``path`` (read untimed) written to ``out``: a bundle as sarhad writes it
    (``indent=1``), a GeoJSON collection on one line."""
    with path.open(encoding="utf-8") as fh:
        doc = json.load(fh)
    if fmt == "stix":
        rows = sum(1 for obj in doc["objects"] if obj.get("type") == "incident")
    else:
        rows = len(doc["features"])
    base = peak_mb()
    used, start = cpu(), time.perf_counter()
    text = json.dumps(doc, ensure_ascii=False, indent=1 if fmt == "stix" else None)
    with out.open("w", encoding="utf-8") as fh:
        fh.write(text + "\n")
    seconds = time.perf_counter() - start
    return {"rows": rows, "seconds": seconds, "cpu": cpu() - used, "peak_mb": peak_mb(), "base_mb": base,
            "file_bytes": out.stat().st_size}  # fmt: skip


# -- the benchmark -------------------------------------------------------------------------------------
def _peer_name(fmt: str) -> str:
    return f"json.dumps ({fmt})" if fmt in JSON_FORMATS else f"pyarrow.csv.write_csv ({fmt})"


def _exports(home: Path, formats: list[str], work: Path, store: str, *, peers: bool) -> dict[str, dict[str, Any]]:
    """Each format exported from the node at ``home`` (and, with ``peers``, its peer run on the file), each file
    removed once measured."""
    results: dict[str, dict[str, Any]] = {}
    for fmt in formats:
        print(f"exporting {fmt} ({store})…", file=sys.stderr)
        out = work / f"export_{uuid.uuid4().hex[:8]}.{fmt}"
        results[f"sarhad export {fmt} ({store})"] = _measured(fmt, "export", str(home), fmt, str(out))
        if peers and out.exists():
            copy = work / f"peer_{uuid.uuid4().hex[:8]}.{fmt}"
            kind = "json" if fmt in JSON_FORMATS else "pyarrow"
            results[_peer_name(fmt)] = _measured(fmt, kind, str(out), str(copy), fmt)
            copy.unlink(missing_ok=True)
            if kind == "pyarrow":
                results[f"csv.writer, Python ({fmt})"] = _measured(fmt, "csv-writer", str(out), str(copy))
                copy.unlink(missing_ok=True)
        out.unlink(missing_ok=True)
    return results


def _measured(fmt: str, kind: str, *args: str) -> dict[str, Any]:
    """One measurement's figures; or, when its child failed (a PostgreSQL connection another client ended, a
    full disk), what went wrong, so the other measurements of the run are still shown."""
    try:
        return {"format": fmt, **run_child(__file__, kind, *args)}
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return {"format": fmt, "error": str(exc).strip().splitlines()[-1]}


def _fmt_row(name: str, r: dict[str, Any], peer: dict[str, Any] | None) -> str:
    if "error" in r:
        return f"  {name:<36} failed: {r['error'][:200]}"
    if peer is not None and "error" in peer:
        peer = None
    rate = r["rows"] / r["seconds"] if r["seconds"] else float("inf")
    ratio = "" if peer is None or not peer["seconds"] else f"{r['seconds'] / peer['seconds']:8.1f} x"
    if peer is not None and peer["cpu"]:
        ratio += f" {r['cpu'] / peer['cpu']:8.1f} x"
    return (f"  {name:<36} {r['seconds']:8.2f} s {r['cpu']:8.2f} s {rate:>10,.0f} {r['peak_mb']:7.0f} MB "
            f"{r['file_bytes'] / 2**20:7.1f} MB {ratio}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="how many incidents (default 100,000)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--formats", default=DEFAULT_FORMATS,
                        help=f"comma-separated, of {', '.join(FORMATS)} (default {DEFAULT_FORMATS})")  # fmt: skip
    parser.add_argument("--postgres", metavar="URL", help="also export from PostgreSQL at URL (a fresh schema)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep the ACLED file and the node")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        kind, *rest = args.child
        if kind == "build":
            result = child_build(Path(rest[0]), Path(rest[1]), None if rest[2] == "-" else rest[2])
        elif kind == "export":
            result = child_export(Path(rest[0]), rest[1], Path(rest[2]))
        elif kind == "pyarrow":
            result = child_pyarrow(Path(rest[0]), Path(rest[1]))
        elif kind == "csv-writer":
            result = child_csv_writer(Path(rest[0]), Path(rest[1]))
        else:
            result = child_json(Path(rest[0]), Path(rest[1]), rest[2])
        print(json.dumps(result))
        return 0

    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        parser.error(f"--formats: {', '.join(unknown)} unknown; expected some of {', '.join(FORMATS)}")

    import acled_synth

    work_ctx = tempfile.TemporaryDirectory(prefix="sarhad-bench-") if args.keep is None else None
    work = Path(work_ctx.name) if work_ctx else args.keep
    work.mkdir(parents=True, exist_ok=True)
    builds: dict[str, dict[str, Any]] = {}
    results: dict[str, dict[str, Any]] = {}
    try:
        path = work / f"acled_{args.rows}_{args.seed}.csv"
        if not path.exists():
            acled_synth.write(path, args.rows, args.seed)
        print(f"{args.rows:,} synthetic ACLED rows: {path}; importing into SQLite…", file=sys.stderr)
        sqlite_home = work / f"home_{uuid.uuid4().hex[:8]}"
        builds["SQLite"] = run_child(__file__, "build", str(path), str(sqlite_home), "-")
        results.update(_exports(sqlite_home, formats, work, "SQLite", peers=True))
        if args.postgres:
            print("importing into PostgreSQL…", file=sys.stderr)
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            url = f"{args.postgres}{'&' if '?' in args.postgres else '?'}schema={schema}"
            try:
                pg_home = work / f"home_{schema}"
                builds["PostgreSQL"] = run_child(__file__, "build", str(path), str(pg_home), url)
                results.update(_exports(pg_home, formats, work, "PostgreSQL", peers=False))
            except SystemExit as exc:  # the SQLite figures are still worth showing
                print(exc, file=sys.stderr)
            finally:
                import psycopg

                try:
                    with psycopg.connect(args.postgres, autocommit=True) as conn:
                        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                except psycopg.Error as exc:  # unreachable: nothing was made there, or say what to drop
                    print(f"could not drop schema {schema}: {exc}", file=sys.stderr)
    finally:
        if work_ctx is not None:
            work_ctx.cleanup()

    if args.json:
        print(json.dumps({"rows": args.rows, "builds": builds, "results": results}, indent=2))
        return 0
    print(f"\n{args.rows:,} incidents (imported from synthetic ACLED rows), Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    for store, b in builds.items():
        print(f"  the {store} node: {b['stored']:,} incidents imported in {b['seconds']:.1f} s "
              f"({b['db_bytes'] / 2**20:,.0f} MB stored)")  # fmt: skip
    columns = ("wall", "CPU", "rows/s", "peak RSS", "file", "vs peer", "(CPU)")
    print(f"  {'':<36} " + " ".join(f"{c:>10}" for c in columns))
    for name, r in results.items():
        peer = results.get(_peer_name(r["format"])) if name.startswith("sarhad") else None
        print(_fmt_row(name, r, peer))
    for name, r in results.items():
        if not name.startswith("sarhad") or "error" in r:
            continue
        store = "PostgreSQL" if name.endswith("(PostgreSQL)") else "SQLite"
        stored = builds[store]["stored"]
        objects = f" ({r['objects']:,} STIX objects)" if r.get("objects") is not None else ""
        if r["rows"] != stored:
            print(f"\n{name}: wrote {r['rows']:,} incidents of the {stored:,} stored{objects}")
        elif objects:
            print(f"\n{name}: {r['rows']:,} incidents{objects}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
