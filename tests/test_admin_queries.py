"""The admin pages an instructor opens most stay cheap: the number of SQL queries of a page does
not grow with the rows it lists (bench/admin.py times them). Each page here lists a dozen rows
whose names needed a query each before (a topic names its section, a slot its question)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import _make_user, module_rows
from flashcards.models import Card, Deck, ReviewState
from lessons.models import Topic
from playground.models import Job
from quizzes.models import AttemptRegrade, Quiz, QuizSlot
from quizzes.services import attempt_start
from quizzes.tests.factories import make_question, make_section

pytestmark = pytest.mark.django_db

ROWS = 12


@pytest.fixture(scope="module")
def course_in_use(request, django_db_setup, django_db_blocker):
    """ROWS sections with a topic each, a question per topic, a quiz of them all, a student's
    attempt at it (regraded a few times), runs with their curves and reviewed cards: written once
    for the module (a second a test), each test's own writes rolled back (conftest.module_rows)."""
    yield from module_rows(request, django_db_blocker, _course_in_use)


def _course_in_use() -> dict:
    student = _make_user("carol")
    instructor = _make_user("ivan", instructor=True)
    sections = [make_section(f"9.{i}") for i in range(1, ROWS + 1)]
    topics = {t.section_id: t for t in Topic.objects.filter(section__in=sections)}
    quiz = Quiz.objects.create(section=sections[0], title="All of chapter 9", draw_topic=None)
    for order, section in enumerate(sections):
        question = make_question(
            "truefalse", section, slug=f"tf-{order}", name=f"True or false {order}"
        )
        question.topic = topics[section.pk]
        question.save()
        QuizSlot.objects.create(quiz=quiz, question=question, order=order)
    attempt = attempt_start(quiz=quiz, user=student, now=timezone.now())
    for n in range(3):
        AttemptRegrade.objects.create(
            attempt=attempt, by=instructor, reason=f"key {n}", marks_before=0, marks_after=1
        )
    history = {"train": [{"seq": i, "step": i, "loss": 1.0} for i in range(1, 301)], "val": []}
    for _ in range(ROWS):
        Job.objects.create(user=student, kind="cnn", config={}, status="succeeded", history=history)
    deck = Deck.objects.create(slug="d", title="Deck", section=sections[0])
    now = timezone.now()
    for i in range(ROWS):
        card = Card.objects.create(deck=deck, front=f"front {i}", back="back", order=i)
        ReviewState.objects.create(
            user=student, card=card, fsrs_card={}, due=now + timedelta(days=i)
        )
    return {"quiz": quiz, "attempt": attempt, "section": sections[-1], "deck": deck}


