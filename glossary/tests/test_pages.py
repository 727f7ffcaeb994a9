"""Public glossary pages: A-Z index, category filter, ?q= search, term page, query bounds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from glossary.models import Term

pytestmark = pytest.mark.django_db


def _make_terms(count: int) -> None:
    Term.objects.bulk_create(
        Term(
            slug=f"term-{i}",
            name=f"{chr(65 + i % 26)}term {i}",
            definition=f"Definition {i}.",
            category="fundamentals" if i % 2 else "layers",
        )
        for i in range(count)
    )
    first, second, third = Term.objects.order_by("id")[:3]
    first.related.add(second, third)


def test_index_lists_terms_by_letter_with_jump_links(anon_client, sample_terms):
    response = anon_client.get(reverse("glossary:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#letter-C"' in html and 'id="letter-C"' in html
    assert "Convolutional Neural Network" in html and "Dropout" in html
    # Letters without terms are shown but not linked.
    assert 'href="#letter-Z"' not in html
    assert "glossary/glossary.css" in html


def test_index_category_filter(anon_client, sample_terms):
    response = anon_client.get(reverse("glossary:index"), {"category": "loss-functions"})
    html = response.content.decode()
    assert "Mean Squared Error" in html and "Mean Absolute Error" in html
    assert "Dropout" not in html
    assert '<option value="loss-functions" selected>' in html


def test_index_search_results_ranked(anon_client, sample_terms):
    response = anon_client.get(reverse("glossary:index"), {"q": "convolutonal"})
    assert response.status_code == 200
    results = response.context["results"]
    assert results[0].slug == "convolutional-neural-network"
    assert "result" in response.content.decode()


def test_unknown_category_is_ignored(anon_client, sample_terms):
    response = anon_client.get(reverse("glossary:index"), {"category": "<script>"})
    assert response.status_code == 200
    assert "Dropout" in response.content.decode()


def test_term_page_shows_everything(anon_client, sample_terms):
    response = anon_client.get(reverse("glossary:term", args=["convolutional-neural-network"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "(CNN)" in html and "ConvNet" in html
    assert "slides small learned filters" in html
    assert "<strong>shapes</strong>" in html  # explanation rendered from Markdown
    # Other terms in the explanation link to their pages; the term itself does not.
    explanation = html.split('class="term-explanation"')[1].split("</section>")[0]
    assert (
        "term-link" not in explanation
        or "/glossary/convolutional-neural-network/" not in explanation
    )
    assert reverse("glossary:term", args=["pooling-layer"]) in html  # related, both ways below
    kernel = anon_client.get(reverse("glossary:term", args=["kernel"])).content.decode()
    assert reverse("glossary:term", args=["convolutional-neural-network"]) in kernel


def test_explanation_links_other_terms_not_itself(anon_client, sample_terms):
    Term.objects.filter(slug="kernel").update(
        explanation="Each kernel of a convolution is learned."
    )
    html = anon_client.get(reverse("glossary:term", args=["kernel"])).content.decode()
    explanation = html.split('class="term-explanation"')[1].split("</section>")[0]
    assert '<a class="term-link" href="/glossary/convolution/"' in explanation
    assert "/glossary/kernel/" not in explanation


def test_term_page_formula_and_used_in(anon_client, sample_terms):
    from lessons.models import Chapter, Section

    chapter = Chapter.objects.create(number=7, title="Deep Learning")
    section = Section.objects.create(
        number="7.6", slug="cnn", title="Convolutional Networks", chapter=chapter
    )
    section.terms.add(sample_terms["mean-squared-error"])
    html = anon_client.get(reverse("glossary:term", args=["mean-squared-error"])).content.decode()
    assert "MSE = (1/n)" in html
    assert "Convolutional Networks" in html and section.get_absolute_url() in html


def test_explanation_is_sanitized(anon_client, db):
    Term.objects.create(
        slug="x",
        name="X",
        definition="d",
        category="data",
        explanation='Hi <script>alert(1)</script><a href="javascript:alert(1)" onclick="x()">l</a>',
    )
    html = anon_client.get(reverse("glossary:term", args=["x"])).content.decode()
    assert "<script>alert" not in html and "javascript:" not in html and "onclick" not in html


def test_unknown_term_404(anon_client, db):
    assert anon_client.get(reverse("glossary:term", args=["nope"])).status_code == 404


@pytest.mark.parametrize("name", ["glossary:index", "glossary:term"])
def test_wrong_method_405(anon_client, sample_terms, name):
    args = ["dropout"] if name == "glossary:term" else []
    assert anon_client.post(reverse(name, args=args)).status_code == 405


@pytest.mark.parametrize("count", [10, 1000])
def test_query_counts_do_not_grow(anon_client, django_assert_max_num_queries, count):
    _make_terms(count)
    term = Term.objects.order_by("id").first()
    with django_assert_max_num_queries(2):
        assert anon_client.get(reverse("glossary:index")).status_code == 200
    with django_assert_max_num_queries(2):
        assert anon_client.get(reverse("glossary:index"), {"category": "layers"}).status_code == 200
    with django_assert_max_num_queries(4):
        assert anon_client.get(term.get_absolute_url()).status_code == 200
