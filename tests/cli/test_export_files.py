"""``sarhad export`` as a researcher meets its file: a bundle for another party leaves out what the other formats
leave out, and ``--out`` is replaced only by a complete export."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from stix2validator import ValidationOptions, validate_file

from sarhad.model.incident import TLP_MARKINGS
from tests.conftest import run_cli as run
from tests.conftest import write_ucdp

FORMATS = ("csv", "geojson", "ucdp", "gtd", "acled", "stix")


def _add_red(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    red = tmp_path / "red.csv"
    write_ucdp(red, 2, 990001)
    code, _, err = run(
        capsys, "--home", str(home), "import", "ucdp", str(red), "--reported-by", "PK", "--tlp", "RED",
        "--recipient", "PK:desk-a",
    )  # fmt: skip
    assert code == 0, err


def _incidents(bundle: Path) -> list[dict[str, object]]:
    return [o for o in json.loads(bundle.read_text(encoding="utf-8"))["objects"] if o["type"] == "incident"]


def _licence(incident: dict[str, object]) -> str:
    extensions = incident["extensions"]
    assert isinstance(extensions, dict)
    return str(next(e["licence"] for e in extensions.values() if "licence" in e))


def test_export_stix_for_peers_leaves_out_red_and_gtd_records(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    _add_red(capsys, home, tmp_path)
    every = tmp_path / "all.json"
    assert run(capsys, "--home", str(home), "export", "stix", "--out", str(every))[0] == 0
    assert {_licence(i) for i in _incidents(every)} == {"CC-BY-4.0", "GTD-EUA"}
    out = tmp_path / "peers.json"
    code, _, err = run(capsys, "--home", str(home), "export", "stix", "--out", str(out), "--for-peers", "--json")
    assert code == 0, err
    incidents = _incidents(out)
    assert len(incidents) == 37  # the UCDP sample: GTD's rows (its licence) and the RED records are left out
    assert {_licence(i) for i in incidents} == {"CC-BY-4.0"}
    objects = json.loads(out.read_text(encoding="utf-8"))["objects"]
    assert not [o["id"] for o in objects if TLP_MARKINGS["RED"] in o.get("object_marking_refs", [])]
    assert TLP_MARKINGS["RED"] not in {o["id"] for o in objects}
    results = validate_file(str(out), ValidationOptions(version="2.1"))
    assert results.is_valid, [e.message for r in results.object_results for e in r.errors]


@pytest.mark.parametrize("command", [("export", "stix"), ("stix-export",)])
def test_export_stix_json_counts_incidents_and_notes_as_the_other_formats(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    _add_red(capsys, home, tmp_path)
    out = tmp_path / "all.json"
    code, stdout, err = run(capsys, "--home", str(home), *command, "--out", str(out), "--json")
    assert code == 0, err
    summary = json.loads(stdout)
    objects = json.loads(out.read_text(encoding="utf-8"))["objects"]
    assert summary == {
        "format": "stix", "file": str(out), "incidents": len(_incidents(out)), "objects": len(objects),
        "notes": ["stix: 2 objects are marked TLP:RED, for their named recipients only: --for-peers leaves them"
                  " out of a file for another party"],
    }  # fmt: skip
    assert summary["incidents"] == 37 + 120 + 2
    code, stdout, err = run(capsys, "--home", str(home), *command, "--out", str(out), "--json", "--for-peers")
    assert code == 0, err
    summary = json.loads(stdout)
    assert (summary["incidents"], summary["objects"]) == (37, len(json.loads(out.read_text())["objects"]))
    assert summary["notes"] == [
        "stix: left out 122 objects not for another party (TLP:RED, or a licence that forbids redistribution) and"
        " what is derived from them"
    ]
    code, stdout, err = run(capsys, "--home", str(home), *command, "--out", str(out), "--for-peers")
    assert code == 0 and stdout.startswith("exported ") and "note: stix: left out 122 objects" in err


def test_export_stix_for_peers_keeps_gtd_records_of_a_node_that_shares_them(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    settings = home / "sarhad.toml"
    settings.write_text(settings.read_text().replace("share_restricted = false", "share_restricted = true"))
    _add_red(capsys, home, tmp_path)
    out = tmp_path / "peers.json"
    assert run(capsys, "--home", str(home), "export", "stix", "--out", str(out), "--for-peers")[0] == 0
    incidents = _incidents(out)
    assert {_licence(i) for i in incidents} == {"CC-BY-4.0", "GTD-EUA"}
    assert len(incidents) == 37 + 120  # still without the RED records


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_into_a_missing_folder_is_refused_naming_it(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "nowhere" / f"incidents.{fmt}"
    code, stdout, err = run(capsys, "--home", str(home), "export", fmt, "--out", str(out))
    assert code == 1 and stdout == ""
    assert f"cannot write {out}: the folder {out.parent} does not exist (create it first)" in " ".join(err.split())
    assert not out.parent.exists()  # a typing error in the folder does not make a tree of folders


@pytest.mark.parametrize("fmt", ["csv", "stix"])
def test_export_into_a_folder_is_refused(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, fmt: str
) -> None:
    code, _, err = run(capsys, "--home", str(home), "export", fmt, "--out", str(tmp_path))
    assert code == 1
    assert f"cannot write {tmp_path}: it is a folder; name a file in it" in " ".join(err.split())


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_replaces_an_existing_file_whole(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"incidents.{fmt}"
    out.write_text("an earlier, longer file\n" * 10_000, encoding="utf-8")
    code, _, err = run(capsys, "--home", str(home), "export", fmt, "--out", str(out))
    assert code == 0, err
    assert "earlier" not in out.read_text(encoding="utf-8")
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gtd"])
def test_an_export_that_fails_leaves_the_earlier_file_as_it_was(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    home = tmp_path / "pk"
    assert run(capsys, "--home", str(home), "init", "--party", "PK")[0] == 0
    ucdp = tmp_path / "ucdp.csv"
    write_ucdp(ucdp, 20, 1)
    assert run(capsys, "--home", str(home), "import", "ucdp", str(ucdp))[0] == 0
    out = tmp_path / f"incidents.{fmt}"
    assert run(capsys, "--home", str(home), "export", fmt, "--out", str(out))[0] == 0
    earlier = out.read_bytes()
    # The 15th record's stored body is damaged: reading it fails half way through the export (as a full disk
    # or Ctrl-C would).
    with sqlite3.connect(home / "sarhad.db") as db:
        (damaged,) = db.execute(
            "SELECT id FROM objects WHERE type = 'incident' ORDER BY seq LIMIT 1 OFFSET 14"
        ).fetchone()
        db.execute('UPDATE objects SET body = \'{"type": "incident"}\' WHERE id = ?', (damaged,))
    code, _, err = run(capsys, "--home", str(home), "export", fmt, "--out", str(out))
    assert code == 1, err
    assert out.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_through_a_symbolic_link_replaces_the_file_it_points_to(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "exports" / "2026-12.csv"
    target.parent.mkdir()
    target.write_text("an earlier file\n", encoding="utf-8")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    code, _, err = run(capsys, "--home", str(home), "export", "csv", "--out", str(link))
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == target  # the link still points where it did
    assert target.read_text(encoding="utf-8").startswith("id,source_id,")


@pytest.mark.parametrize("fmt", ["csv", "stix"])
def test_export_to_standard_output_through_its_link_writes_into_the_pipe(
    capsys: pytest.CaptureFixture[str], home: Path, fmt: str
) -> None:
    """``--out /dev/stdout`` in a pipeline (``| head``): the name is a link to ``/proc/self/fd/1``, itself a link
    to ``pipe:[…]``, a name that is no file. The export writes into the pipe the link opens (it looked for the
    folder of ``pipe:[…]`` and refused)."""
    import os
    import threading

    read_end, write_end = os.pipe()
    chunks: list[bytes] = []

    def drain() -> None:
        with os.fdopen(read_end, "rb") as fh:
            chunks.append(fh.read())

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        code, _, err = run(capsys, "--home", str(home), "export", fmt, "--out", f"/proc/self/fd/{write_end}")
    finally:
        os.close(write_end)
        reader.join(timeout=60)
    assert code == 0, err
    text = b"".join(chunks).decode("utf-8")
    if fmt == "csv":
        assert text.startswith("id,source_id,") and text.count("\n") > 10
    else:
        assert json.loads(text)["type"] == "bundle"


@pytest.mark.parametrize("command", [("export", "csv"), ("export", "stix"), ("clusters", "export")])
def test_an_export_to_standard_output_in_a_pipeline_says_its_summary_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, str]
) -> None:
    """``sarhad export stix --out /dev/stdout | jq …``: the file is the data the pipe carries, so the summary line
    goes to stderr; on stdout it followed the bundle's closing brace, and no JSON reader took the stream."""
    import csv
    import subprocess
    import sys

    from tests.conftest import filled_home

    home = filled_home(capsys, tmp_path / "pk")
    if command[0] == "clusters":
        code, _, err = run(capsys, "--home", str(home), "reconcile")
        assert code == 0, err
    done = subprocess.run(
        [sys.executable, "-m", "sarhad", "--home", str(home), *command, "--out", "/dev/stdout"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "exported" in done.stderr and "exported" not in done.stdout
    if command == ("export", "stix"):
        assert json.loads(done.stdout)["type"] == "bundle"
    else:
        header, *rows = list(csv.reader(done.stdout.splitlines()))
        assert rows and all(len(row) == len(header) for row in rows)
