"""A commitment's text ends before who said it ("…, the Ministry of Interior said"), but a reporting verb used as
an adjective ("with added patrols", "the announced free trade zone") is part of what was pledged."""

from __future__ import annotations

import pytest

from sarhad.extract import extract_article


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        (
            "Pakistan and Iran agreed on Wednesday to deploy more forces on the border, with added patrols along the"
            " main road, within three months.",
            "deploy more forces on the border, with added patrols along the main road, within three months",
        ),
        (
            "Pakistan and Iran agreed on Wednesday to expand trade within three months, including the announced free"
            " trade zone at Gwadar.",
            "expand trade within three months, including the announced free trade zone at Gwadar",
        ),
        (
            "Pakistan and Iran agreed on Wednesday to open two crossings within three months, the Ministry of"
            " Interior said after a meeting in Islamabad.",
            "open two crossings within three months",
        ),
        (
            "Pakistan and Iran agreed on Wednesday to open two crossings within three months, a spokesman for the"
            " ministry told reporters.",
            "open two crossings within three months",
        ),
    ],
)
def test_a_commitments_text_keeps_a_reporting_verb_used_as_an_adjective(sentence: str, text: str) -> None:
    (commitment,) = extract_article(sentence, published="2026-01-15").commitments
    assert commitment["text"] == text
    assert commitment["due"] == "2026-04"
