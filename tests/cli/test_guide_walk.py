"""Rough edges found by walking through the user guide: what an analyst sees at each, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sarhad.config import load_settings
from sarhad.exchange.peers import cosigner_for, get_peer
from sarhad.node import Node
from tests.conftest import UCDP_SAMPLE, UNUSED_TOKEN, filled_home
from tests.conftest import run_cli as run

UNREACHABLE_POSTGRES = "postgresql://postgres@127.0.0.1:1/nothing"  # port 1: nothing listens, refused at once


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_args(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """The init options of a node on SQLite (none) or on PostgreSQL (its own schema)."""
    if request.param == "sqlite":
        return ()
    return ("--db", request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def any_home(db_args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A PK node with the UCDP sample, once on SQLite and once on PostgreSQL."""
    return filled_home(capsys, tmp_path / "pk", *db_args)


# -- 1. a reader that stops reading -------------------------------------------------------------------------


def _into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m sarhad ARGS`` with stdout a pipe whose reader is gone before the first write."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # as 'head' does once it has its lines: every write from now on meets EPIPE
    try:
        return subprocess.run(
            [sys.executable, "-m", "sarhad", *args], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(
    "command",
    [("incidents", "list"), ("incidents", "list", "--json"), ("stats",), ("stats", "--json")],
    ids=["table", "json", "stats-text", "stats-json"],
)
def test_output_into_a_closed_pipe_ends_quietly_with_status_0(any_home: Path, command: tuple[str, ...]) -> None:
    done = _into_closed_pipe("--home", str(any_home), *command)
    assert (done.returncode, done.stderr) == (0, "")


def test_help_into_a_closed_pipe_ends_quietly_with_status_0() -> None:
    done = _into_closed_pipe("--help")
    assert (done.returncode, done.stderr) == (0, "")


def test_a_failing_command_keeps_its_status_when_the_reader_is_gone(tmp_path: Path) -> None:
    done = _into_closed_pipe("--home", str(tmp_path / "none"), "incidents", "list")
    assert done.returncode == 1 and "error:" in done.stderr


def test_a_broken_pipe_that_is_not_stdout_is_a_failure_not_a_reader_gone(tmp_path: Path) -> None:
    # An import whose worker died (its pipe broken) must not end quietly with status 0 because the error is an
    # EPIPE too: only stdout's reader going away ends a command quietly.
    script = (
        "import sys, sarhad.importer as imp\n"
        "def broken(*args, **kwargs):\n"
        "    raise BrokenPipeError(32, 'Broken pipe')\n"
        "imp.import_file = broken\n"
        "from sarhad.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    home = tmp_path / "pk"
    assert subprocess.run([sys.executable, "-m", "sarhad", "--home", str(home), "init", "--party", "PK"],
                          capture_output=True, timeout=120).returncode == 0  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", script, "--home", str(home), "import", "ucdp", str(UCDP_SAMPLE)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Broken pipe" in done.stderr


# -- 2. a failed init leaves nothing behind -----------------------------------------------------------------


@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "existing-folder"])
def test_init_that_cannot_reach_postgresql_leaves_no_home(
    tmp_path: Path, existing: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "nodes" / "pk"
    if existing:
        home.mkdir(parents=True)
        (home / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "--home", str(home), "init", "--party", "PK", "--db", UNREACHABLE_POSTGRES)
    assert code == 1 and "cannot connect to PostgreSQL" in err
    if existing:  # a folder that was there stays, with what it held, and nothing more
        assert sorted(p.name for p in home.iterdir()) == ["notes.txt"]
    else:
        assert not (tmp_path / "nodes").exists()
    # The same command runs again once the database is right.
    code, _, err = run(capsys, "--home", str(home), "init", "--party", "PK")
    assert code == 0, err


def test_init_onto_a_database_that_holds_a_node_leaves_no_home(
    any_home: Path, db_args: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first node's database, given to a second home: SQLite's file, or the same PostgreSQL schema.
    db = db_args or ("--db", f"sqlite:///{any_home / 'sarhad.db'}")
    second = tmp_path / "second" / "pk"
    code, _, err = run(capsys, "--home", str(second), "init", "--party", "PK", *db)
    if db_args:  # named by its schema and its server, and what to do about it
        schema = db[1].partition("?schema=")[2]
        assert code == 1 and f"the PostgreSQL schema {schema} of {db[1].partition('?')[0]} already holds" in err, err
    else:
        assert code == 1 and f"the SQLite database {any_home / 'sarhad.db'} already holds a sarhad node" in err, err
    assert "--home of that node" in err and "a database of its own" in err, err
    assert not (tmp_path / "second").exists()
    if db_args:  # a password in the URL is not shown (the test server trusts any: the URL opens)
        user, _, host = db[1].partition("://")[2].partition("@")
        code, _, err = run(capsys, "--home", str(second), "init", "--party", "PK", "--db", f"postgresql://{user}:"
                           f"s3cret-pw@{host}")  # fmt: skip
        assert code == 1 and "s3cret-pw" not in err and f"of postgresql://{user}:***@" in err, err
        assert not (tmp_path / "second").exists()
    code, out, _ = run(capsys, "--home", str(any_home), "stats", "--json")
    assert code == 0 and json.loads(out)["incidents"] == 37  # the first node is untouched


# -- 3. a peer with this node's own origin ------------------------------------------------------------------


def test_peer_add_refuses_this_nodes_own_key(any_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, own, _ = run(capsys, "--home", str(any_home), "key", "show")
    code, _, err = run(capsys, "--home", str(any_home), "peer", "add", "IR", "http://127.0.0.1:9", "--vkey",
                       own.strip(), "--token", UNUSED_TOKEN)  # fmt: skip
    assert code == 1 and "signs the log 'sarhad.pk/log', this node's own log's origin" in err
    code, out, _ = run(capsys, "--home", str(any_home), "peer", "list", "--json")
    assert code == 0 and json.loads(out) == []


def test_peer_add_refuses_another_node_of_the_same_party(
    any_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Node.init(tmp_path / "pk-2", "PK") as twin:  # origin sarhad.pk/log too, another key
        vkey = twin.signer.vkey
    code, _, err = run(capsys, "--home", str(any_home), "peer", "add", "PK2", "http://127.0.0.1:9", "--vkey", vkey,
                       "--token", UNUSED_TOKEN, "--party", "PK")  # fmt: skip
    assert code == 1 and "a second node of the same party needs its own origin" in err
    code, out, _ = run(capsys, "--home", str(any_home), "peer", "list", "--json")
    assert json.loads(out) == []
    # The same node set up with an origin of its own is a peer like any other.
    with Node.init(tmp_path / "pk-3", "PK", origin="sarhad.pk/backup-log") as other:
        vkey = other.signer.vkey
    code, _, err = run(capsys, "--home", str(any_home), "peer", "add", "PK3", "http://127.0.0.1:9", "--vkey", vkey,
                       "--token", UNUSED_TOKEN, "--party", "PK")  # fmt: skip
    assert code == 0, err


# -- 4. store rebuild --json keys ---------------------------------------------------------------------------


def test_store_rebuild_json_has_snake_case_keys_and_keeps_the_old_one(
    any_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(any_home), "store", "rebuild", "--json")
    assert code == 0, err
    assert json.loads(out) == {"incidents": 37, "framework_objects": 0, "framework objects": 0}
    code, out, _ = run(capsys, "--home", str(any_home), "store", "rebuild")
    assert "37 incidents, 0 framework objects" in out


# -- 5. check-proof of a document that is not a proof -------------------------------------------------------


def test_check_proof_names_the_missing_field_and_what_the_file_holds(
    any_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, listed, _ = run(capsys, "--home", str(any_home), "incidents", "list", "--json")
    object_id = json.loads(listed)[0]["id"]
    _, vkey, _ = run(capsys, "--home", str(any_home), "key", "show")
    code, proved, _ = run(capsys, "--home", str(any_home), "log", "prove", object_id, "--json")
    assert code == 0
    document = json.loads(proved)
    del document["proof"]
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(capsys, "log", "check-proof", str(path), "--vkey", vkey.strip())
    assert code == 1
    assert f"{path}: missing field 'proof'; the file should hold what 'sarhad log prove OBJECT_ID --json'" in err
    assert "leaf_hash (base64) and proof (a list of base64 hashes)" in err
    document["proof"] = 5
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(capsys, "log", "check-proof", str(path), "--vkey", vkey.strip())
    assert code == 1 and "field 'proof' is an integer, expected a list" in err
    path.write_text("[]", encoding="utf-8")
    code, _, err = run(capsys, "log", "check-proof", str(path), "--vkey", vkey.strip())
    assert code == 1 and f"{path}: a list, not a JSON object" in err


# -- 6. a folder given as a file ----------------------------------------------------------------------------


def test_ingest_article_of_a_folder_says_it_is_a_folder(
    any_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--home", str(any_home), "ingest", "article", str(tmp_path))
    assert code == 1 and f"error: {tmp_path}: a folder, not a file" in err


def test_evidence_add_of_a_folder_says_it_is_a_folder(
    any_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--home", str(any_home), "framework", "init", "--template", "pk-ir-2025")
    assert code == 0, err
    code, _, err = run(capsys, "--home", str(any_home), "evidence", "add", str(tmp_path), "--kind", "document")
    assert code == 1 and f"error: {tmp_path}: a folder, not a file" in err


# -- 7. --country takes codes and names, refuses the rest ---------------------------------------------------


@pytest.mark.parametrize("country", ["PK", "pk", "Pakistan", "pakistan", "PAK"])
def test_country_filter_takes_a_code_in_any_case_or_a_name(
    any_home: Path, country: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(any_home), "stats", "--country", country, "--json")
    assert code == 0, err
    assert json.loads(out)["incidents"] == 34  # the sample's Pakistani rows; the other 3 are Iran's
    code, out, _ = run(capsys, "--home", str(any_home), "incidents", "list", "--country", country, "--json")
    assert {r["country"] for r in json.loads(out)} == {"PK"} and len(json.loads(out)) == 34


@pytest.mark.parametrize(
    "command",
    [
        ("incidents", "list"),
        ("stats",),
        ("export", "csv", "--out", "x.csv"),
        ("geo", "find", "Quetta"),
    ],
    ids=["incidents-list", "stats", "export", "geo-find"],
)
def test_country_filter_refuses_what_is_not_a_country(
    any_home: Path, command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--home", str(any_home), *command, "--country", "narnia")
    assert code == 1 and out == ""
    assert "--country 'narnia' is not a country: expected an ISO 3166-1 alpha-2 code in any case" in err
    assert "Iran" in err and "Pakistan" in err and "Afghanistan" in err
    code, out, err = run(capsys, "--home", str(any_home), *command, "--country", "qq")
    assert code == 1 and out == ""
    assert "--country 'qq' is not an assigned ISO 3166-1 alpha-2 code: " in err


# -- 8. log verify and the stored cosignatures --------------------------------------------------------------


def _cosigned_by(party: str, home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Register a node of ``party`` as a peer of the node in ``home`` and store its cosignature of that node's
    latest checkpoint (as ``POST /log/cosignatures`` does); return the peer's log key."""
    with Node.init(tmp_path / party.lower(), party) as peer:
        vkey = peer.signer.vkey
        cosigner = peer.signer.cosigner()
    code, _, err = run(capsys, "--home", str(home), "peer", "add", party, "http://127.0.0.1:9", "--vkey", vkey,
                       "--token", UNUSED_TOKEN)  # fmt: skip
    assert code == 0, err
    with Node.open(load_settings(home)) as pk:
        cp = pk.log.latest_checkpoint()
        assert cp is not None and cp.note is not None
        with pk.db.transaction():
            witness = cosigner_for(get_peer(pk.db, party))
            added = pk.log.add_cosignatures(cosigner.cosign_note(cp.note, 1767225600), [witness])
        assert added.added == 1
    return vkey


def test_log_verify_checks_stored_cosignatures_with_the_peers_keys(
    any_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _cosigned_by("IR", any_home, tmp_path, capsys)
    code, out, err = run(capsys, "--home", str(any_home), "log", "verify", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["cosignatures"], report["cosignatures_stored"], report["cosignatures_not_checked"]) == (1, 1, 0)
    code, out, _ = run(capsys, "--home", str(any_home), "log", "verify")
    assert code == 0 and "cosignatures: 1 verified (1 by sarhad.ir/log)" in out
    # A stored cosignature whose signature bytes were changed fails, with no --witness given.
    with Node.open(load_settings(any_home)) as pk:
        (line,) = pk.db.fetchone("SELECT line FROM log_cosignatures") or ("",)
        head, _, signature = str(line).rpartition(" ")
        # A character of the Ed25519 signature, past the key ID and the timestamp the columns repeat.
        flipped = ("A" if signature[-10] != "A" else "B").join((signature[:-10], signature[-9:]))
        with pk.db.transaction():
            pk.db.execute("UPDATE log_cosignatures SET line = ?", (f"{head} {flipped}",))
    code, _, err = run(capsys, "--home", str(any_home), "log", "verify")
    assert code == 1 and "cosignature by sarhad.ir/log on checkpoint 37: the cosignature does not verify" in err


def test_log_verify_says_which_stored_cosignatures_it_did_not_check(
    any_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ir_vkey = _cosigned_by("IR", any_home, tmp_path, capsys)
    code, _, err = run(capsys, "--home", str(any_home), "peer", "remove", "IR")  # it held no copy: no key is kept
    assert code == 0, err
    code, out, _ = run(capsys, "--home", str(any_home), "log", "verify")
    assert code == 0 and "stored cosignatures: 1 (not checked: give --witness KEY to check them)" in out
    code, out, _ = run(capsys, "--home", str(any_home), "log", "verify", "--json")
    report = json.loads(out)
    assert (report["cosignatures"], report["cosignatures_stored"], report["cosignatures_not_checked"]) == (0, 1, 1)
    # IR's log key, as 'sarhad key show' prints it on IR's node, names the key it cosigns with.
    code, out, err = run(capsys, "--home", str(any_home), "log", "verify", "--witness", ir_vkey)
    assert code == 0 and "cosignatures: 1 verified (1 by sarhad.ir/log)" in out, err
    assert "not checked" not in out
    # A registered peer's cosignature is checked, the removed one's counted apart.
    _cosigned_by("AF", any_home, tmp_path, capsys)
    code, out, _ = run(capsys, "--home", str(any_home), "log", "verify")
    assert code == 0 and "cosignatures: 1 verified (1 by sarhad.af/log)" in out
    assert "stored cosignatures: 2 (1 not checked: give --witness KEY to check them)" in out
