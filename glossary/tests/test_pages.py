"""Public glossary pages: A-Z index, category filter, ?q= search, term page, query bounds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import SCALES
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


@pytest.mark.parametrize("count", SCALES)
def test_query_counts_do_not_grow(anon_client, django_assert_max_num_queries, count):
    _make_terms(count)
    term = Term.objects.order_by("id").first()
    with django_assert_max_num_queries(2):
        assert anon_client.get(reverse("glossary:index")).status_code == 200
    with django_assert_max_num_queries(2):
        assert anon_client.get(reverse("glossary:index"), {"category": "layers"}).status_code == 200
    with django_assert_max_num_queries(4):
        assert anon_client.get(term.get_absolute_url()).status_code == 200


def _letter_terms(spec: dict[str, int]) -> None:
    """`count` terms for each first character (bulk-created: the letter column is the database's)."""
    Term.objects.bulk_create(
        Term(
            slug=f"t-{ord(first)}-{i}",
            name=f"{first}{i:05d} term",
            definition="d.",
            category="layers" if i % 2 else "data",
        )
        for first, count in spec.items()
        for i in range(count)
    )


def test_large_glossary_pages_by_letter_with_counts(anon_client):
    _letter_terms({"a": 30, "B": 250, "7": 5, "É": 2})
    html = anon_client.get(reverse("glossary:index")).content.decode()
    # The first letter with terms, alone; every letter's count on the bar; empty ones unlinked.
    assert 'id="letter-A"' in html and "B00000" not in html
    assert 'href="?letter=B"' in html and 'aria-label="B: 250 terms"' in html
    assert 'aria-label="#: 7 terms"' in html  # digits and letters outside A-Z
    assert 'aria-label="Z: no terms"' in html and 'href="?letter=Z"' not in html
    page = anon_client.get(reverse("glossary:index"), {"letter": "B"})
    shown = [t.name for t in page.context["groups"][0][2]]
    assert shown == [f"B{i:05d} term" for i in range(100)]
    assert 'href="?letter=B&amp;page=3"' in page.content.decode()
    last = anon_client.get(reverse("glossary:index"), {"letter": "b", "page": "3"})
    assert [t.name for t in last.context["groups"][0][2]][-1] == "B00249 term"
    assert len(last.context["groups"][0][2]) == 50
    beyond = anon_client.get(reverse("glossary:index"), {"letter": "B", "page": "99"})
    assert beyond.context["letter_page"].page == 3
    digits = anon_client.get(reverse("glossary:index"), {"letter": "num"}).content.decode()
    assert "É00001 term" in digits and "700004 term" in digits and "B00000" not in digits


def test_letter_pages_follow_the_category(anon_client):
    _letter_terms({"B": 250, "C": 3})
    response = anon_client.get(reverse("glossary:index"), {"category": "layers", "letter": "B"})
    terms = response.context["groups"][0][2]
    assert len(terms) == 100 and {t.category for t in terms} == {"layers"}
    assert 'aria-label="B: 125 terms"' in response.content.decode()
    assert 'href="?category=layers&amp;letter=B&amp;page=2"' in response.content.decode()


def test_letter_follows_a_renamed_term(anon_client):
    _letter_terms({"B": 101})
    Term.objects.filter(slug="t-66-0").update(name="Zeta")
    assert Term.objects.get(slug="t-66-0").initial == "Z"
    html = anon_client.get(reverse("glossary:index"), {"letter": "Z"}).content.decode()
    assert "Zeta" in html and 'aria-label="B: 100 terms"' in html


def test_letter_counts_follow_a_saved_term(anon_client):
    _letter_terms({"B": 101})
    assert (
        'aria-label="B: 101 terms"' in anon_client.get(reverse("glossary:index")).content.decode()
    )
    Term.objects.create(slug="zz", name="Zulu", definition="d.", category="data")  # a signal
    html = anon_client.get(reverse("glossary:index")).content.decode()
    assert 'aria-label="Z: 1 term"' in html and 'href="?letter=Z"' in html
