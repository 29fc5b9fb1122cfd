#!/bin/sh
# Makes node-0.1.0.tar.gz: the home of a PK node written by sarhad 0.1.0 (commit 148b7a6, the release before
# the migrations of refused_entries, reconcile_clusters.disagree, reconcile_audiences and
# incident_summary.killed_known), for tests/store/test_upgrade.py.
#
#   git worktree add --detach OLD 148b7a6
#   sh tests/assets/upgrade/make_node_0_1_0.sh OLD PYTHON    # PYTHON: an interpreter with sarhad's dependencies
#
# Two nodes, PK and IR, on SQLite, served on 127.0.0.1:8491 and 8492 by the old code: six ACLED rows with deaths each
# (IR gives another killed figure for the first, so reconciliation flags a disagreement), the pk-ir-2025 framework,
# an assessment each, evidence, a dispute PK opens and IR answers, a milestone PK changes, an alert rule, and
# syncs both ways (so PK holds IR's log, its cosignature and a withheld audit entry). PK's home is packed with
# its database in rollback-journal mode and 1 KiB pages (smaller; the migrations do not depend on either).
# node.key in it is a key made for this fixture and nothing else.
set -eu
OLD=$(cd "$1" && pwd); PY=$2; HERE=$(cd "$(dirname "$0")" && pwd); ASSETS=$(dirname "$HERE")
WORK=$(mktemp -d); cd "$WORK"
old() { PYTHONPATH="$OLD" "$PY" -m sarhad "$@"; }
ASSETS="$ASSETS" "$PY" - <<'PY'
import csv, os
with open(os.environ["ASSETS"] + "/synthetic/acled_synthetic.csv", newline="") as f:
    rows = [r for r in csv.DictReader(f) if r["fatalities"] not in ("", "0")][:6]
for name, first in (("pk.csv", rows[0]["fatalities"]), ("ir.csv", str(int(rows[0]["fatalities"]) + 5))):
    with open(name, "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(rows[0]))
        out.writeheader()
        out.writerows([{**rows[0], "fatalities": first}, *rows[1:]])
PY
old --home pk init --party PK; old --home ir init --party IR
old --home pk import acled pk.csv --reported-by PK; old --home ir import acled ir.csv --reported-by IR
old --home pk framework init --template pk-ir-2025; old --home ir framework init --template pk-ir-2025
old --home pk assess C-02 --quarter 2026Q1 --level 2 --rationale "Two of three committees met"
old --home ir assess C-02 --quarter 2026Q1 --level 1 --rationale "One committee met"
echo "minutes" > minutes.txt; old --home pk evidence add minutes.txt --kind meeting
DISPUTE=$(old --home pk dispute open --commitment C-02 --quarter 2026Q1 --subject "Meetings" --position "Two met")
old --home pk milestone update M-03.1 --status met --date-met 2026-01-10
old --home pk alerts rules add --name border --near-border 20 --min-killed 1
TPK=$(old --home pk token create --principal ir-node --role peer --party IR | grep -o 'sarhad_[A-Za-z0-9_-]*')
TIR=$(old --home ir token create --principal pk-node --role peer --party PK | grep -o 'sarhad_[A-Za-z0-9_-]*')
old --home ir peer add PK http://127.0.0.1:8491 --vkey "$(old --home pk key show)" --token "$TPK"
old --home pk peer add IR http://127.0.0.1:8492 --vkey "$(old --home ir key show)" --token "$TIR"
PYTHONPATH="$OLD" "$PY" -m sarhad --home pk serve --port 8491 --audit-flush-seconds 1 & PKPID=$!
PYTHONPATH="$OLD" "$PY" -m sarhad --home ir serve --port 8492 --audit-flush-seconds 1 & IRPID=$!
trap 'kill $PKPID $IRPID 2>/dev/null || true' EXIT
for port in 8491 8492; do  # until each answers
  "$PY" -c "import sys, time, urllib.request as u
for _ in range(120):
    try: u.urlopen('http://127.0.0.1:$port/'); sys.exit(0)
    except u.HTTPError: sys.exit(0)
    except OSError: time.sleep(0.5)
sys.exit(1)"
done
old --home ir sync PK; old --home ir dispute reply "$DISPUTE" --position "One met"; sleep 2
old --home pk sync IR; old --home ir sync PK
kill $PKPID $IRPID; wait $PKPID $IRPID || true
old --home pk reconcile
"$PY" - <<'PY'
import sqlite3
db = sqlite3.connect("pk/sarhad.db")
db.execute("PRAGMA journal_mode=DELETE")
db.execute("PRAGMA page_size=1024")
db.execute("VACUUM")
db.close()
PY
rm -f pk/sarhad.db-wal pk/sarhad.db-shm
sed -i '/^database = /d' pk/sarhad.toml
tar -czf "$HERE/node-0.1.0.tar.gz" --owner=0 --group=0 pk
rm -rf "$WORK"
