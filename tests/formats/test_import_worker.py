"""An import read and prepared in a worker process stores exactly what an import in one process stores.

``worker_min_bytes=0`` forces the worker on the small fixtures; ``None`` leaves the size threshold to decide.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sarhad.errors import InvalidInput, SarhadError
from sarhad.import_worker import BATCH, QUEUED
from sarhad.importer import WORKER_MIN_BYTES, ImportResult, import_file
from sarhad.log.verify import verify_log
from sarhad.monitor.rules import Rule, add_rule
from sarhad.node import Node
from sarhad.store.incidents import count_incidents
from tests.conftest import ASSETS
from tests.store.helpers import stored_content

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import acled_synth

ACLED = ASSETS / "synthetic" / "acled_synthetic.csv"
GTD = ASSETS / "synthetic" / "gtd_synthetic.csv"
ROOT = Path(__file__).resolve().parents[2]


def _counts(result: ImportResult) -> tuple[int, int, int, int, int]:
    return result.rows, result.added, result.updated, result.unchanged, result.rejected


def _revised(src: Path, dst: Path) -> Path:
    """``src`` with the notes of every third row changed: a new version of those records."""
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows[::3]:
        row["notes"] += " (revised)"
    with dst.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return dst


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 ACLED rows: three worker batches."""
    path = tmp_path_factory.mktemp("worker") / "acled.csv"
    acled_synth.write(path, 3_000, seed=3)
    return path


