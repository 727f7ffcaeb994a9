"""Ranked search on PostgreSQL: weights, typos through pg_trgm, exact abbreviations first."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from glossary.models import Term
from glossary.selectors import term_search

pytestmark = pytest.mark.django_db


def _slugs(query: str, limit: int = 10) -> list[str]:
    return [term.slug for term in term_search(query=query, limit=limit)]


def test_runs_on_postgresql(sample_terms):
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("GRU", "gated-recurrent-unit"),
        ("MSE", "mean-squared-error"),
        ("LSTM", "long-short-term-memory"),
        ("lstm", "long-short-term-memory"),
        ("cnn", "convolutional-neural-network"),
    ],
)
def test_exact_abbreviation_ranks_first(sample_terms, query, slug):
    assert _slugs(query)[0] == slug


def test_abbreviation_beats_a_definition_mention(sample_terms):
    # Mean Absolute Error mentions "MSE" in its definition; it may appear, but below MSE itself.
    results = _slugs("MSE")
    assert results[0] == "mean-squared-error"
    assert "mean-absolute-error" in results


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("convolutonal", "convolutional-neural-network"),
        ("backpropogation", "backpropagation"),
        ("recurent neural network", "recurrent-neural-network"),
        ("droput", "dropout"),
    ],
)
def test_typos_find_the_term(sample_terms, query, slug):
    assert _slugs(query, limit=3)[0] == slug


def test_name_outranks_alias_outranks_definition(sample_terms):
    # "kernel": the name of Kernel (A), mentioned in definitions of Convolution (C).
    results = _slugs("kernel")
    assert results[0] == "kernel"
    assert results.index("kernel") < results.index("convolution")
    # "filter" is only an alias of Kernel (B) and a word in the CNN definition (C).
    results = _slugs("filter")
    assert results[:2] == ["kernel", "convolutional-neural-network"]


def test_prefix_matches_while_typing(sample_terms):
    assert "convolutional-neural-network" in _slugs("convolutio")
    assert _slugs("backpr")[0] == "backpropagation"


def test_limit_empty_and_nonsense(sample_terms):
    assert len(term_search(query="network", limit=2)) == 2
    assert term_search(query="   ", limit=5) == []
    assert term_search(query="zzqxv", limit=5) == []
    assert _slugs("&|!:*()'") == []


def test_search_is_two_queries_then_none_when_repeated(sample_terms, django_assert_num_queries):
    from glossary.linking import index_version

    index_version()  # the term index is built once per glossary change, not per search
    with django_assert_num_queries(2):  # the ranked ids, then the terms
        first = term_search(query="convolutonal", limit=10)
    with django_assert_num_queries(0):  # the ranking from the cache, the rows from this process
        again = term_search(query="Convolutonal", limit=10)
    assert again == first and first


def test_an_edited_term_is_shown_as_edited(sample_terms):
    first = term_search(query="convolutonal", limit=10)[0]
    Term.objects.filter(pk=first.pk).update(definition="Edited definition.")
    assert term_search(query="convolutonal", limit=10)[0].definition != "Edited definition."
    first.definition = "Edited definition."
    first.save()  # admin and importers save, which moves the term index version on

    assert term_search(query="convolutonal", limit=10)[0].definition == "Edited definition."


def test_a_changed_glossary_is_searched_afresh(sample_terms):
    from glossary.services import term_index_invalidate

    assert not term_search(query="zebranet", limit=10)
    Term.objects.create(slug="zebranet", name="ZebraNet", category="architectures", definition="d.")
    term_index_invalidate()
    assert [t.slug for t in term_search(query="zebranet", limit=10)] == ["zebranet"]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("convolutonal", "convolutional-neural-network"),
        ("backpropogation", "backpropagation"),
        ("GRU", "gated-recurrent-unit"),
        ("MSE", "mean-squared-error"),
        ("LSTM", "long-short-term-memory"),
        ("transformr", "transformer"),
        ("BN", "batch-normalization"),
    ],
)
def test_bundled_glossary_search(query, slug):
    from glossary.content import TERMS_DIR, load

    if not list(TERMS_DIR.glob("*.yaml")):
        pytest.skip("bundled glossary terms not written yet")
    load(stdout=io.StringIO())
    assert _slugs(query, limit=5)[0] == slug


def test_short_queries_need_a_close_trigram_match(sample_terms):
    # "GRU" shares two trigrams with "Gradient Descent"; only the exact abbreviation comes back.
    assert _slugs("GRU") == ["gated-recurrent-unit"]
