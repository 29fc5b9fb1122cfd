"""The files the suite starts first (tests/conftest.py ``LONGEST_FIRST``) exist: a file renamed or split would
otherwise drop out of the order silently, and a parallel run could end on it with one worker busy."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import LONGEST_FIRST


def test_every_file_the_suite_starts_first_exists() -> None:
    tests = Path(__file__).parent
    assert [name for name in LONGEST_FIRST if not (tests / name).is_file()] == []
    assert len(set(LONGEST_FIRST)) == len(LONGEST_FIRST)
