"""The quiz-taking page's questions, built in Python (quizzes/fragments.py): every type open,
saved, flagged, tried and locked, with its own answer controls and nothing of the review
before the item locks."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import qtypes, services
from quizzes.fragments import question_fragments, question_html
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


def _open_shape(html: str, item: dict, behaviour: str) -> None:
    """An open question: its fieldset, head, stem and its type's own controls, the buttons its
    behaviour has, and no review."""
    kind, qtype = item["type"], qtypes.get(item["type"])
    assert html.startswith(
        f'<fieldset class="card question q-{kind}" id="q-{item["number"]}" '
        f'data-qid="{item["question_id"]}" data-type="{kind}">'
    ), html[:200]
    assert f"<span>Question {item['number']}</span>" in html
    assert f'<div class="q-stem">{item["stem_html"]}</div>' in html
    assert _normal(" ".join(qtype.answer_html(item))) in _normal(html)
    assert 'class="review' not in html and " disabled>" not in html
    assert ("flag-toggle" in html) == qtype.graded
    checks = qtype.graded and behaviour not in ("deferred", "deferredcbm")
    assert ("check-answer" in html) == checks
    assert html.endswith("</div> </fieldset>")


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
            _open_shape(
                question_html(item, behaviour=behaviour, quiz=attempt.quiz), item, behaviour
            )
    assert all(i["flagged"] for i in states[1]["items"] if qtypes.get(i["type"]).graded)
    assert any('aria-pressed="true">Unflag' in f for f in question_fragments(states[1], attempt))
    saved = states[1]["items"]
    assert any(" checked" in question_html(i, behaviour=behaviour, quiz=quiz) for i in saved)
    assert any(" selected" in question_html(i, behaviour=behaviour, quiz=quiz) for i in saved)


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
    ours = question_html(tried, behaviour="interactive", quiz=attempt.quiz)
    assert "(try 2 of 3)" in ours and "Hint: Think &lt;about&gt; size." in ours
    _open_shape(ours, tried, "interactive")
    # Locked: the fieldset disabled, its controls as they were answered, then its review.
    fragments = question_fragments(data, attempt)
    done = fragments[1]
    assert done.startswith(
        f'<fieldset class="card question q-single is-locked" id="q-2" '
        f'data-qid="{locked["question_id"]}" data-type="single" disabled>'
    )
    assert _normal(" ".join(qtypes.get("single").answer_html(locked))) in _normal(done)
    assert " checked>" in done and 'class="review review-correct"' in done
    assert "<strong>Correct</strong>" in done
    assert "q-actions" not in done and "Hint:" not in done


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


HOSTILE = '"><script>alert(1)</script></textarea><img src=x onerror=alert(2)>'


@pytest.mark.parametrize("kind", ["short", "essay", "numerical"])
def test_a_hostile_answer_is_escaped_open_locked_and_reviewed(kind, student, student_client):
    """A student's own text comes back into the page (the control's value, the review's "Your
    answer"): escaped while the item is open, once it is locked (both built in Python now) and
    on the result page. A NUL byte in it is refused with a field error and stores nothing."""
    quiz = make_quiz([kind], behaviour="interactive", max_tries=1)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.get()
    url = f"/api/quizzes/attempts/{attempt.pk}/answer/"

    def save(text: str):
        body = {"question_id": item.question_id, "response": text}
        return student_client.post(url, body, content_type="application/json")

    nul = save(HOSTILE + "\x00")
    assert nul.status_code == 400, nul.content
    item.refresh_from_db()
    assert item.response in (None, "")
    assert save(HOSTILE).status_code == 200
    page = reverse("quizzes:attempt", args=[attempt.pk])
    pages = [student_client.get(page).content.decode()]
    if qtypes.get(kind).graded and not qtypes.get(kind).hand_graded:
        services.attempt_check_answer(
            attempt=attempt, question_id=item.question_id, now=timezone.now()
        )
        locked = student_client.get(page).content.decode()
        assert "is-locked" in locked
        pages.append(locked)
    services.attempt_submit(attempt=attempt, now=timezone.now())
    pages.append(student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode())
    for html in pages:
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "</textarea><img" not in html
    assert "&lt;script&gt;alert(1)" in pages[-1]  # shown, as text
