"""Ranked search: exact names and abbreviations first, typos, spellings, split words, noise.

Search has one implementation, on PostgreSQL (pg_trgm, fuzzystrmatch, unaccent); the bundled
glossary is held to the probe set in search_probes.yaml.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.db import connection

from glossary.models import Term
from glossary.selectors import term_search

from .conftest import terms_by_slug

pytestmark = pytest.mark.django_db


def _slugs(query: str, limit: int = 10) -> list[str]:
    return [term.slug for term in term_search(query=query, limit=limit)]


@pytest.fixture
def sample_terms(sample_terms_once, db) -> dict:
    """The fixture glossary, written once for the module (glossary/tests/conftest.py)."""
    return terms_by_slug(sample_terms_once)


# Before the first test that asks for sample_terms: the bundled glossary, in an empty database
# (the fixture glossary stays written from the first test that asks for it, conftest.module_rows).
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
@pytest.mark.slow
def test_bundled_glossary_search(query, slug):
    from glossary.content import TERMS_DIR, load

    if not list(TERMS_DIR.glob("*.yaml")):
        pytest.skip("bundled glossary terms not written yet")
    load(stdout=io.StringIO())
    assert _slugs(query, limit=5)[0] == slug


PROBES = Path(__file__).resolve().parent / "search_probes.yaml"


@pytest.mark.slow
def test_probe_set_finds_what_students_meant():
    """At least 95% of the probes (typos, spellings, split words, abbreviations, plurals,
    noisy queries) find the term they mean in the top 3 of the bundled glossary."""
    from glossary.content import load

    load(stdout=io.StringIO())
    probes = yaml.safe_load(PROBES.read_text(encoding="utf-8"))
    known = set(Term.objects.values_list("slug", flat=True))
    failures, total = [], 0
    for kind, expected in probes.items():
        for query, slug in expected.items():
            assert slug in known, f"probe {query!r} expects {slug!r}, which is not bundled"
            total += 1
            top = _slugs(str(query), limit=3)
            if slug not in top:
                failures.append(f"{kind}: {query!r} -> {top}, wanted {slug}")
    print(f"search probes: {total - len(failures)}/{total} in the top 3", *failures, sep="\n")
    kinds = {"typo", "spelling", "split-joined", "abbreviation", "plural", "noisy"}
    assert total >= 60 and set(probes) == kinds and all(probes.values())
    assert len(failures) <= total * 0.05, "\n".join(failures)


@pytest.mark.slow
def test_an_abbreviation_is_not_matched_inside_words():
    """ "MSE" must not find a term because its definition says "themselves"."""
    from glossary.content import load

    load(stdout=io.StringIO())
    themselves = set(
        Term.objects.filter(definition__icontains="themselves").values_list("slug", flat=True)
    )
    assert themselves  # the bundled glossary has one, so the check below means something
    results = _slugs("MSE", limit=50)
    assert results[0] == "mean-squared-error"
    assert not themselves & set(results)


def test_runs_on_postgresql(sample_terms):
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("GRU", "gated-recurrent-unit"),
        ("gru", "gated-recurrent-unit"),
        ("MSE", "mean-squared-error"),
        ("mse", "mean-squared-error"),
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
    assert _slugs("backprop")[0] == "backpropagation"


def test_exact_name_then_names_it_starts(sample_terms):
    assert _slugs("Convolution")[:2] == ["convolution", "convolutional-neural-network"]
    assert set(_slugs("neural network")[:2]) == {
        "convolutional-neural-network",
        "recurrent-neural-network",
    }


def test_an_alias_alone_finds_its_term_alone(sample_terms):
    assert _slugs("ConvNet") == ["convolutional-neural-network"]
    assert _slugs("convnet") == ["convolutional-neural-network"]


def test_one_noise_word_does_not_sink_the_match(sample_terms):
    assert _slugs("dropout zzqxv")[0] == "dropout"
    assert _slugs("what is a gated recurrent unit")[0] == "gated-recurrent-unit"
    assert _slugs("gru layer")[0] == "gated-recurrent-unit"


def test_spelling_plurals_and_split_words(sample_terms):
    assert _slugs("drop out")[0] == "dropout"
    assert _slugs("Back-propagation")[0] == "backpropagation"
    assert _slugs("recurrent neural networks")[0] == "recurrent-neural-network"
    assert _slugs("kernels")[0] == "kernel"


def test_limit_empty_and_nonsense(sample_terms):
    assert len(term_search(query="network", limit=2)) == 2
    assert term_search(query="   ", limit=5) == []
    assert term_search(query="zzqxv", limit=5) == []
    assert term_search(query="zzz", limit=5) == []
    assert _slugs("&|!:*()'") == []
    assert _slugs("%_\\") == []


def test_definitions_are_searched_without_accents(sample_terms):
    Term.objects.create(
        slug="naive-bayes",
        name="Bayes Classifier",
        category="fundamentals",
        definition="A naïve model that treats every feature as independent.",
    )
    from glossary.services import term_refresh_search_vectors

    term_refresh_search_vectors(slugs=["naive-bayes"])
    assert _slugs("naive") == ["naive-bayes"]  # only its definition says it
    assert _slugs("independent feature")[0] == "naive-bayes"


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
    # The row changes behind this process's back (another process, before its bump is seen;
    # this process's own bulk writes bump the version, see dlplatform/versioned.py).
    with connection.cursor() as cursor:
        table = Term._meta.db_table
        cursor.execute(
            f'UPDATE "{table}" SET definition = %s WHERE id = %s', ["Edited definition.", first.pk]
        )
    assert term_search(query="convolutonal", limit=10)[0].definition != "Edited definition."
    first.definition = "Edited definition."
    first.save()  # admin and importers save, which moves the term index version on

    assert term_search(query="convolutonal", limit=10)[0].definition == "Edited definition."


def test_keys_follow_every_save_and_the_bulk_refresh(sample_terms):
    from glossary.models import TermSearchKey
    from glossary.services import term_refresh_search_vectors

    term = sample_terms["kernel"]
    term.aliases = ["convolution filter"]
    term.save()
    assert set(
        term.search_keys.exclude(kind=TermSearchKey.Kind.WORD).values_list("key", flat=True)
    ) == {
        "kernel",
        "convolution filter",
    }
    assert _slugs("convolution filter")[0] == "kernel"
    Term.objects.filter(pk=term.pk).update(aliases=["weight grid"])  # no signal
    term_refresh_search_vectors(slugs=["kernel"])
    assert "weight grid" in set(term.search_keys.values_list("key", flat=True))
    assert "convolution filter" not in set(term.search_keys.values_list("key", flat=True))


def test_a_changed_glossary_is_searched_afresh(sample_terms):
    from glossary.services import term_index_invalidate

    assert not term_search(query="zebranet", limit=10)
    Term.objects.create(slug="zebranet", name="ZebraNet", category="architectures", definition="d.")
    term_index_invalidate()
    assert [t.slug for t in term_search(query="zebranet", limit=10)] == ["zebranet"]


def test_short_queries_need_a_close_trigram_match(sample_terms):
    # "GRU" shares two trigrams with "Gradient Descent"; only the exact abbreviation comes back.
    assert _slugs("GRU") == ["gated-recurrent-unit"]
