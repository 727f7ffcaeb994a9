"""link_terms: first mention linked, whole words, case rules, skipped elements, cache invalidation."""

from __future__ import annotations

import io

import pytest

from glossary.content import load
from glossary.linking import link_terms
from glossary.models import Term

from .conftest import FIXTURES, terms_by_slug

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample_terms(sample_terms_once, db) -> dict:
    """The fixture glossary, written once for the module (glossary/tests/conftest.py)."""
    return terms_by_slug(sample_terms_once)


@pytest.fixture(autouse=True)
def _fresh_index(sample_terms):
    from glossary.caches import term_index

    term_index.bump()


def _count(html: str, slug: str) -> int:
    return html.count(f'href="/glossary/{slug}/"')


def test_first_mention_per_document_gets_a_link_with_definition():
    html = link_terms("<p>Dropout helps.</p><p>Use dropout again.</p>")
    assert _count(html, "dropout") == 1
    assert (
        '<a class="term-link" href="/glossary/dropout/" data-definition="Randomly silencing units '
        'during training so the network cannot rely on any single one.">Dropout</a>'
    ) in html
    assert html.endswith("<p>Use dropout again.</p>")


def test_per_paragraph_scope_links_again_in_each_paragraph():
    html = link_terms("<p>Dropout helps.</p><p>Use dropout again.</p>", per="paragraph")
    assert _count(html, "dropout") == 2


def test_longest_name_wins_and_whole_words_only():
    html = link_terms("<p>A convolutional neural network is not a convolution-free model.</p>")
    assert _count(html, "convolutional-neural-network") == 1
    assert ">convolutional neural network</a>" in html
    assert _count(html, "convolution") == 0  # "convolution-free" is part of a bigger word
    assert link_terms("<p>Unkernelled text.</p>") == "<p>Unkernelled text.</p>"


def test_abbreviations_are_case_sensitive_names_are_not():
    html = link_terms("<p>The GRU is small; a gru is a bird. BACKPROPAGATION runs.</p>")
    assert ">GRU</a>" in html and ">gru</a>" not in html
    assert ">BACKPROPAGATION</a>" in html


def test_plural_and_alias_mentions():
    html = link_terms("<p>Two CNNs used a filter and backprop.</p>")
    assert ">CNNs</a>" in html
    assert _count(html, "kernel") == 1 and ">filter</a>" in html
    assert ">backprop</a>" in html


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="/x">Dropout</a></p>',
        "<h2>Dropout</h2>",
        "<p><code>Dropout</code></p>",
        "<pre><code>x = Dropout(0.5)</code></pre>",
        '<p><img alt="Dropout diagram" src="d.png"></p>',
    ],
)
def test_never_inside_links_code_headings_or_attributes(html):
    assert link_terms(html) == html


def test_skipped_heading_does_not_use_up_the_first_mention():
    html = link_terms("<h2>Dropout</h2><p>Dropout helps.</p>")
    assert html == "<h2>Dropout</h2>" + link_terms("<p>Dropout helps.</p>")


def test_definition_is_escaped(db):
    Term.objects.create(
        slug="quote", name="Quoted Thing", definition='Says "hi" & <b>bye</b>.', category="data"
    )
    html = link_terms("<p>A quoted thing.</p>")
    assert 'data-definition="Says &quot;hi&quot; &amp; &lt;b&gt;bye&lt;/b&gt;."' in html


def test_index_is_cached_and_invalidated_on_change(django_assert_num_queries):
    link_terms("<p>warm</p>")
    with django_assert_num_queries(0):
        link_terms("<p>Dropout</p>")
    Term.objects.create(
        slug="epoch", name="Epoch", definition="One pass over the data.", category="training"
    )
    assert _count(link_terms("<p>An epoch ends.</p>"), "epoch") == 1


def test_index_invalidated_by_content_load(tmp_path):
    link_terms("<p>warm</p>")
    (tmp_path / "extra.yaml").write_text(
        (FIXTURES / "terms" / "sample.yaml").read_text()
        + "- {slug: tensor, name: Tensor, category: fundamentals, definition: An n-dimensional array.}\n"
    )
    load(stdout=io.StringIO(), directory=tmp_path)
    assert _count(link_terms("<p>A tensor.</p>"), "tensor") == 1


def test_quoted_greater_than_in_attributes_is_not_text():
    out = link_terms('<p title="a > Dropout">x</p><p>Dropout</p>')
    assert out.startswith(
        '<p title="a > Dropout">x</p><p><a class="term-link" href="/glossary/dropout/"'
    )
    assert out.count("term-link") == 1


def test_skip_and_per_paragraph_keep_skipped_terms_unlinked():
    html = link_terms(
        "<p>Dropout and GRU.</p><p>Dropout again.</p>", per="paragraph", skip=["dropout"]
    )
    assert _count(html, "dropout") == 0 and _count(html, "gated-recurrent-unit") == 1


# --- wrong senses: stop phrases, dashes, longest phrase, per-occurrence overrides ----------------
def _term(slug: str, name: str, aliases: list[str] | None = None) -> None:
    Term.objects.create(
        slug=slug, name=name, aliases=aliases or [], definition=f"{name}.", category="metrics"
    )


@pytest.fixture
def senses(db):
    _term("bias", "Bias", ["bias term"])
    _term("recall", "Recall", ["sensitivity"])
    _term("hyperparameter", "Hyperparameter", ["hyperparameters"])
    _term("bias-variance-tradeoff", "Bias-Variance Trade-off")


def test_stop_phrases_block_only_the_wrong_sense(senses):
    html = link_terms("<p>CNNs have an inductive bias and sensitivity to hyperparameters.</p>")
    assert _count(html, "bias") == 0 and _count(html, "recall") == 0
    assert ">hyperparameters</a>" in html  # the other word of the stop phrase still links
    assert _count(link_terms("<p>Add a bias.</p>"), "bias") == 1
    assert _count(link_terms("<p>Recall and sensitivity.</p>"), "recall") == 1


def test_a_dash_joins_words_and_the_longest_name_wins(senses):
    html = link_terms("<p>The bias–variance picture; the bias–variance trade-off.</p>")
    assert _count(html, "bias") == 0
    assert ">bias–variance trade-off</a>" in html and _count(html, "bias-variance-tradeoff") == 1


def test_override_forces_a_link_and_escape_suppresses(senses):
    html = link_terms("<p>The [[recall|hit rate]] matters; [[!Bias]] here is plain; a bias.</p>")
    assert '<a class="term-link" href="/glossary/recall/"' in html and ">hit rate</a>" in html
    assert "[[" not in html and "Bias here is plain" in html
    assert _count(html, "bias") == 1 and html.count("term-link") == 2  # "a bias" still links
    # An unknown slug shows its text unlinked (check_content reports it).
    assert link_terms("<p>[[ghost|a ghost]]</p>") == "<p>a ghost</p>"


def test_overrides_are_stripped_where_text_is_not_linked(senses):
    from glossary.rendering import render_lesson_text

    assert str(render_lesson_text("[[recall|hit rate]] and [[!Bias]]", link=False)) == (
        "<p>hit rate and Bias</p>"
    )


def test_code_that_looks_like_an_override_is_left_alone(senses):
    html = "<p><code>[[!x]]</code> and [[1, 2], [3, 4]]</p>"
    assert link_terms(html) == html
