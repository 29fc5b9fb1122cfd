"""The processes the tests start run without the dev tools' ``rfc3987_syntax`` (tests/child_site), as a user's
install does, and sarhad's schema checks give the same answers there as in the test process, which has it."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import CHILD_SITE
from tests.serve_process import child_env

# What sarhad's two JSON Schema checks say about objects that break them: the STIX extension's validator (every
# property given a value of each wrong kind, IRIs among them) and the API's body check (dates, codes, sources).
_ANSWERS = """
import json, sys
from sarhad.formats.stix import _validator, extension_schema
from sarhad.web.api import _check_body

wrong = [None, 1, "", "ht tp://not an iri/\u00e9", "http://[::1", ["x"], {"a": 1}, "2026-13-45", -1]
objects = [{}, "not an object", {"x_unknown": "http://exa mple.org/"}] + [
    {"extension_type": "property-extension", name: value}
    for name in extension_schema()["properties"] for value in wrong
]
bodies = [
    {}, {"date_start": "2026-02-30"}, {"date_start": "not a date", "date_end": "2026-01-01"}, {"title": 1},
    {"date_start": "2026-01-01", "date_end": "2026-01-02", "sources": ["ht tp://not an iri"]},
    {"date_start": "2026-01-01", "date_end": "2026-01-02", "unknown": 1},
]
stix = [sorted((list(map(str, e.absolute_path)), e.validator, e.message) for e in _validator().iter_errors(o))
        for o in objects]
print(json.dumps({"grammar": "rfc3987_syntax" in sys.modules, "stix": stix, "api": [_check_body(b) for b in bodies]}))
"""


def _answers(env: dict[str, str] | None) -> dict[str, Any]:
    run = subprocess.run([sys.executable, "-c", _ANSWERS], capture_output=True, text=True, env=env, check=True)
    answers: dict[str, Any] = json.loads(run.stdout)
    return answers


def test_a_child_process_finds_the_stand_in_first() -> None:
    # An inherited environment (PYTHONPATH set for the session); a served node's is child_env's, below.
    find = "import importlib.util; print(importlib.util.find_spec('rfc3987_syntax').origin)"
    run = subprocess.run([sys.executable, "-c", find], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == str(CHILD_SITE / "rfc3987_syntax.py")


def test_the_test_process_keeps_the_real_package() -> None:
    spec = importlib.util.find_spec("rfc3987_syntax")
    assert spec is not None and spec.origin is not None
    assert str(CHILD_SITE) not in spec.origin and "site-packages" in spec.origin


def test_schema_checks_answer_the_same_without_the_grammar() -> None:
    bare_env = child_env()
    with_grammar = dict(bare_env, PYTHONPATH=bare_env["PYTHONPATH"].split(os.pathsep, 1)[1])
    full, bare = _answers(with_grammar), _answers(bare_env)
    assert (full["grammar"], bare["grammar"]) == (True, False)
    assert all(full["stix"]) and all(full["api"])  # every object breaks a rule
    assert bare["stix"] == full["stix"] and bare["api"] == full["api"]
