"""Writes to the glossary: upserts by slug, related links, search keys and vectors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVector
from django.core.cache import cache
from django.db.models import Func, TextField, Value
from django.db.models.functions import Cast, Coalesce

from . import search_text
from .models import SearchWord, Term, TermSearchKey

# link_terms keeps its compiled term index under this key; every write to terms drops it.
TERM_INDEX_CACHE_KEY = "glossary:term-index:v1"

TERM_FIELDS = (
    "name",
    "abbreviation",
    "aliases",
    "definition",
    "explanation",
    "category",
    "formula",
)


@dataclass
class TermData:
    slug: str
    name: str
    definition: str
    category: str
    abbreviation: str = ""
    aliases: list[str] = field(default_factory=list)
    explanation: str = ""
    formula: str = ""


def term_upsert(*, data: TermData) -> tuple[Term, str]:
    """Create or update one term by slug; returns the term and "created" / "updated" / "unchanged"."""
    values = {name: getattr(data, name) for name in TERM_FIELDS}
    term = Term.objects.filter(slug=data.slug).first()
    if term is None:
        return Term.objects.create(slug=data.slug, **values), "created"
    if all(getattr(term, name) == value for name, value in values.items()):
        return term, "unchanged"
    for name, value in values.items():
        setattr(term, name, value)
    term.save()
    return term, "updated"


def term_set_related(*, term: Term, related: Iterable[Term]) -> None:
    term.related.set(list(related))


def term_refresh_search_vectors(*, slugs: Iterable[str] | None = None) -> int:
    """Rebuild what search reads: the keys, and the weighted full-text vector (name A,
    abbreviation/aliases B, definition C) over unaccented text."""
    terms = Term.objects.all() if slugs is None else Term.objects.filter(slug__in=list(slugs))
    term_refresh_search_keys(terms=list(terms.only("pk", "name", "abbreviation", "aliases")))
    vector = (
        SearchVector(_unaccent("name"), weight="A", config="english")
        + SearchVector(_unaccent("abbreviation"), weight="B", config="english")
        + SearchVector(
            _unaccent(Coalesce(Cast("aliases", TextField()), Value(""), output_field=TextField())),
            weight="B",
            config="english",
        )
        + SearchVector(_unaccent("definition"), weight="C", config="english")
    )
    return terms.update(search_vector=vector)


def _unaccent(expression: object) -> Func:
    return Func(expression, function="unaccent", output_field=TextField())


def term_search_keys(*, term: Term) -> list[TermSearchKey]:
    found = search_text.term_keys(
        name=term.name, abbreviation=term.abbreviation, aliases=term.aliases or []
    )
    return [
        TermSearchKey(term=term, kind=kind, key=key, compact=key.replace(" ", ""))
        for kind, key in found
    ]


def term_refresh_search_keys(*, terms: list[Term], created: bool = False) -> None:
    """Replace the search keys of `terms` and add their words to the vocabulary (three queries
    however many terms; two for new ones)."""
    if not created:
        TermSearchKey.objects.filter(term__in=terms).delete()
    keys = TermSearchKey.objects.bulk_create(
        key for term in terms for key in term_search_keys(term=term)
    )
    spelled = {key.key for key in keys if key.kind == TermSearchKey.Kind.WORD}
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(spelled)], ignore_conflicts=True
    )


def term_index_invalidate() -> None:
    from .linking import forget_local_index
    from .selectors import LETTER_COUNTS_KEY

    cache.delete_many([TERM_INDEX_CACHE_KEY, LETTER_COUNTS_KEY])
    forget_local_index()