@pytest.fixture(scope="module")
def held_back(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ACLED rows enough that the worker cannot finish while the importing process holds on to its first batch.

    While the importer is busy with a batch (in ``progress``, say) the worker can have sent at most one message
    the importer took, ``QUEUED`` waiting in the inbox and one the receiving thread holds while the inbox is
    full; its next message (about 3 MB) does not fit in the pipe, so it waits there. With ``QUEUED + 4`` batches
    it is still running, however the processes are scheduled.
    """
    path = tmp_path_factory.mktemp("worker") / "acled_held_back.csv"
    acled_synth.write(path, BATCH * (QUEUED + 4), seed=5)
    return path


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory, big: Path) -> Path:
    return _revised(big, tmp_path_factory.mktemp("revised") / "revised.csv")


def _imports(node: Node, big: Path, revised: Path, min_bytes: int) -> list[tuple[int, int, int, int, int]]:
    """The counts of a first import of ``big``, an idle re-import and a revision, with ``worker_min_bytes``."""
    steps = [import_file(node, "acled", f, worker_min_bytes=min_bytes) for f in (big, big, revised)]
    assert [r.worker for r in steps] == [min_bytes == 0] * 3
    return [_counts(r) for r in steps]


@pytest.fixture(scope="module")
def stored_in_one_process(
    tmp_path_factory: pytest.TempPathFactory, big: Path, revised: Path
) -> tuple[list[tuple[int, int, int, int, int]], dict[str, list[tuple[Any, ...]]]]:
    """The counts and the stored content of :func:`_imports` in one process on SQLite, made once for both
    databases; made before, so at other publish times than the worker's, which stored_content must not mind."""
    alone = Node.init(tmp_path_factory.mktemp("alone") / "node", "PK")
    try:
        return _imports(alone, big, revised, 2**62), stored_content(alone)
    finally:
        alone.close()


def test_the_worker_stores_exactly_what_one_process_stores(
    any_node: Node,
    big: Path,
    revised: Path,
    stored_in_one_process: tuple[list[tuple[int, int, int, int, int]], dict[str, list[tuple[Any, ...]]]],
) -> None:
    """Same rows, log, summaries and counts, through a first import, an idle re-import and a revision: one
    process on SQLite against the worker on SQLite and on PostgreSQL."""
    alone_counts, alone_content = stored_in_one_process
    counts = _imports(any_node, big, revised, 0)
    assert counts == alone_counts
    assert counts[0] == (3_000, 3_000, 0, 0, 0)
    assert counts[1] == (3_000, 0, 0, 3_000, 0)
    assert counts[2][2] == 1_000  # every third row revised
    assert stored_content(any_node) == alone_content
    report = verify_log(
        any_node.db, [any_node.signer.verifier], origin=any_node.settings.origin, party=any_node.settings.party
    )
    assert report.size == 4_000


@pytest.mark.parametrize(("fmt", "path"), [("acled", ACLED), ("gtd", GTD)])
def test_worker_and_one_process_agree_on_every_format(tmp_path: Path, fmt: str, path: Path) -> None:
    nodes = [Node.init(tmp_path / name, "PK") for name in ("one", "two")]
    try:
        one = import_file(nodes[0], fmt, path, reported_by="PK")
        two = import_file(nodes[1], fmt, path, reported_by="PK", worker_min_bytes=0)
        assert (one.worker, two.worker) == (False, True)
        assert _counts(one) == _counts(two)
        assert stored_content(nodes[0]) == stored_content(nodes[1])
    finally:
        for n in nodes:
            n.close()


def _blank_lines(size: int) -> bytes:
    """``size`` bytes of blank lines (nothing to store), each at most 1 KiB, as a row may be no longer than
    csvio.MAX_ROW."""
    lines, rest = divmod(size, 1024)
    return (b" " * 1023 + b"\n") * lines + (b" " * (rest - 1) + b"\n" if rest else b"")


def test_a_file_at_the_threshold_goes_to_the_worker_a_smaller_one_does_not(tmp_path: Path, node: Node) -> None:
    header = ACLED.read_bytes().split(b"\n", 1)[0] + b"\n"
    path = tmp_path / "blank.csv"
    path.write_bytes(header + _blank_lines(WORKER_MIN_BYTES - len(header)))
    assert path.stat().st_size == WORKER_MIN_BYTES
    assert import_file(node, "acled", path).worker
    path.write_bytes(header + _blank_lines(WORKER_MIN_BYTES - len(header) - 1))
    assert not import_file(node, "acled", path).worker


# Every kind of rule condition: on the place, the group, the figures, and those that ask the database.
RULES = (
    Rule("near", near_border_km=50),
    Rule("crossing", crossing_km=40),
    Rule("balochistan-area", admin1=("Balochistan",), polygon=((60.0, 24.0), (70.0, 24.0), (70.0, 32.0), (60.0, 32.0))),
    Rule("jaish", perpetrators=("Jaish al-Adl",)),
    Rule("killed", min_killed=5),
    Rule("surge", admin1=("Sistan and Baluchestan",), surge_window_days=7, surge_factor=1.5, surge_baseline_days=90),
    Rule("disagrees", disagrees=True),
)


def _changed(src: Path, dst: Path, every: int, more_killed: int) -> Path:
    """``src`` with every ``every``-th row's notes changed and its fatalities raised by ``more_killed``."""
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows[::every]:
        row["notes"] += " (revised)"
        row["fatalities"] = str(int(row["fatalities"]) + more_killed)
    with dst.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return dst


Alerts = set[tuple[str, str, str, str]]


def _alerts(node: Node) -> Alerts:
    """Every alert as (rule, incident, origin, reason): all but the time it was raised."""
    rows = node.db.fetchall("SELECT rule, incident_id, origin, reason FROM alerts")
    return {(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows}


@pytest.fixture(scope="module")
def alert_steps(tmp_path_factory: pytest.TempPathFactory, big: Path) -> tuple[tuple[Path, str | None], ...]:
    """The imports of the alert-rules test, in order: another party's records of the same incidents with other
    figures (so records disagree), then the file, the same file again (nothing new) and a revision (new
    versions, some now over the killed threshold)."""
    folder = tmp_path_factory.mktemp("alerts")
    counterpart = _changed(big, folder / "ir.csv", every=2, more_killed=7)
    revised = _changed(big, folder / "revised.csv", every=3, more_killed=5)
    return (counterpart, "IR"), (big, None), (big, None), (revised, None)


def _alerts_after_each(node: Node, steps: tuple[tuple[Path, str | None], ...], min_bytes: int) -> list[Alerts]:
    """Add every rule to ``node``, make the imports ``steps`` with ``worker_min_bytes=min_bytes``, and return the
    alerts after each."""
    for rule in RULES:
        add_rule(node.db, rule)
    after = []
    for path, reported_by in steps:
        result = import_file(node, "acled", path, reported_by=reported_by, worker_min_bytes=min_bytes)
        assert result.worker == (min_bytes == 0)
        after.append(_alerts(node))
    return after


@pytest.fixture(scope="module")
def alerts_in_one_process(
    tmp_path_factory: pytest.TempPathFactory, alert_steps: tuple[tuple[Path, str | None], ...]
) -> tuple[list[Alerts], dict[str, list[tuple[Any, ...]]]]:
    """The alerts after each of ``alert_steps`` and the stored content, imported in one process on SQLite: what
    the worker must give on either database, made once for both (the same imports each time, so the same)."""
    alone = Node.init(tmp_path_factory.mktemp("alone") / "node", "PK")
    try:
        return _alerts_after_each(alone, alert_steps, 2**62), stored_content(alone)
    finally:
        alone.close()


def test_alert_rules_use_the_worker_and_raise_the_alerts_one_process_raises(
    any_node: Node,
    alert_steps: tuple[tuple[Path, str | None], ...],
    alerts_in_one_process: tuple[list[Alerts], dict[str, list[tuple[Any, ...]]]],
) -> None:
    """The same imports (:func:`alert_steps`) into a node with rules of every kind, one process on SQLite against
    the worker on SQLite and on PostgreSQL: the same alerts after each step, and the same stored content."""
    alone_steps, alone_content = alerts_in_one_process
    steps = _alerts_after_each(any_node, alert_steps, 0)
    assert steps == alone_steps
    counterpart_alerts, first, again, revision = steps
    assert counterpart_alerts < first and first == again
    assert {a[0] for a in first - counterpart_alerts} == {r.name for r in RULES}  # every rule alerted
    # a revision adds alerts (a new version over the threshold) and updates the reasons of some (a new figure)
    raised, raised_after = {a[:3] for a in again}, {a[:3] for a in revision}
    assert raised < raised_after and {a[0] for a in raised_after - raised} >= {"killed"}
    assert stored_content(any_node) == alone_content


def test_a_rule_on_a_groups_second_name_alerts_through_the_worker(tmp_path: Path) -> None:
    """A GTD record may name several groups; the incidents row holds the first only, and the rules read all."""
    rule = Rule("furqan", perpetrators=("Ansar al-Furqan",))
    alerted = []
    for name, min_bytes in (("one", 2**62), ("two", 0)):
        node = Node.init(tmp_path / name, "PK")
        try:
            add_rule(node.db, rule)
            assert import_file(node, "gtd", GTD, reported_by="PK", worker_min_bytes=min_bytes).worker == (
                min_bytes == 0
            )
            firsts = node.db.fetchall(
                "SELECT i.perpetrator FROM alerts a JOIN incidents i ON i.id = a.incident_id ORDER BY a.incident_id"
            )
            alerted.append((_alerts(node), [r[0] for r in firsts]))
        finally:
            node.close()
    assert alerted[0] == alerted[1]
    assert any(first != "Ansar al-Furqan" for first in alerted[1][1])  # named second, and still alerted


def _broken(src: Path, dst: Path, lines: dict[int, tuple[str, str]]) -> Path:
    """``src`` with ``column`` of the row on each ``line`` set to ``value`` (one line per row)."""
    with src.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    for line, (column, value) in lines.items():
        table[line - 1][table[0].index(column)] = value
    with dst.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)
    return dst


def test_bad_rows_found_in_the_worker_reject_the_file_and_store_nothing(node: Node, tmp_path: Path, big: Path) -> None:
    import_file(node, "acled", ACLED)
    before = (count_incidents(node.db), node.log.size())
    early, late = 10, 2_990  # in the first and the last batch
    bad = _broken(big, tmp_path / "bad.csv", {early: ("latitude", "123.4"), late: ("event_date", "2024-13-01")})
    messages = []
    for min_bytes in (2**62, 0):
        with pytest.raises(InvalidInput) as caught:
            import_file(node, "acled", bad, worker_min_bytes=min_bytes)
        messages.append(str(caught.value))
        assert (count_incidents(node.db), node.log.size()) == before
    assert messages[0] == messages[1]
    assert f"bad.csv:{early}: latitude: 123.4 is outside -90..90" in messages[1]
    assert f"bad.csv:{late}: event_date: '2024-13-01' is not a date" in messages[1]
    assert "rejected, nothing was stored: 2 bad rows" in messages[1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: b"id,date\n1,2\n", r"bad\.csv:1: header: missing columns"),
        (lambda data: data + b'X1,"2024-01-01,never closed\n', r"bad\.csv:\d+: row: .*unterminated"),
        (lambda data: b"", r"bad\.csv:1: header: the file is empty"),
    ],
    ids=["wrong header", "unterminated quote", "empty"],
)
def test_a_file_error_found_in_the_worker_is_the_same_error(
    node: Node, tmp_path: Path, change: Any, message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(change(ACLED.read_bytes()))
    with pytest.raises(InvalidInput, match=message):
        import_file(node, "acled", bad, worker_min_bytes=0)
    assert (count_incidents(node.db), node.log.size()) == (0, 0)


def test_skip_invalid_through_the_worker_writes_the_same_rejects(tmp_path: Path, big: Path) -> None:
    rows = {n: ("fatalities", "a few") for n in (5, 1_500, 3_001)}
    results, rejects, stored = [], [], []
    for name, min_bytes in (("one", 2**62), ("two", 0)):
        folder = tmp_path / name
        folder.mkdir()
        bad = _broken(big, folder / "bad.csv", rows)
        node = Node.init(folder / "node", "PK")
        try:
            result = import_file(node, "acled", bad, skip_invalid=True, worker_min_bytes=min_bytes)
            # the errors name the file as given (its folder differs): the same lines and reasons
            results.append((_counts(result), [e.replace(str(folder), "FOLDER") for e in result.errors]))
            assert result.rejected_file == str(folder / "bad.csv.rejected.csv")
            rejects.append(Path(result.rejected_file).read_bytes())
            stored.append(stored_content(node))
        finally:
            node.close()
    assert results[0] == results[1]
    assert results[1][0] == (3_000, 2_997, 0, 0, 3)
    assert rejects[0] == rejects[1]
    assert rejects[1].count(b"fatalities: 'a few' is not a number") == 3
    assert stored[0] == stored[1]


@pytest.mark.parametrize("min_bytes", [0, 2**62], ids=["worker", "one process"])
def test_progress_counts_every_row_read(node: Node, big: Path, min_bytes: int) -> None:
    for path, rows in ((ACLED, 150), (big, 3_000)):  # not a multiple of a thousand, then one
        seen: list[int] = []
        import_file(node, "acled", path, worker_min_bytes=min_bytes, progress=seen.append)
        assert sum(seen) == rows


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if _state(pid) in ("Z", "X", "-"):
            return True
        time.sleep(0.05)
    return False


def _state(pid: int) -> str:
    """The process state letter of ``pid`` (``R``, ``S``, … ; ``Z`` for a zombie), ``-`` when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return "-"


needs_proc = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")


@needs_proc
def test_the_worker_stops_when_the_import_fails_in_the_writer(node: Node, big: Path) -> None:
    workers: list[int] = []

    def progress(n: int) -> None:
        workers.extend(_children(os.getpid()))
        raise RuntimeError("the writer fails")

    with pytest.raises(RuntimeError, match="the writer fails"):
        import_file(node, "acled", big, worker_min_bytes=0, progress=progress)
    assert workers, "the import ran no worker process"
    assert all(_gone(pid, 30) for pid in workers)
    assert (count_incidents(node.db), node.log.size()) == (0, 0)


@needs_proc
def test_a_worker_that_dies_fails_the_import_and_stores_nothing(node: Node, held_back: Path) -> None:
    killed: list[int] = []

    def progress(n: int) -> None:
        # The first batch has arrived (the worker has started sending) and the importer holds on to it, so the
        # worker cannot finish before the kill (see held_back): no race with a worker that is quicker.
        if killed:
            return
        (worker,) = _children(os.getpid())
        assert _state(worker) not in ("Z", "X", "-"), "the worker finished before it was killed"
        os.kill(worker, signal.SIGKILL)
        killed.append(worker)

    with pytest.raises(SarhadError, match=r"the import worker stopped unexpectedly \(exit code -9\)"):
        import_file(node, "acled", held_back, worker_min_bytes=0, progress=progress)
    assert killed and _gone(killed[0], 30)
    assert (count_incidents(node.db), node.log.size()) == (0, 0)


@needs_proc
def test_the_worker_dies_with_a_killed_parent(tmp_path: Path, held_back: Path) -> None:
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from sarhad.importer import import_file\n"
        "from sarhad.node import Node\n"
        "node = Node.init(Path(sys.argv[1]), 'PK')\n"
        "def progress(n):\n"
        "    print('running', flush=True)\n"
        "    time.sleep(60)\n"
        "import_file(node, 'acled', Path(sys.argv[2]), worker_min_bytes=0, progress=progress)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "node"), str(held_back)], stdout=subprocess.PIPE, env=env
    )
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline() == b"running\n"
        workers = _children(parent.pid)
        # still running (held back by the parent's first batch), so it is the parent's death that ends it
        assert workers and all(_state(pid) not in ("Z", "X", "-") for pid in workers)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert all(_gone(pid, 30) for pid in workers)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()


@needs_proc
def test_the_worker_peak_is_the_workers_own_not_the_importing_processes(tmp_path: Path, big: Path) -> None:
    """An importing process that once held 400 MB starts its worker from that memory; the worker's peak
    reported is what the worker itself held (a few dozen MB for 3,000 rows), not those 400 MB, which the
    system's own count for a child (getrusage) keeps across the worker's exec."""
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from sarhad.importer import import_file\n"
        "from sarhad.node import Node\n"
        "held = b'x' * (400 * 2**20)\n"  # written, so resident
        "del held\n"
        "node = Node.init(Path(sys.argv[1]), 'PK')\n"
        "result = import_file(node, 'acled', Path(sys.argv[2]), worker_min_bytes=0)\n"
        "print(result.worker, result.worker_peak_rss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "node"), str(big)], capture_output=True, env=env, check=True
    )
    used, peak, counted_for_children = out.stdout.decode().split()
    assert used == "True"
    assert int(counted_for_children) > 400 * 2**20  # what the benchmark showed
    assert 10 * 2**20 < int(peak) < 300 * 2**20