def _get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _admin(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


@pytest.mark.parametrize(
    ("name", "most"),
    [
        ("quizzes_question_changelist", 12),
        ("quizzes_question_add", 10),
        ("quizzes_quiz_changelist", 10),
        ("quizzes_quiz_add", 10),
        ("quizzes_attempt_changelist", 10),
        ("playground_job_changelist", 12),
        ("flashcards_reviewstate_changelist", 10),
        ("flashcards_reviewstate_add", 8),
        ("lessons_section_changelist", 10),
        ("lessons_topic_changelist", 10),
    ],
)
def test_list_and_add_pages_take_a_fixed_number_of_queries(
    instructor_client, course_in_use, django_assert_max_num_queries, name, most
):
    url = _admin(name)
    _get(instructor_client, url)  # the session and the content caches are warm from here on
    with django_assert_max_num_queries(most):
        _get(instructor_client, url)


def test_change_forms_take_a_fixed_number_of_queries(
    instructor_client, course_in_use, django_assert_max_num_queries
):
    quiz, attempt = course_in_use["quiz"], course_in_use["attempt"]
    assert attempt.items.count() == ROWS
    pages = [
        # A quiz's slots name their questions (autocomplete widgets: one query a slot, Django's).
        (_admin("quizzes_quiz_change", quiz.pk), 12 + ROWS),
        (_admin("quizzes_attempt_change", attempt.pk), 12),
        (_admin("quizzes_question_change", quiz.slots.first().question_id), 12),
        (_admin("lessons_section_change", course_in_use["section"].pk), 12),
        (_admin("flashcards_deck_change", course_in_use["deck"].pk), 10),
    ]
    for url, most in pages:
        _get(instructor_client, url)
        with django_assert_max_num_queries(most, info=url):
            _get(instructor_client, url)


def test_per_student_fields_are_not_a_select_of_every_account(instructor_client, course_in_use):
    """A course has thousands of students: the user is entered by id, the card by search."""
    page = _get(instructor_client, _admin("flashcards_reviewstate_add")).content.decode()
    assert 'class="vForeignKeyRawIdAdminField"' in page
    assert "admin-autocomplete" in page
    for name in ("quizzes_attempt_add", "lessons_sectionread_add", "playground_job_changelist"):
        html = _get(instructor_client, _admin(name)).content.decode()
        assert '<select name="user"' not in html, name


def test_the_job_list_leaves_the_curves_in_the_table(instructor_client, course_in_use):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _get(instructor_client, _admin("playground_job_changelist"))
    listing = [q["sql"] for q in queries if 'FROM "playground_job"' in q["sql"]]
    listing = [sql for sql in listing if '"playground_job"."status"' in sql]  # the rows, not counts
    assert listing and all('"playground_job"."history"' not in sql for sql in listing), listing


def test_a_sections_topics_are_listed_by_name_and_edited_on_their_own_page(
    instructor_client, course_in_use
):
    section = course_in_use["section"]
    page = _get(instructor_client, _admin("lessons_section_change", section.pk)).content.decode()
    topic = section.topics.get()
    assert _admin("lessons_topic_change", topic.pk) in page  # the link to its own page
    assert 'name="topics-0-explanation"' not in page  # no body of any topic inline
    topic_page = _get(instructor_client, _admin("lessons_topic_change", topic.pk)).content.decode()
    assert 'name="explanation"' in topic_page and 'name="detailed"' in topic_page


def test_the_question_editor_takes_a_fixed_number_of_queries(
    instructor_client, course_in_use, django_assert_max_num_queries
):
    """The type chooser, the add form of a type and the change form of a type with settings
    and answer rows (the fields come from its schema: no query of their own)."""
    units = make_question("numerical_units", slug="q-units", tags=["a", "b"])
    pages = [
        (_admin("quizzes_question_add"), 8),
        (_admin("quizzes_question_add") + "?type=numerical", 10),
        (_admin("quizzes_question_add") + "?type=essay", 10),
        (_admin("quizzes_question_change", units.pk), 12),
        (_admin("quizzes_question_preview", units.pk), 10),
        (_admin("quizzes_question_preview", units.pk) + "?behaviour=deferredcbm&show=review", 10),
    ]
    for url, most in pages:
        _get(instructor_client, url)
        with django_assert_max_num_queries(most, info=url):
            _get(instructor_client, url)


def test_the_category_tree_and_its_actions_take_a_fixed_number_of_queries(
    instructor_client, course_in_use, django_assert_max_num_queries
):
    """The tree filter is one query whatever the number of categories; the move form lists the
    chosen questions in one."""
    picked = []
    for i in range(ROWS):
        q = make_question("short", slug=f"cat-{i}", category=f"Week {i % 3}/Part {i}")
        picked.append(q.pk)
    url = _admin("quizzes_question_changelist")
    for query in ("", "?category=Week+1"):
        _get(instructor_client, url + query)
        with django_assert_max_num_queries(12, info=query):
            _get(instructor_client, url + query)
    form = {"action": "move_to_category", "_selected_action": picked}
    instructor_client.post(url, form)
    # Django builds the change list twice for an action (its filters' lookups each time).
    with django_assert_max_num_queries(14):
        response = instructor_client.post(url, form)
    assert (
        response.status_code == 200 and "Move questions to a category" in response.content.decode()
    )
