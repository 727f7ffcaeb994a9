"""Glossary test helpers: load the small self-written fixture glossary."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def sample_terms(db):
    from glossary.content import load

    load(stdout=io.StringIO(), directory=FIXTURES / "terms")
    from glossary.models import Term

    return {term.slug: term for term in Term.objects.all()}
