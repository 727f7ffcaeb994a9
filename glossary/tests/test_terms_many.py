"""glossary.services.terms_upsert_many and terms_set_related: the bundled glossary's bulk path.

What `term_upsert` and `term.related.set` do one term at a time, in a number of queries that
does not grow with the terms, and with the search keys that the per-term save builds through
its signal.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary import search_text
from glossary.models import Term, TermSearchKey
from glossary.services import TermData, terms_set_related, terms_upsert_many

pytestmark = pytest.mark.django_db


def _items(count: int, *, definition: str = "A made-up term.") -> list[TermData]:
    return [
        TermData(
            slug=f"term-{n}",
            name=f"Made Up Term {n}",
            abbreviation=f"MU{n}",
            aliases=[f"made-up {n}"],
            definition=definition,
            category="core",
        )
        for n in range(count)
    ]


def _queries(write) -> int:
    with CaptureQueriesContext(connection) as queries:
        write()
    return len(queries)


def test_created_updated_and_unchanged_as_term_upsert_says_them():
    first = terms_upsert_many(items=_items(3))
    assert {status for _, status in first.values()} == {"created"}
    assert Term.objects.count() == 3
    items = _items(3)
    items[1].definition = "Another sentence."
    again = terms_upsert_many(items=items)
    assert [again[f"term-{n}"][1] for n in range(3)] == ["unchanged", "updated", "unchanged"]
    assert Term.objects.get(slug="term-1").definition == "Another sentence."
    assert Term.objects.get(slug="term-1").updated_at > Term.objects.get(slug="term-0").updated_at


def test_bulk_written_terms_have_their_search_keys_and_vector():
    terms_upsert_many(items=_items(2))
    keys = set(TermSearchKey.objects.filter(term__slug="term-1").values_list("key", flat=True))
    assert {search_text.key(text) for text in ("Made Up Term 1", "MU1", "made-up 1")} <= keys
    assert not Term.objects.filter(search_vector__isnull=True).exists()

    items = _items(2)
    items[1].aliases = ["renamed alias"]
    terms_upsert_many(items=items)
    keys = set(TermSearchKey.objects.filter(term__slug="term-1").values_list("key", flat=True))
    assert search_text.key("renamed alias") in keys
    assert search_text.key("made-up 1") not in keys


@pytest.mark.parametrize("write", ["create", "reload"])
def test_the_query_count_does_not_grow_with_the_terms(write):
    counts = []
    for size in (10, 100):
        items = [
            TermData(
                **{**vars(item), "slug": f"s{size}-{item.slug}", "name": f"{item.name} {size}"}
            )
            for item in _items(size)
        ]
        if write == "reload":
            terms_upsert_many(items=items)
        counts.append(_queries(lambda items=items: terms_upsert_many(items=items)))
    assert counts[0] == counts[1], counts


def test_related_links_are_symmetrical_and_only_changed_terms_are_written():
    terms = {slug: term for slug, (term, _) in terms_upsert_many(items=_items(4)).items()}
    a, b, c, d = (terms[f"term-{n}"] for n in range(4))
    # Each side lists the other, as the content loader's closure gives them.
    assert terms_set_related(related={a: [b, c], b: [a], c: [a], d: []}) == 3

    def linked(term: Term) -> set[str]:
        return set(term.related.values_list("slug", flat=True))

    assert (linked(a), linked(b), linked(c), linked(d)) == (
        {"term-1", "term-2"},
        {"term-0"},
        {"term-0"},
        set(),
    )
    assert terms_set_related(related={a: [b, c], b: [a], c: [a], d: []}) == 0
    # c leaves a's list: the link goes from both sides.
    assert terms_set_related(related={a: [b], c: []}) == 2
    assert (linked(a), linked(c)) == ({"term-1"}, set())


def test_a_reload_of_unchanged_related_links_costs_the_same_at_10_and_100_terms():
    counts = []
    for size in (10, 100):
        made = terms_upsert_many(
            items=[
                TermData(**{**vars(item), "slug": f"r{size}-{item.slug}"}) for item in _items(size)
            ]
        )
        chain = [term for term, _ in made.values()]
        # A ring: each term lists the one before and the one after it, as the loader's closure
        # lists both sides of every link.
        related = {term: [chain[n - 1], chain[(n + 1) % size]] for n, term in enumerate(chain)}
        assert terms_set_related(related=related) == size
        counts.append(_queries(lambda related=related: terms_set_related(related=related)))
    assert counts[0] == counts[1], counts
