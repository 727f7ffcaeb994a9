"""Glossary test helpers: load the small self-written fixture glossary."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import module_rows

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _load_sample_terms() -> dict:
    from glossary.content import load
    from glossary.models import Term

    load(stdout=io.StringIO(), directory=FIXTURES / "terms")
    return {term.slug: term for term in Term.objects.all()}


@pytest.fixture
def sample_terms(db):
    return _load_sample_terms()


@pytest.fixture(scope="module")
def sample_terms_once(request, django_db_setup, django_db_blocker) -> Iterator[list[int]]:
    """The fixture glossary written once for a module (conftest.module_rows): its terms' pks.
    A module whose tests all read it overrides `sample_terms` with `terms_by_slug(...)`."""
    yield from module_rows(
        request, django_db_blocker, lambda: [t.pk for t in _load_sample_terms().values()]
    )


def terms_by_slug(pks: list[int]) -> dict:
    """The terms of `sample_terms_once`, fetched afresh: a test's changes to them stay its own."""
    from glossary.models import Term

    return {term.slug: term for term in Term.objects.filter(pk__in=pks)}
