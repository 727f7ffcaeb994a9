"""The depth choice changes the whole page: topic bodies, detailed parts; plus prerequisites and recap."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from conftest import course_sections
from lessons.models import LessonPreference

VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area", "base"}


@pytest.fixture
def course(course_once, db) -> dict:
    """The fixture course, written once for the module (conftest.course_once)."""
    return course_sections(course_once)


class _Shown(HTMLParser):
    """The page's text without what is inside an element carrying the `hidden` attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: is it (or an ancestor) hidden
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in VOID:
            return
        hidden = any(name == "hidden" for name, _ in attrs)
        self.stack.append(hidden or (self.stack[-1] if self.stack else False))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = _Shown()
    parser.feed(html)
    return " ".join(parser.parts)


def _page(client, depth: str | None = None, number: str = "9.1") -> str:
    params = {"depth": depth} if depth else {}
    return client.get(reverse("lessons:section", args=[number]), params).content.decode()


@pytest.mark.parametrize(
    ("depth", "shown", "not_shown"),
    [
        ("basic", ["BASIC-PERCEPTRON-MARK"], ["TOPIC-PERCEPTRON-MARK", "DETAILED-PERCEPTRON-MARK"]),
        (
            "standard",
            ["TOPIC-PERCEPTRON-MARK"],
            ["BASIC-PERCEPTRON-MARK", "DETAILED-PERCEPTRON-MARK"],
        ),
        (
            "detailed",
            ["TOPIC-PERCEPTRON-MARK", "DETAILED-PERCEPTRON-MARK"],
            ["BASIC-PERCEPTRON-MARK"],
        ),
    ],
)
def test_each_depth_shows_its_topic_body(anon_client, course, depth, shown, not_shown):
    text = shown_text(_page(anon_client, depth))

    for mark in shown:
        assert mark in text, (depth, mark)
    for mark in not_shown:
        assert mark not in text, (depth, mark)


def test_a_formula_of_the_explanation_is_absent_at_basic(anon_client, course):
    formula = "w \\cdot x + b"
    assert formula in course["9.1"].topics.get(slug="perceptron").explanation

    assert formula in shown_text(_page(anon_client, "standard"))
    assert formula not in shown_text(_page(anon_client, "basic"))


def test_a_topic_without_a_basic_body_shows_its_explanation_at_every_depth(anon_client, course):
    for depth in ("basic", "standard", "detailed"):
        assert "TOPIC-ACTIVATION-MARK" in shown_text(_page(anon_client, depth)), depth


def test_every_depth_is_in_the_page_for_the_tabs_to_switch(anon_client, course):
    html = _page(anon_client, "basic")

    assert 'data-depths="basic"' in html and 'data-depths="standard detailed"' in html
    assert 'data-depths="detailed"' in html
    for mark in ("BASIC-PERCEPTRON-MARK", "TOPIC-PERCEPTRON-MARK", "DETAILED-PERCEPTRON-MARK"):
        assert mark in html


def test_the_saved_preference_picks_the_topic_body(student, student_client, course):
    LessonPreference.objects.create(user=student, depth="basic")

    text = shown_text(_page(student_client))

    assert "BASIC-PERCEPTRON-MARK" in text and "TOPIC-PERCEPTRON-MARK" not in text


def test_cached_bodies_do_not_leak_between_depths(anon_client, course):
    _page(anon_client, "detailed")  # now cached at Detailed

    assert "DETAILED-PERCEPTRON-MARK" not in shown_text(_page(anon_client, "standard"))
    assert "BASIC-PERCEPTRON-MARK" in shown_text(_page(anon_client, "basic"))


def test_prerequisites_are_linked(anon_client, course):
    html = _page(anon_client, number="9.2")

    assert 'class="prerequisites"' in html
    assert f'href="{reverse("lessons:section", args=["9.1"])}"' in html
    assert "Read" in html and "9.1</a>" in html and "first." in html
    assert 'class="prerequisites"' not in _page(anon_client, number="9.1")


def test_recap_ends_the_page(anon_client, course):
    html = _page(anon_client)

    assert 'id="recap"' in html and "RECAP-MARK" in html
    assert html.index("RECAP-MARK") > html.index("TOPIC-ACTIVATION-MARK")


def test_api_has_the_new_parts(anon_client, course):
    data = anon_client.get("/api/lessons/sections/9.2/").json()
    topic = anon_client.get("/api/lessons/sections/9.1/").json()["topics"][0]

    assert data["prerequisites"] == ["9.1"]
    assert "RECAP-MARK" in anon_client.get("/api/lessons/sections/9.1/").json()["recap"]
    assert topic["basic"].startswith("BASIC-PERCEPTRON-MARK")
    assert topic["detailed"].startswith("DETAILED-PERCEPTRON-MARK")


def test_admin_edits_the_new_parts(admin_client, course):
    section = course["9.2"]
    html = admin_client.get(reverse("admin:lessons_section_change", args=[section.pk])).content
    html = html.decode()

    assert 'name="recap"' in html and 'name="prerequisites"' in html
    # A topic's depths are edited on the topic's own page, linked from the section's list.
    topic = section.topics.order_by("order").first()
    topic_url = reverse("admin:lessons_topic_change", args=[topic.pk])
    assert topic_url in html
    html = admin_client.get(topic_url).content.decode()
    assert 'name="basic"' in html and 'name="detailed"' in html


def test_a_changed_prerequisite_shows_on_the_next_view(anon_client, course):
    assert 'class="prerequisites"' not in _page(anon_client, number="9.1")  # now cached

    course["9.1"].prerequisites.set([course["9.2"]])

    html = _page(anon_client, number="9.1")
    assert 'class="prerequisites"' in html and "9.2</a>" in html
