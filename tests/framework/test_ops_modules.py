"""The framework's writing modules: each imports on its own (no import cycle hides behind an import order), and
:mod:`sarhad.framework.ops` still offers every writing function callers import from it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sarhad.framework import (
    assessments,
    disputes,
    evidence,
    indicators,
    milestones,
    ops,
    recommendations,
    template,
)

WRITING_MODULES = ["assessments", "disputes", "evidence", "indicators", "milestones", "recommendations", "template"]


@pytest.mark.parametrize("name", [*WRITING_MODULES, "ops"])
def test_writing_module_imports_first_in_a_fresh_interpreter(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import sarhad.framework.{name}"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_ops_offers_each_writing_function_of_its_module() -> None:
    modules = [assessments, disputes, evidence, indicators, milestones, recommendations, template]
    offered = {name: getattr(ops, name) for name in ops.__all__}
    owned = {name: getattr(module, name) for module in modules for name in module.__all__}
    assert offered == owned
