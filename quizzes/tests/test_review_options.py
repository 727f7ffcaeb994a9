"""Issue 10 item 2: Moodle's review options decide what of an attempt reaches its student.

The matrix test walks every time (during, immediately after, later while open, after close)
and every option on and off, and looks for each option's marker in the attempt or result page
and in the API (retrieve, results, check, list): present exactly when allowed, absent (the key
itself, not only its text) otherwise.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, Quiz
from quizzes.review import (
    ALL_TIMES,
    DEFAULTS,
    OPTIONS,
    ReviewOptions,
    ReviewTime,
    review_options,
    review_time,
)

from .admin_forms import quiz_change_data
from .factories import make_quiz, minutes

pytestmark = pytest.mark.django_db

TIMES = [
    ReviewTime.DURING,
    ReviewTime.IMMEDIATELY_AFTER,
    ReviewTime.LATER_WHILE_OPEN,
    ReviewTime.AFTER_CLOSE,
]
QUESTION_LEVEL = ("correctness", "specific_feedback", "general_feedback", "right_answer")
BANDS = [{"min": 0, "text": "BAND-overall"}]

# What each option shows, as the page prints it and as the API names it.
HTML_MARKERS = {
    "attempt": ['class="your-answer"'],
    "correctness": ["review-correct", "Correct</strong>"],
    "marks": ['class="mark"'],
    "specific_feedback": ["FEEDBACK-single-right"],
    "general_feedback": ["EXPLAIN-single"],
    "right_answer": ['class="right-answer"', "Right answer"],
    "overall_feedback": ["BAND-overall"],
}
ITEM_KEYS = {
    "attempt": ["response", "response_text"],
    "correctness": ["result.state"],
    "marks": ["result.mark", "result.fraction"],
    "specific_feedback": ["result.feedback", "result.feedback_html", "result.grader_comment"],
    "general_feedback": ["result.explanation_html", "result.terms"],
    "right_answer": ["right_answer", "correct_ids"],
}


def expected(masks: dict[str, int], when: ReviewTime) -> dict[str, bool]:
    """Written out from Moodle's rules, independently of quizzes/review.py."""
    shown = {option: bool(masks[option] & when) for option in OPTIONS}
    if when == ReviewTime.DURING:  # always your own answers, never the overall feedback
        shown |= {"attempt": True, "overall_feedback": False}
    for option in QUESTION_LEVEL:
        shown[option] = shown[option] and shown["attempt"]
    return shown


def configurations(when: ReviewTime) -> list[tuple[str, dict[str, int]]]:
    """All on, all off, and each option alone on and alone off. "Off" leaves the option on at
    every other time, and "on" sets it at this time only, so the time must be told apart."""
    on, off = int(when), ALL_TIMES & ~int(when)
    configs = [("all on", dict.fromkeys(OPTIONS, on)), ("all off", dict.fromkeys(OPTIONS, off))]
    for option in OPTIONS:
        configs.append((f"only {option}", dict.fromkeys(OPTIONS, off) | {option: on}))
        configs.append((f"all but {option}", dict.fromkeys(OPTIONS, on) | {option: off}))
    return configs


def _fields(masks: dict[str, int]) -> dict[str, int]:
    return {f"review_{option}": mask for option, mask in masks.items()}


def _answer_right(attempt: Attempt, now: datetime) -> int:
    question = attempt.items.get().question
    right = question.choices.get(fraction=100).id
    services.attempt_save_answer(attempt=attempt, question_id=question.pk, response=right, now=now)
    return question.pk


def _finished_attempt(student, when: ReviewTime, masks: dict[str, int]) -> Attempt:
    now = timezone.now()
    quiz = make_quiz(["single"], feedback_bands=BANDS, **_fields(masks))
    attempt = services.attempt_start(quiz=quiz, user=student, now=now - minutes(30))
    _answer_right(attempt, now - minutes(30))
    age = {ReviewTime.IMMEDIATELY_AFTER: timedelta(seconds=20)}.get(when, minutes(10))
    services.attempt_submit(attempt=attempt, now=now - age)
    closes = now - minutes(1) if when == ReviewTime.AFTER_CLOSE else now + timedelta(days=1)
    Quiz.objects.filter(pk=quiz.pk).update(close_at=closes)
    return attempt


def _get(data: dict, dotted: str) -> bool:
    head, _, rest = dotted.partition(".")
    if head not in data:
        return False
    return _get(data[head], rest) if rest else True


def _check_item(item: dict, shown: dict[str, bool], where: str) -> None:
    for option, keys in ITEM_KEYS.items():
        for key in keys:
            assert _get(item, key) is shown[option], f"{where}: {key} for {option}"


