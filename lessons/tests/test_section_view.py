"""The public section page: all three depths, every part of a topic, sanitized Markdown."""

import re

import pytest
from django.urls import reverse

from conftest import SCALES, course_sections
from lessons.models import LessonPreference


def _get(client, number="9.1", **params):
    return client.get(reverse("lessons:section", args=[number]), params)


@pytest.fixture
def course(course_once, db) -> dict:
    """The fixture course, written once for the module (conftest.course_once)."""
    return course_sections(course_once)


# Before the first test that asks for the course: its own rows, in an empty database
# (the course stays written from the first test that asks for it, conftest.module_rows).
@pytest.mark.parametrize("count", SCALES)
def test_query_count_is_flat_in_topics_and_terms(
    db, anon_client, count, django_assert_max_num_queries
):
    from glossary.models import Term
    from lessons.models import Chapter, Section, Topic

    chapter = Chapter.objects.create(number=1, title="One")
    section = Section.objects.create(
        number="1.1",
        slug="one",
        title="One",
        chapter=chapter,
        overview_basic="b",
        overview_standard="s",
        overview_detailed="d",
    )
    Topic.objects.bulk_create(
        Topic(
            section=section,
            slug=f"t{i}",
            title=f"Topic {i}",
            explanation="Text.",
            order=i,
            examples=[{"kind": "example", "title": "E", "text": "x"}],
        )
        for i in range(count)
    )
    terms = Term.objects.bulk_create(
        Term(slug=f"term-{i}", name=f"Term {i}", definition="D.", category="fundamentals")
        for i in range(count)
    )
    section.terms.set(terms)
    anon_client.get(reverse("lessons:section", args=["1.1"]))  # warm the glossary link index

    with django_assert_max_num_queries(8):
        response = anon_client.get(reverse("lessons:section", args=["1.1"]))

    html = response.content.decode()
    assert html.count('class="lesson-block topic"') == count
    assert html.count('class="glossary-entry"') == count


@pytest.mark.parametrize("number", ["9.1", "9.2"])
def test_every_section_renders_all_three_depths(anon_client, course, number):
    section = course[number]
    response = _get(anon_client, number)

    assert response.status_code == 200
    html = response.content.decode()
    for depth in ("basic", "standard", "detailed"):
        marker = section.overview(depth).split(".")[0]
        assert marker in html, depth
        assert f'id="panel-{depth}"' in html and f'id="tab-{depth}"' in html
    for topic in section.topics.all():
        assert topic.title in html and topic.explanation.split(".")[0] in html


def test_section_shows_every_part_of_a_topic(anon_client, course):
    html = _get(anon_client).content.decode()

    assert "Weighted sum" in html and "Threshold" in html  # key concepts
    assert 'class="aid aid-analogy"' in html and 'class="aid aid-example"' in html
    assert 'class="aid aid-application"' in html and "Spam filter" in html
    assert 'class="aid aid-memory aid-rhyme"' in html and "Weigh it, sum it" in html
    assert "/playground/new/?experiment=cnn" in html
    assert "/playground/new/?experiment=text&amp;cell=lstm" in html
    assert reverse("flashcards:section", args=["9.1"]) in html
    assert "/quizzes/section/9.1/" in html
    assert 'href="/glossary/perceptron/"' in html  # the section's glossary
    assert "A single unit that thresholds a weighted sum." in html


def test_markdown_is_rendered_and_sanitized(anon_client, course):
    html = _get(anon_client, depth="detailed").content.decode()

    assert "<table>" in html and "<td>weights</td>" in html
    # Markdown emphasis survives, and the glossary linker turns the mention into a term link.
    assert re.search(
        r'<strong><a class="term-link" href="/glossary/perceptron/"[^>]*>perceptron</a></strong>',
        html,
    )
    assert "<script>alert" not in html
    assert 'style="color:red"' not in html and "styled" in html


def test_depth_preference_selects_the_tab(student, student_client, course):
    LessonPreference.objects.create(user=student, depth="detailed")

    html = _get(student_client).content.decode()

    selected = re.findall(r'id="tab-(\w+)"[^>]*aria-selected="true"', html)
    assert selected == ["detailed"]
    assert re.search(r'id="panel-basic"[^>]*hidden', html)
    assert not re.search(r'id="panel-detailed"[^>]*hidden', html)


def test_query_parameter_overrides_the_default_depth(anon_client, course):
    html = _get(anon_client, depth="basic").content.decode()

    assert re.findall(r'id="tab-(\w+)"[^>]*aria-selected="true"', html) == ["basic"]


def test_unknown_section_is_404(anon_client, course):
    assert _get(anon_client, "1.99").status_code == 404


def test_post_is_405(student_client, course):
    assert student_client.post(reverse("lessons:section", args=["9.1"])).status_code == 405


def test_no_inline_script_or_style(anon_client, course):
    html = _get(anon_client).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "onclick=" not in html
