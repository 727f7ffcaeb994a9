"""Test data shared by the lessons and flashcards tests: a few glossary terms and two sections."""

from __future__ import annotations

import io
from pathlib import Path

FIXTURE_SECTIONS = Path(__file__).resolve().parent / "fixtures" / "sections"

TERMS = [
    (
        "perceptron",
        "Perceptron",
        "",
        "fundamentals",
        "A single unit that thresholds a weighted sum.",
    ),
    (
        "activation-function",
        "Activation Function",
        "",
        "activation-functions",
        "A nonlinear function applied to a unit's sum.",
    ),
    ("dropout", "Dropout", "", "regularization", "Randomly zeroing units while training."),
]


def make_terms() -> list:
    from glossary.models import Term

    return [
        Term.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "abbreviation": abbr,
                "category": cat,
                "definition": definition,
            },
        )[0]
        for slug, name, abbr, cat, definition in TERMS
    ]


def load_fixture_course() -> str:
    """Terms plus the two fixture sections (9.1, 9.2) and their decks."""
    from flashcards import content as flashcards_content
    from lessons import content

    make_terms()
    summary = content.load(stdout=io.StringIO(), directory=FIXTURE_SECTIONS)
    flashcards_content.load(stdout=io.StringIO(), directory=FIXTURE_SECTIONS)
    return summary
