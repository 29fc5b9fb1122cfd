"""The shared snapshot of a node's stored content: equal for the same imports at other times, unequal otherwise."""

from __future__ import annotations

import time
from pathlib import Path

from sarhad.importer import import_file
from sarhad.node import Node
from tests.conftest import UCDP_SAMPLE
from tests.store.helpers import stored_content


def test_stored_content_ignores_publish_times_and_sees_any_difference(tmp_path: Path) -> None:
    with Node.init(tmp_path / "a", "PK") as a, Node.init(tmp_path / "b", "PK") as b:
        import_file(a, "ucdp", UCDP_SAMPLE)
        time.sleep(0.01)  # another publish time: replaced by its rank
        import_file(b, "ucdp", UCDP_SAMPLE)
        first, second = stored_content(a), stored_content(b)
        assert first == second
        assert all(first[table] for table in ("objects", "incidents", "raw_rows", "leaves", "summary", "cells"))
        assert "<stamp0>" in str(first["objects"][0])
        with b.db.transaction():
            b.db.execute("UPDATE incidents SET killed_best = killed_best + 1 WHERE id = ?", (first["incidents"][0][0],))
        assert stored_content(b)["incidents"] != first["incidents"]
