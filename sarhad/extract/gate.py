"""A fast keyword gate the extractor's sentence passes open before their regular expressions run."""

from __future__ import annotations

__all__ = ["Gate"]


class Gate:
    """Any of the stems of ``pattern`` (``a|b|c``) in the lower-cased text: a substring search, no regex."""

    __slots__ = ("stems",)

    def __init__(self, pattern: str) -> None:
        self.stems = tuple(stem.lower() for stem in pattern.split("|") if stem)

    def search(self, text: str) -> bool:
        low = text.lower()
        return any(map(low.__contains__, self.stems))
