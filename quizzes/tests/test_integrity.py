"""No answer, correctness or feedback reaches the student before a question is locked.

Every question type under every behaviour: the attempt HTML and the API JSON are searched for
the secrets planted in the factory questions (FEEDBACK-*, EXPLAIN-*, the short answer's accepted
text, the matching pairs, the ordering's right order, the verdict keys); after locking, the
same secrets must appear (with the default review options), and only as those options allow.
"""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import grid
from quizzes import services
from quizzes.models import Question
from quizzes.review import ALL_TIMES, ReviewTime

from .factories import as_sent, make_quiz, right_response

pytestmark = pytest.mark.django_db
REVEALING = ("review_specific_feedback", "review_general_feedback", "review_right_answer")

KINDS = [  # every type, and the new types of issue 16
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
BEHAVIOURS = ["deferred", "immediate", "interactive"]
SECRET_KEYS = [
    '"fraction"',
    '"right_answer"',
    '"correct_ids"',
    '"result"',
    '"feedback"',
    '"feedback_html"',
    '"explanation_html"',
]


def _secrets(question: Question) -> list[str]:
    found = [
        "FEEDBACK-",
        "EXPLAIN-",
        "SECRETRELU",
        "CLOZESECRET",
        "GRADERINFO",
        "Which activation is max(0, x)? → RELUPOOL",
        "right-answer",
        "review-correct",
        "Right answer",
    ]
    found += [f"{p.left} → {p.right}" for p in question.match_pairs.exclude(left="")]
    if question.type == "ordering":
        found.append(" → ".join(question.ordering_items.values_list("text", flat=True)))
    for answer in (question.spec or {}).get("answers") or []:  # calculated: its formulas
        found += [answer["formula"], "{n}"]
    for choice in question.choices.all():  # calculated multichoice: its texts as authored
        if "{" in choice.text:
            found += [choice.text, "{="]
    choices = (question.spec or {}).get("choices") or []
    if choices:  # the gap types: which choice fills which gap is the answer
        found.append(f"1: {choices[0]['text']}")
    return found


def _pages(client, attempt) -> tuple[str, str]:
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    api = client.get(f"/api/quizzes/attempts/{attempt.pk}/")
    assert api.status_code == 200
    return html, json.dumps(api.json(), ensure_ascii=False)


def _assert_clean(text: str, question: Question) -> None:
    for secret in _secrets(question) + SECRET_KEYS:
        assert secret not in text, f"{secret!r} leaked before lock"


@pytest.mark.parametrize(("kind", "behaviour"), grid(KINDS, BEHAVIOURS))
def test_nothing_leaks_before_lock_then_all_shows(kind, behaviour, student, student_client):
    quiz = make_quiz([kind], behaviour=behaviour, shuffle_answers=True)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    question = attempt.items.get().question
    html, data = _pages(student_client, attempt)
    _assert_clean(html, question)
    _assert_clean(data, question)
    ordering = json.loads(data)["items"][0].get("ordering")
    if ordering:
        assert [o["text"] for o in ordering] != list(
            question.ordering_items.values_list("text", flat=True)
        )
    tiles = json.loads(data)["items"][0].get("parts", {}).get("tiles")
    if tiles:  # choice n answers gap n: never shown in authoring order
        assert [t["text"] for t in tiles] != [c["text"] for c in question.spec["choices"]]
    answer = right_response(question)
    if answer is not None:  # a saved (even right) answer still reveals nothing
        services.attempt_save_answer(
            attempt=attempt, question_id=question.pk, response=answer, now=timezone.now()
        )
        for text in _pages(student_client, attempt):
            _assert_clean(text, question)
    if behaviour == "deferred" or kind == "description":
        student_client.post(reverse("quizzes:submit", args=[attempt.pk]))
        html = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
        data = json.dumps(student_client.get(f"/api/quizzes/attempts/{attempt.pk}/results/").json())
    else:
        resp = student_client.post(
            f"/api/quizzes/attempts/{attempt.pk}/check/",
            {"question_id": question.pk},
            content_type="application/json",
        )
        assert resp.status_code == 200, resp.content
        assert resp.json()["locked"] is True
        html, data = _pages(student_client, attempt)
    if kind != "description":
        assert "EXPLAIN-" in html and "EXPLAIN-" in data and '"result"' in data
    if kind in ("single", "multi", "truefalse", "short", "numerical"):
        assert "FEEDBACK-" in html and "Right answer" in html and '"right_answer"' in data
    if kind == "short":
        assert "SECRETRELU" in html


def test_interactive_wrong_try_stays_secret(student, student_client):
    quiz = make_quiz(["single"], behaviour="interactive")
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.select_related("question").get()
    question = item.question
    wrong = as_sent(item, question.choices.get(text="Dropout").id)
    resp = student_client.post(
        f"/api/quizzes/attempts/{attempt.pk}/check/",
        {"question_id": question.pk, "response": wrong},
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["locked"] is False
    _assert_clean(json.dumps(resp.json()), question)
    for text in _pages(student_client, attempt):
        _assert_clean(text, question)
    assert "Not right yet" in _pages(student_client, attempt)[0]  # told to try again, not why


@pytest.mark.parametrize(
    ("reveal", "shown"), [(ALL_TIMES, True), (0, False), (int(ReviewTime.AFTER_CLOSE), False)]
)
def test_review_options_control_answer_and_feedback(reveal, shown, student, student_client):
    """Issue 10: hiding the right answer also hides the feedback and explanation that state it."""
    options = dict.fromkeys(REVEALING, reveal)
    quiz = make_quiz(["short", "single"], **options)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    single = quiz.slots.get(question__type="single").question
    wrong = single.choices.get(text="Dropout").id
    services.attempt_save_answer(
        attempt=attempt, question_id=single.pk, response=wrong, now=timezone.now()
    )
    services.attempt_submit(attempt=attempt, now=timezone.now())
    html = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    data = json.dumps(student_client.get(f"/api/quizzes/attempts/{attempt.pk}/results/").json())
    assert ("SECRETRELU" in html) is shown and ("SECRETRELU" in data) is shown
    assert ("Right answer" in html) is shown and ('"right_answer"' in data) is shown
    for text in (html, data):
        assert ("EXPLAIN-short" in text) is shown and ("FEEDBACK-single-wrong" in text) is shown
    assert "Incorrect" in html and '"state": "incorrect"' in data  # correctness still shows


def test_after_close_shows_answers_once_closed(student, student_client):
    now = timezone.now()
    quiz = make_quiz(
        ["short"],
        close_at=now + timezone.timedelta(minutes=5),
        **dict.fromkeys(REVEALING, int(ReviewTime.AFTER_CLOSE)),
    )
    attempt = services.attempt_start(quiz=quiz, user=student, now=now)
    services.attempt_submit(attempt=attempt, now=now)
    url = reverse("quizzes:result", args=[attempt.pk])
    html = student_client.get(url).content.decode()
    assert "SECRETRELU" not in html and "EXPLAIN-short" not in html
    type(quiz).objects.filter(pk=quiz.pk).update(close_at=now - timezone.timedelta(minutes=1))
    html = student_client.get(url).content.decode()
    assert "SECRETRELU" in html and "EXPLAIN-short" in html
