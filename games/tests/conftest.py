"""A small course for the games: seven defined terms in one glossary category, a section that
lists them as key terms, and the glossary deck the flashcards loader builds from them."""

from __future__ import annotations

import io

import pytest

TERMS = [
    (
        "gradient-descent",
        "Gradient Descent",
        "",
        "Stepping the weights against the slope of the loss.",
    ),
    ("learning-rate", "Learning Rate", "", "How large each weight update step is."),
    (
        "overfitting",
        "Overfitting",
        "",
        "Fitting the training noise so new data is predicted badly.",
    ),
    ("dropout", "Dropout", "", "Randomly zeroing units while training so they cannot co-adapt."),
    (
        "batch-normalization",
        "Batch Normalization",
        "BN",
        "Rescaling activations with batch statistics.",
    ),
    ("epoch", "Epoch", "", "One full pass over the training set."),
    ("softmax", "Softmax", "", "Turning scores into probabilities that sum to one."),
]


@pytest.fixture
def game_course(db, tmp_path):
    from flashcards import content as flashcards_content
    from glossary.models import Term
    from lessons.models import Chapter, Section

    terms = [
        Term.objects.create(
            slug=slug, name=name, abbreviation=abbr, definition=text, category="fundamentals"
        )
        for slug, name, abbr, text in TERMS
    ]
    chapter = Chapter.objects.create(number=9, title="Training")
    section = Section.objects.create(
        number="9.9", slug="training", title="Training", chapter=chapter
    )
    section.terms.set(terms)
    flashcards_content.load(stdout=io.StringIO(), directory=tmp_path)  # glossary decks only
    return {"section": section, "terms": {t.slug: t for t in terms}}