def _check_html(html: str, shown: dict[str, bool], where: str) -> None:
    # A question's own mark shows only where the question does; the total has its own check.
    shown = shown | {"marks": shown["marks"] and shown["attempt"]}
    for option, markers in HTML_MARKERS.items():
        for marker in markers:
            assert (marker in html) is shown[option], f"{where}: {marker!r} for {option}"


def _walk_during(client, student, masks: dict[str, int], shown: dict[str, bool]) -> None:
    now = timezone.now()
    quiz = make_quiz(["single"], behaviour="immediate", **_fields(masks))
    attempt = services.attempt_start(quiz=quiz, user=student, now=now)
    question_id = _answer_right(attempt, now)
    checked = client.post(
        f"/api/quizzes/attempts/{attempt.pk}/check/",
        {"question_id": question_id},
        content_type="application/json",
    )
    assert checked.status_code == 200 and checked.json()["locked"] is True
    _check_item(checked.json(), shown, "check")
    api = client.get(f"/api/quizzes/attempts/{attempt.pk}/").json()
    (item,) = api["items"]
    _check_item(item, shown, "retrieve")
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    _check_html(html, shown, "attempt page")


def _walk_finished(client, student, when, masks: dict[str, int], shown) -> None:
    attempt = _finished_attempt(student, when, masks)
    assert review_time(attempt=Attempt.objects.get(pk=attempt.pk), now=timezone.now()) == when
    results = client.get(f"/api/quizzes/attempts/{attempt.pk}/results/").json()
    retrieved = client.get(f"/api/quizzes/attempts/{attempt.pk}/").json()
    for where, data in (("results", results), ("retrieve", retrieved)):
        assert len(data["items"]) == (1 if shown["attempt"] else 0), where
        for item in data["items"]:
            _check_item(item, shown, where)
        for key in ("score", "marks", "passed"):
            assert (key in data) is shown["marks"], f"{where}: {key}"
    assert ("overall_feedback" in results) is shown["overall_feedback"]
    listed = client.get("/api/quizzes/attempts/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert ("score" in rows[0]) is shown["marks"], "attempt list"
    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    _check_html(html, shown, "result page")
    assert ('id="score"' in html) is shown["marks"]
    for page in (reverse("quizzes:history"), reverse("quizzes:progress")):
        html = client.get(page).content.decode()
        assert ("100.0%" in html) is shown["marks"], page
    html = client.get(reverse("quizzes:quiz", args=[attempt.quiz_id])).content.decode()
    assert ("Your grade" in html) is shown["marks"] and ("100.0%" in html) is shown["marks"]


@pytest.mark.parametrize("when", TIMES, ids=lambda t: t.name.lower())
@pytest.mark.slow
def test_the_whole_matrix(when, student, student_client):
    for name, masks in configurations(when):
        shown = expected(masks, when)
        try:
            if when == ReviewTime.DURING:
                _walk_during(student_client, student, masks, shown)
            else:
                _walk_finished(student_client, student, when, masks, shown)
        except AssertionError as exc:
            raise AssertionError(f"{when.name}, {name}: {exc}") from exc
        Attempt.objects.filter(user=student).delete()


def test_nothing_reaches_the_page_as_hidden_text(student, student_client):
    """Hidden means not sent: the raw bytes of the page and API carry none of the secrets."""
    masks = dict.fromkeys(OPTIONS, 0)
    attempt = _finished_attempt(student, ReviewTime.LATER_WHILE_OPEN, masks)
    html = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    api = json.dumps(student_client.get(f"/api/quizzes/attempts/{attempt.pk}/results/").json())
    for text in (html, api):
        for secret in ("FEEDBACK-", "EXPLAIN-", "BAND-", "Pooling", "100.0"):
            assert secret not in text
    assert "Reviewing this attempt is not allowed" in html


def _attempt_at(quiz: Quiz, submitted: datetime | None) -> Attempt:
    state = "in_progress" if submitted is None else "finished"
    return Attempt(quiz=quiz, state=state, submitted_at=submitted)


def test_review_time_follows_moodle():
    now = timezone.now()
    quiz = Quiz(title="t", close_at=None)
    assert review_time(attempt=_attempt_at(quiz, None), now=now) == ReviewTime.DURING
    just = _attempt_at(quiz, now - timedelta(seconds=119))
    assert review_time(attempt=just, now=now) == ReviewTime.IMMEDIATELY_AFTER
    late = _attempt_at(quiz, now - timedelta(seconds=120))
    assert review_time(attempt=late, now=now) == ReviewTime.LATER_WHILE_OPEN
    quiz.close_at = now  # a closed quiz wins over the two minutes after submitting
    assert review_time(attempt=just, now=now) == ReviewTime.AFTER_CLOSE
    assert review_time(attempt=_attempt_at(quiz, None), now=now) == ReviewTime.DURING


def test_defaults_are_moodles():
    quiz = Quiz(title="t")
    assert all(getattr(quiz, f"review_{o}") == 0x11110 for o in OPTIONS if o != "overall_feedback")
    assert quiz.review_overall_feedback == 0x01110 == DEFAULTS["overall_feedback"]
    after = _attempt_at(quiz, timezone.now())
    assert review_options(attempt=after, now=timezone.now()) == ReviewOptions(
        **dict.fromkeys(OPTIONS, True)
    )
    during = review_options(attempt=_attempt_at(quiz, None), now=timezone.now())
    assert during == ReviewOptions(**dict.fromkeys(OPTIONS, True) | {"overall_feedback": False})
    # Moodle forces these two during the attempt, whatever the masks say.
    quiz.review_overall_feedback, quiz.review_attempt = ALL_TIMES, 0
    during = review_options(attempt=_attempt_at(quiz, None), now=timezone.now())
    assert during.attempt and during.correctness and not during.overall_feedback


# --- the data migration -------------------------------------------------------------------------
OLD = ("quizzes", "0002_marks_seven_decimals")
NEW = ("quizzes", "0003_review_options")


@pytest.mark.slow  # migrates the test database back 13 steps and forward again: 9 s
@pytest.mark.django_db(transaction=True)
def test_migration_maps_the_old_setting():
    executor = MigrationExecutor(connection)
    executor.migrate([OLD])
    old_quiz = executor.loader.project_state([OLD]).apps.get_model("quizzes", "Quiz")
    ids = {
        value: old_quiz.objects.create(title=value, review_answers=value).pk
        for value in ("immediately", "after_close", "never")
    }
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([NEW])
        new_quiz = executor.loader.project_state([NEW]).apps.get_model("quizzes", "Quiz")
        rows = {value: new_quiz.objects.get(pk=pk) for value, pk in ids.items()}
        revealing = ("specific_feedback", "general_feedback", "right_answer")
        kept = ("attempt", "correctness", "marks")
        for value, reveal in (("immediately", 0x11110), ("after_close", 0x00010), ("never", 0)):
            quiz = rows[value]
            assert {o: getattr(quiz, f"review_{o}") for o in revealing} == dict.fromkeys(
                revealing, reveal
            ), value
            assert all(getattr(quiz, f"review_{o}") == 0x11110 for o in kept), value
            assert quiz.review_overall_feedback == 0x01110, value
        assert not any(f.name == "review_answers" for f in new_quiz._meta.get_fields())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- the admin ----------------------------------------------------------------------------------


def test_admin_edits_the_matrix_as_checkboxes_grouped_by_time(admin_client):
    quiz = make_quiz(["single"])
    html = admin_client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()
    for heading in ("during the attempt", "immediately after", "later, while", "after the quiz"):
        assert f"Review options: {heading}" in html
    assert 'type="checkbox" name="review__right_answer__closed"' in html
    assert "review_right_answer" not in html.replace("review__right_answer", "")  # no integers
    data = quiz_change_data(
        {
            "review__attempt__open": "on",
            "review__marks__closed": "on",
            "review__right_answer__closed": "on",
            "review__overall_feedback__during": "on",  # disabled: Moodle never shows it during
        }
    )
    resp = admin_client.post(f"/admin/quizzes/quiz/{quiz.pk}/change/", data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    quiz.refresh_from_db()
    assert quiz.title == "Edited"
    assert quiz.review_attempt == ReviewTime.DURING | ReviewTime.LATER_WHILE_OPEN  # forced on
    assert quiz.review_marks == quiz.review_right_answer == ReviewTime.AFTER_CLOSE
    assert quiz.review_overall_feedback == 0
    assert quiz.review_correctness == quiz.review_general_feedback == 0


# --- bundled YAML ---------------------------------------------------------------------------------
def test_bank_yaml_may_set_review_options():
    from quizzes.content_settings import clean_quiz_block

    from .factories import make_section

    section = make_section()
    block = {"review": {"right_answer": ["after_close"], "general_feedback": []}}
    values, errors = clean_quiz_block(block, section=section)
    assert not errors
    assert values["review_right_answer"] == 0x00010 and values["review_general_feedback"] == 0
    assert "review_marks" not in values  # not named: what the admin set stays
    assert not any(k.startswith("review_") for k in clean_quiz_block({}, section=section)[0])
    for bad in ({"right_answers": []}, {"marks": ["soon"]}, {"marks": [["during"]]}, ["marks"]):
        assert "review" in clean_quiz_block({"review": bad}, section=section)[1]
