"""Reads of the glossary: search (PostgreSQL full-text + trigram, SQLite icontains), index, pages."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection, models
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Round

from lessons.models import Section

from .models import Term

# word_similarity above this counts as "probably a typo of this name" ("convolutonal").
TRIGRAM_THRESHOLD = 0.45
SHORT_QUERY_TRIGRAM_THRESHOLD = 0.7
MAX_QUERY_LENGTH = 100
SEARCH_CACHE_S = 600


def term_list(*, category: str = "") -> QuerySet[Term]:
    terms = Term.objects.defer("explanation", "search_vector")
    return terms.filter(category=category) if category else terms


def term_search(*, query: str, limit: int) -> list[Term]:
    """Best matches first: exact abbreviation, exact name, then full-text rank and typo similarity."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return []
    key = _search_cache_key(query, limit)
    ids = cache.get(key)
    if ids is None:
        if connection.vendor == "postgresql":
            ids = list(_search_postgres(query).values_list("pk", flat=True)[:limit])
        else:
            ids = list(term_search_simple(query=query).values_list("pk", flat=True)[:limit])
        cache.set(key, ids, SEARCH_CACHE_S)
    found = _terms_by_pk(ids)
    return [found[pk] for pk in ids if pk in found]


# Search results are terms every student sees alike: each process keeps the rows it has shown
# until the term index version changes (any term saved or deleted), as link_terms does.
_shown_terms: dict[str, Any] = {"version": None, "rows": {}}


def _terms_by_pk(ids: list[int]) -> dict[int, Term]:
    from .linking import index_version

    version = index_version()
    if _shown_terms["version"] != version:
        _shown_terms.update(version=version, rows={})
    rows: dict[int, Term] = _shown_terms["rows"]
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        rows.update(term_list().in_bulk(missing))
    return rows


def _search_cache_key(query: str, limit: int) -> str:
    # Every match in the search is case-insensitive, and the key follows the term index, so a
    # changed glossary never serves stale rankings.
    from .linking import index_version

    digest = hashlib.sha1(query.lower().encode()).hexdigest()
    return f"glossary:search:{index_version()}:{limit}:{digest}"


def _exactness(query: str) -> Case:
    return Case(
        When(abbreviation__iexact=query, then=Value(3)),
        When(name__iexact=query, then=Value(2)),
        When(name__istartswith=query, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _prefix_tsquery(query: str) -> SearchQuery | None:
    # Prefix-match every word so results appear while the student is still typing.
    words = re.findall(r"\w+", query)
    if not words:
        return None
    return SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="english")


def _search_postgres(query: str) -> QuerySet[Term]:
    tsquery = _prefix_tsquery(query)
    rank = SearchRank(F("search_vector"), tsquery) if tsquery else Value(0.0)
    # Short queries share trigrams with too much ("GRU" and "gradient"): demand a closer match.
    threshold = TRIGRAM_THRESHOLD if len(query) > 4 else SHORT_QUERY_TRIGRAM_THRESHOLD
    matches = Q(abbreviation__iexact=query) | Q(similarity__gte=threshold)
    if tsquery:
        matches |= Q(search_vector=tsquery)
    return (
        term_list()
        .annotate(
            exact=_exactness(query),
            rank=rank,
            similarity=TrigramWordSimilarity(query, "name"),
            score=Round(Greatest(F("rank"), F("similarity"), output_field=FloatField()), 2),
            popularity=_popularity(),
        )
        .filter(matches)
        .order_by("-exact", "-score", "-popularity", "name")
    )


def _popularity() -> Coalesce:
    # Breaks ties between equally good matches ("convolutonal" matches Convolutional Layer and
    # Convolutional Neural Network equally) in favour of the term the course leans on more.
    def count(through: type[models.Model], column: str) -> Subquery:
        rows = through.objects.filter(**{column: OuterRef("pk")}).order_by()
        return Subquery(rows.values(column).annotate(n=Count("*")).values("n")[:1])

    related = count(Term.related.through, "from_term")
    sections = count(Section.terms.through, "term")
    return Coalesce(related, 0) + Coalesce(sections, 0)


def term_search_simple(*, query: str) -> QuerySet[Term]:
    """The SQLite path (`make run`): case-insensitive substring matches, no typo tolerance."""
    matches = (
        Q(abbreviation__iexact=query)
        | Q(name__icontains=query)
        | Q(aliases__icontains=query)
        | Q(definition__icontains=query)
    )
    in_title = Case(
        When(Q(name__icontains=query) | Q(aliases__icontains=query), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        term_list()
        .filter(matches)
        .annotate(exact=_exactness(query), in_title=in_title)
        .order_by("-exact", "-in_title", "name")
    )


def term_get(*, slug: str) -> Term:
    """One term with what its page shows (related terms, lesson sections), in 3 queries."""
    sections = Prefetch("sections", queryset=Section.objects.select_related("chapter"))
    related = Prefetch("related", queryset=term_list().order_by("name"))
    return Term.objects.prefetch_related(related, sections).get(slug=slug)


def term_index_groups(*, category: str = "") -> list[tuple[str, list[Term]]]:
    """Terms grouped under their first letter ("#" for digits), A-Z, in one query."""
    groups: dict[str, list[Term]] = {}
    for term in sorted(term_list(category=category), key=lambda t: (t.letter, t.name.lower())):
        groups.setdefault(term.letter, []).append(term)
    return list(groups.items())
