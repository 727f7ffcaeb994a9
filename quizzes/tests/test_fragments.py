"""The quiz-taking page's questions built in Python (quizzes/fragments.py) are the template's."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.fragments import open_question_html, question_fragments
from quizzes.presenters import present_attempt
from quizzes.selectors import attempt_items_for_display

from .factories import make_quiz, right_response

pytestmark = pytest.mark.django_db
KINDS = [
    "single",
    "multi",
    "truefalse",
    "short",
    "numerical",
    "matching",
    "ordering",
    "essay",
    "description",
    "numerical_units",
    "gapselect",
    "ddwtos",
    "cloze",
    "calculated",
    "calculatedsimple",
    "calculatedmulti",
    "calculatedmulti_many",
    "randomsamatch",
    "essay_limits",
]


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def _template_html(item, data, attempt) -> str:
    return render_to_string(
        "quizzes/_question.html", {"item": item, "data": data, "attempt": attempt}
    )


def _presented(attempt):
    items = attempt_items_for_display(attempt=attempt)
    return present_attempt(attempt, items, now=timezone.now())


@pytest.mark.parametrize("behaviour", ["deferred", "interactive"])
def test_every_type_open_saved_and_flagged_matches_the_template(behaviour, student):
    quiz = make_quiz(KINDS, behaviour=behaviour, shuffle_answers=True)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    states = []
    data = _presented(attempt)
    states.append(data)
    for item in attempt.items.select_related("question"):
        answer = right_response(item.question)
        if answer is not None:
            services.attempt_save_answer(
                attempt=attempt, question_id=item.question_id, response=answer, now=timezone.now()
            )
        services.attempt_flag(
            attempt=attempt, question_id=item.question_id, flagged=True, now=timezone.now()
        )
    states.append(_presented(attempt))
    for data in states:
        for item in data["items"]:
            ours = open_question_html(item, behaviour=behaviour, quiz=attempt.quiz)
            assert _normal(ours) == _normal(_template_html(item, data, attempt)), item["type"]
    saved = states[1]["items"]
    assert any(" checked" in open_question_html(i, behaviour=behaviour, quiz=quiz) for i in saved)
    assert any(" selected" in open_question_html(i, behaviour=behaviour, quiz=quiz) for i in saved)


def test_a_wrong_try_with_its_hint_and_a_locked_item(student):
    quiz = make_quiz(["single", "single"], behaviour="interactive", max_tries=3)
    first = quiz.slots.order_by("order").first().question
    first.hints = ["Think <about> size."]
    first.save()
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    one, two = attempt.items.order_by("order")
    wrong = first.choices.get(text="Dropout").pk
    services.attempt_check_answer(
        attempt=attempt, question_id=one.question_id, response=wrong, now=timezone.now()
    )
    second = two.question
    services.attempt_check_answer(
        attempt=attempt,
        question_id=two.question_id,
        response=second.choices.get(text="Pooling").pk,
        now=timezone.now(),
    )
    data = _presented(attempt)
    tried, locked = data["items"]
    assert tried["tries"] == 1 and not tried["locked"] and locked["locked"]
    ours = open_question_html(tried, behaviour="interactive", quiz=attempt.quiz)
    assert "(try 2 of 3)" in ours and "Hint: Think &lt;about&gt; size." in ours
    assert _normal(ours) == _normal(_template_html(tried, data, attempt))
    fragments = question_fragments(data, attempt)
    assert _normal(fragments[1]) == _normal(_template_html(locked, data, attempt))


def test_the_page_shows_the_fragments(student, student_client):
    quiz = make_quiz(["single", "matching"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    html = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    data = _presented(attempt)
    for fragment in question_fragments(data, attempt):
        assert _normal(fragment) in _normal(html)
    assert html.count('<fieldset class="card question') == 2


def test_the_navigation_marks_answered_and_flagged_questions(student, student_client):
    quiz = make_quiz(["single", "truefalse"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    first = attempt.items.order_by("order").first()
    services.attempt_save_answer(
        attempt=attempt,
        question_id=first.question_id,
        response=right_response(first.question),
        now=timezone.now(),
    )
    services.attempt_flag(
        attempt=attempt, question_id=first.question_id, flagged=True, now=timezone.now()
    )
    html = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert (
        f'<a href="#q-1" class="nav-q is-answered is-flagged" data-qid="{first.question_id}" '
        'aria-label="Question 1, answered, flagged">1</a>'
    ) in html
    assert '<a href="#q-2" class="nav-q" data-qid=' in html
