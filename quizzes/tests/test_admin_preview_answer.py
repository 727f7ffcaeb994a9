"""The instructor's preview, answered (issue 16 §5): Check and Submit grade through the
attempts' own services, so right, partial and wrong answers get the marks a real attempt of the
same question gets in every behaviour; nothing is stored (no attempt, version or statistic);
students never reach it; junk posts are a 400 with a message, never a 500."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client
from django.utils import timezone

from quizzes import services as s
from quizzes.admin_preview import SALT
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Behaviour,
    Question,
    QuestionVersion,
    QuizStatistics,
)
from quizzes.statistics import quiz_statistics
from quizzes.tokens import ItemTokens

from .factories import make_question, make_quiz, right_response

pytestmark = pytest.mark.django_db
NOW = timezone.now()
CHECKING = (Behaviour.INTERACTIVE, Behaviour.IMMEDIATE, Behaviour.ADAPTIVE)
Q7 = Decimal("0.0000001")


def _url(question: Question) -> str:
    return f"/admin/quizzes/question/{question.pk}/preview/"


def _state(html: str) -> str:
    found = re.search(r'name="state" value="([^"]*)"', html)
    assert found, "no preview state in the page"
    return found.group(1)


def _answers(question: Question) -> dict[str, object]:
    """A right, a partly right and a wrong answer (as stored: ids) of each kind tested."""
    right = right_response(question)
    kind = question.type
    if kind == "single":
        wrong = question.choices.filter(fraction=0).first().pk
        return {"right": right, "wrong": wrong}
    if kind == "short":
        return {"right": right, "partial": "rectifier", "wrong": "sigmoid"}
    if kind == "numerical":
        return {"right": right, "partial": "28.2", "wrong": "3"}
    if kind == "calculated":  # item 1: n=3, m=2; n + m earns 20%
        return {
            "right": right,
            "partial": {"item": 0, "value": "5"},
            "wrong": {"item": 0, "value": "1"},
        }
    if kind == "cloze":
        return {"right": right, "partial": {"1": "clozes", "2": "9"}, "wrong": {"1": "no"}}
    if kind == "multi":
        return {"right": right, "partial": right[:1], "wrong": []}
    raise AssertionError(kind)


def _steps(behaviour: str) -> list[str]:
    return ["check", "check", "submit"] if behaviour in CHECKING else ["submit"]


def _real(quiz, question, response, certainty, user) -> list[tuple]:
    """The item after each step of a real attempt of the quiz (its one question)."""
    attempt = s.attempt_start(quiz=quiz, user=user, now=NOW)
    item = attempt.items.get()
    if question.type == "calculated":  # the preview is asked for the same dataset item
        item.choice_order = {"item": 0}
        item.save(update_fields=["choice_order"])
    s.attempt_save_answer(attempt=attempt, question_id=question.pk, response=response, now=NOW)
    if quiz.behaviour == Behaviour.CBM:
        s.attempt_set_certainty(
            attempt=attempt, question_id=question.pk, certainty=certainty, now=NOW
        )
    out = []
    for step in _steps(quiz.behaviour):
        item.refresh_from_db()
        if item.locked:
            break
        if step == "check":
            try:
                s.attempt_check_answer(attempt=attempt, question_id=question.pk, now=NOW)
            except s.AttemptError:  # an empty answer: the preview refuses it too
                out.append("refused")
                continue
        else:
            s.attempt_submit(attempt=attempt, now=NOW)
        item.refresh_from_db()
        out.append(_row(item.tries, item.locked, item.fraction, item.mark, item.feedback))
    return out


def _row(tries, locked, fraction, mark, feedback) -> tuple:
    def q(v):
        return None if v is None else Decimal(v).quantize(Q7)

    return (tries, locked, q(fraction), q(mark), feedback)


def _preview(client, question, behaviour, response, certainty) -> list[tuple]:
    query = {"behaviour": behaviour, "seed": "7"}
    if question.type == "calculated":
        query["variant"] = "1"
    page = client.get(_url(question), query)
    state = _state(page.content.decode())
    out = []
    for step in _steps(behaviour):
        stored = signing.loads(state, salt=SALT)
        if stored["item"][3]:  # locked
            break
        order = stored["item"][0]
        sent = ItemTokens(None, question.type, order).present(response)
        post = {"state": state, "response": json.dumps(sent), "step": step}
        post[f"certainty-{question.pk}"] = str(certainty)
        answered = client.post(_url(question), post)
        html = answered.content.decode()
        if answered.status_code == 400:
            assert "Answer the question before checking it." in html
            out.append("refused")
            continue
        assert answered.status_code == 200, html
        state = _state(html)
        order, _, tries, locked, _ = signing.loads(state, salt=SALT)["item"]
        fraction, mark, feedback, _ = signing.loads(state, salt=SALT)["grade"]
        out.append(_row(tries, locked, fraction, mark, feedback))
        if locked:  # the page shows the verdict as a student's review shows it
            item = answered.context["item"]
            assert item["result"]["mark"] == Decimal(mark)
            assert "state" in item["result"] and 'class="verdict"' in html
    return out


KINDS = ["single", "short", "numerical", "calculated", "cloze", "multi"]


# Slow (about 2 s each: 17 answers graded twice, preview and attempt): in `make test`, not in
# the fast lane.
@pytest.mark.slow
@pytest.mark.parametrize("behaviour", Behaviour.values)
def test_preview_marks_equal_a_real_attempts_in_every_behaviour(admin_client, behaviour):
    quizzes = {k: make_quiz([k], behaviour=behaviour) for k in KINDS}
    users = iter(get_user_model().objects.create_user(f"s{i}") for i in range(100))
    compared = 0
    for kind, quiz in quizzes.items():
        question = quiz.slots.get().question
        for name, response in _answers(question).items():
            certainty = 3 if name == "wrong" else 2
            real = _real(quiz, question, response, certainty, next(users))
            shown = _preview(admin_client, question, behaviour, response, certainty)
            assert shown == real, (kind, name, real, shown)
            compared += 1
    assert compared == 17


def test_interactive_shows_the_hint_and_tries_then_locks_after_the_last(admin_client):
    question = make_question("single", slug="pv-tries", hints=["HINT-ONE", "HINT-TWO"])
    wrong = question.choices.filter(fraction=0).first().pk
    state = _state(admin_client.get(_url(question), {"behaviour": "interactive"}).content.decode())
    for number in (1, 2, 3):
        order = signing.loads(state, salt=SALT)["item"][0]
        sent = json.dumps(ItemTokens(None, "single", order).present(wrong))
        page = admin_client.post(
            _url(question), {"state": state, "response": sent, "step": "check"}
        )
        html = page.content.decode()
        state = _state(html)
        if number < 3:
            assert "Not right yet" in html and f"try {number + 1} of 3" in html
            assert f"Hint: {['HINT-ONE', 'HINT-TWO'][number - 1]}" in html  # one per failed try
            assert 'class="verdict"' not in html
            assert "FEEDBACK-" not in html  # the verdict stays private until it locks
        else:
            assert "Incorrect" in html and "Mark 0" in html and "Start again" in html
            assert "check-answer" not in html


def test_cbm_submit_scores_by_certainty_and_shows_it(admin_client):
    question = make_question("short", slug="pv-cbm")
    url = _url(question)
    state = _state(admin_client.get(url, {"behaviour": "deferredcbm"}).content.decode())
    assert (
        "check-answer" not in admin_client.get(url, {"behaviour": "deferredcbm"}).content.decode()
    )
    post = {
        "state": state,
        "response": '"sigmoid"',
        "step": "submit",
        f"certainty-{question.pk}": "3",
    }
    html = admin_client.post(url, post).content.decode()
    assert "Incorrect" in html and "Mark -6" in html and "Certainty: C3" in html
    assert "SECRETRELU" in html and "EXPLAIN-short" in html  # right answer, explanation: all on


def test_start_again_with_a_seed_repeats_the_shuffle_and_a_dataset_item_is_chosen(admin_client):
    question = make_question("single", slug="pv-seed")
    orders = set()
    for _ in range(3):
        html = admin_client.get(_url(question), {"seed": "12345"}).content.decode()
        orders.add(tuple(signing.loads(_state(html), salt=SALT)["item"][0]))
        assert "seed 12345" in html
    assert len(orders) == 1
    calc = make_question("calculated", slug="pv-variant")
    for variant, (n, m) in enumerate([(3, 2), (4, 6), (5, 7)], start=1):
        html = admin_client.get(_url(calc), {"variant": str(variant)}).content.decode()
        assert f"maps {n} inputs to {m} outputs" in html
        assert f'<option value="{variant}" selected>' in html
    # A variant that does not exist is drawn by the seed instead, never an error.
    assert admin_client.get(_url(calc), {"variant": "99", "seed": "x"}).status_code == 200


def test_previewing_stores_nothing_reports_and_statistics_stay_the_same(admin_client, student):
    quiz = make_quiz(["short"], behaviour=Behaviour.INTERACTIVE)
    question = quiz.slots.get().question
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    s.attempt_check_answer(attempt=attempt, question_id=question.pk, response="sigmoid", now=NOW)
    s.attempt_submit(attempt=attempt, now=NOW)

    models = (Attempt, AttemptQuestion, QuestionVersion, QuizStatistics)

    def snapshot():
        csvs = []
        for name in ("results.csv", "responses.csv"):
            response = admin_client.get(f"/quizzes/{quiz.pk}/report/{name}")
            assert response.status_code == 200
            csvs.append(b"".join(response.streaming_content).decode())
        counts = [m.objects.count() for m in models]
        return counts, repr(quiz_statistics(quiz=quiz)), csvs

    before = snapshot()
    assert "sigmoid" in before[2][1]  # the real attempt is in the responses report
    for behaviour in Behaviour.values:
        assert _preview(admin_client, question, behaviour, "SECRETRELU", 3)
        assert _preview(admin_client, question, behaviour, "sigmoid", 1)
    assert snapshot() == before
    assert question.versions.count() == 1


def test_students_and_anonymous_never_reach_the_answering_preview(student_client, client):
    question = make_question("short", slug="pv-closed-post")
    post = {"state": "x", "response": '"SECRETRELU"', "step": "submit"}
    response = student_client.post(_url(question), post)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.post(_url(question), post).status_code == 302
    staff = get_user_model().objects.create_user("helper2", password="pw-helper-123", is_staff=True)
    client.force_login(staff)
    response = client.post(_url(question), post)
    assert response.status_code == 403 and b"SECRETRELU" not in response.content


def test_the_post_needs_the_csrf_token():
    user = get_user_model().objects.create_superuser("root2", "r2@example.com", "pw-root-123")
    question = make_question("short", slug="pv-csrf")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    page = strict.get(_url(question)).content.decode()
    post = {"state": _state(page), "response": '"SECRETRELU"', "step": "submit"}
    assert strict.post(_url(question), post).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert strict.post(_url(question), {**post, "csrfmiddlewaretoken": token}).status_code == 200


def test_junk_posts_are_a_400_with_a_message(admin_client):
    question = make_question("single", slug="pv-junk")
    other = make_question("short", slug="pv-junk-other")
    url = _url(question)
    state = _state(admin_client.get(url, {"behaviour": "interactive"}).content.decode())
    other_state = _state(admin_client.get(_url(other)).content.decode())
    cases = [
        {},
        {"state": state},
        {"state": state, "response": '"x"', "step": "check"},  # a token never shown
        {"state": state, "response": "\x00\x00", "step": "check"},
        {"state": state, "response": '"\\u0000"', "step": "submit"},
        {"state": state, "response": "[" * 5000 + "]" * 5000, "step": "check"},
        {"state": state, "response": "x" * 100_000, "step": "check"},
        {"state": state, "response": '{"a": [1, {"b": null}]}', "step": "check"},
        {"state": state, "response": "true", "step": "check"},
        {"state": state, "response": "null", "step": "check"},  # not answered
        {"state": state, "response": '""', "step": "dance"},
        {"state": state + "x", "response": '""', "step": "submit"},
        {"state": "\x00" * 50, "response": '""', "step": "submit"},
        {"state": "x" * 300_000, "step": "submit"},
        {"state": other_state, "response": '""', "step": "submit"},
        {"state": state, "response": '""', "step": "check", "certainty-1": "\x00"},
    ]
    for post in cases:
        response = admin_client.post(url, post)
        assert response.status_code == 400, (post.keys(), response.status_code)
        nul = any("\x00" in v for v in post.values())  # the site refuses NUL bytes first
        assert nul or b'class="errornote"' in response.content, post.keys()
    # A wrong type of certainty in CBM is no certainty (C1), not an error.
    cbm = _state(admin_client.get(url, {"behaviour": "deferredcbm"}).content.decode())
    order = signing.loads(cbm, salt=SALT)["item"][0]
    right = json.dumps(ItemTokens(None, "single", order).present(right_response(question)))
    post = {"state": cbm, "response": right, "step": "submit", f"certainty-{question.pk}": "9e9"}
    html = admin_client.post(url, post).content.decode()
    assert "Correct" in html and "not chosen (counts as C1)" in html
    # A finished preview takes no more answers.
    state = _state(html)
    again = admin_client.post(url, {"state": state, "response": right, "step": "submit"})
    assert again.status_code == 400 and b"start again" in again.content


def test_an_edit_since_the_preview_began_asks_to_start_again(admin_client):
    question = make_question("short", slug="pv-edited")
    state = _state(admin_client.get(_url(question)).content.decode())
    question.stem = "Name it again."
    question.save()
    post = {"state": state, "response": '"SECRETRELU"', "step": "submit"}
    response = admin_client.post(_url(question), post)
    assert response.status_code == 400 and b"changed since this preview began" in response.content


JUNK = [
    '{"1": {"x": 1}}',
    '[[1], {"a": 2}]',
    '{"item": 5, "value": [1]}',
    "1e999",
    "[null]",
    '"' + "é" * 30_000 + '"',
    '{"": ""}',
    "-1",
    '{"1": [[]]}',
]


@pytest.mark.slow  # 20 preview pages a type: 1.2 s each
@pytest.mark.parametrize(
    "kind",
    [
        "single",
        "multi",
        "matching",
        "ordering",
        "cloze",
        "calculated",
        "gapselect",
        "ddwtos",
        "numerical_units",
        "essay",
    ],
)
def test_every_type_takes_wrong_shapes_without_a_500(admin_client, kind):
    question = make_question(kind, slug=f"pv-fuzz-{kind}")
    for behaviour, step in (("adaptive", "check"), ("deferredcbm", "submit")):
        page = admin_client.get(_url(question), {"behaviour": behaviour})
        state = _state(page.content.decode())
        for junk in JUNK:
            post = {"state": state, "response": junk, "step": step}
            response = admin_client.post(_url(question), post)
            assert response.status_code in (200, 400), (kind, junk, step)


def test_a_preview_left_open_too_long_starts_again(admin_client, monkeypatch):
    import time

    from quizzes.admin_preview import MAX_AGE_S

    question = make_question("short", slug="pv-old")
    state = _state(admin_client.get(_url(question)).content.decode())
    later = time.time() + MAX_AGE_S + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    post = {"state": state, "response": '"SECRETRELU"', "step": "submit"}
    response = admin_client.post(_url(question), post)
    assert response.status_code == 400 and b"start again" in response.content
