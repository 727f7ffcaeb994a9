"""API: list, start, get, answer, check, flag, submit, results; scoping, auth, methods, schema."""

import pytest
from django.utils import timezone

from quizzes import services
from quizzes.models import AttemptState

from .factories import as_sent, make_quiz, minutes, right_response

pytestmark = pytest.mark.django_db
API = "/api/quizzes"


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_full_flow(student, student_client):
    quiz = make_quiz(["single", "numerical"], behaviour="immediate")
    listed = student_client.get(f"{API}/quizzes/").json()["results"]
    assert [q["id"] for q in listed] == [quiz.pk] and listed[0]["question_count"] == 2
    started = _post(student_client, f"{API}/quizzes/{quiz.pk}/start/")
    assert started.status_code == 201
    body = started.json()
    attempt_id, items = body["id"], body["items"]
    single, numerical = items
    assert set(single["options"][0]) == {"id", "text"}
    saved = _post(
        student_client,
        f"{API}/attempts/{attempt_id}/answer/",
        {"question_id": single["question_id"], "response": single["options"][0]["id"]},
    )
    assert saved.status_code == 200 and saved.json()["answered"] is True
    flagged = _post(
        student_client,
        f"{API}/attempts/{attempt_id}/flag/",
        {"question_id": numerical["question_id"], "flagged": True},
    )
    assert flagged.json()["flagged"] is True
    checked = _post(
        student_client,
        f"{API}/attempts/{attempt_id}/check/",
        {"question_id": numerical["question_id"], "response": "26"},
    )
    assert checked.json()["result"]["state"] == "correct" and checked.json()["right_answer"] == "26"
    again = _post(
        student_client,
        f"{API}/attempts/{attempt_id}/answer/",
        {"question_id": numerical["question_id"], "response": "1"},
    )
    assert again.status_code == 409 and again.json()["code"] == "locked"
    assert student_client.get(f"{API}/attempts/{attempt_id}/results/").status_code == 400
    result = _post(student_client, f"{API}/attempts/{attempt_id}/submit/").json()
    assert result["state"] == "finished" and result["score"] is not None
    assert (
        _post(student_client, f"{API}/attempts/{attempt_id}/submit/").json()["score"]
        == result["score"]
    )
    history = student_client.get(f"{API}/attempts/").json()["results"]
    assert [a["id"] for a in history] == [attempt_id]


def test_save_after_deadline_is_refused_and_saved_answer_graded(student, student_client):
    quiz = make_quiz(["single"], time_limit=minutes(5))
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now() - minutes(4))
    item = attempt.items.select_related("question").get()
    ok = _post(
        student_client,
        f"{API}/attempts/{attempt.pk}/answer/",
        {"question_id": item.question_id, "response": as_sent(item, right_response(item.question))},
    )
    assert ok.status_code == 200
    attempt.deadline = timezone.now() - minutes(1)
    attempt.save()
    late = _post(
        student_client,
        f"{API}/attempts/{attempt.pk}/answer/",
        {"question_id": item.question_id, "response": None},
    )
    assert late.status_code == 409 and late.json()["code"] in ("closed", "finished")
    result = student_client.get(f"{API}/attempts/{attempt.pk}/results/").json()
    assert result["state"] == "finished" and result["score"] == "100.000"


def test_bad_answers_are_400(student, student_client):
    quiz = make_quiz(["multi"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    qid = attempt.items.get().question_id
    assert (
        _post(
            student_client,
            f"{API}/attempts/{attempt.pk}/answer/",
            {"question_id": qid, "response": "x"},
        ).status_code
        == 400
    )
    assert (
        _post(student_client, f"{API}/attempts/{attempt.pk}/answer/", {"response": [1]}).status_code
        == 400
    )
    assert (
        _post(
            student_client,
            f"{API}/attempts/{attempt.pk}/answer/",
            {"question_id": 999999, "response": [1]},
        ).status_code
        == 404
    )
    assert (
        _post(
            student_client, f"{API}/attempts/{attempt.pk}/check/", {"question_id": qid}
        ).status_code
        == 400
    )


def test_other_students_attempt_is_404(student, other_client):
    quiz = make_quiz(["single"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    qid = attempt.items.get().question_id
    assert other_client.get(f"{API}/attempts/{attempt.pk}/").status_code == 404
    assert other_client.get(f"{API}/attempts/{attempt.pk}/results/").status_code == 404
    for action in ("answer", "check", "flag", "submit"):
        resp = _post(
            other_client,
            f"{API}/attempts/{attempt.pk}/{action}/",
            {"question_id": qid, "response": 1, "flagged": True},
        )
        assert resp.status_code == 404, action
    assert other_client.get(f"{API}/attempts/").json()["results"] == []
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


def test_anonymous_is_403(anon_client):
    quiz = make_quiz(["single"])
    assert anon_client.get(f"{API}/quizzes/").status_code == 403
    assert anon_client.post(f"{API}/quizzes/{quiz.pk}/start/").status_code == 403
    assert anon_client.get(f"{API}/attempts/1/").status_code == 403


def test_wrong_methods_are_405(student, student_client):
    quiz = make_quiz(["single"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    assert student_client.get(f"{API}/quizzes/{quiz.pk}/start/").status_code == 405
    assert student_client.get(f"{API}/attempts/{attempt.pk}/answer/").status_code == 405
    assert student_client.delete(f"{API}/attempts/{attempt.pk}/").status_code == 405
    assert _post(student_client, f"{API}/attempts/{attempt.pk}/results/").status_code == 405
    assert _post(student_client, f"{API}/quizzes/").status_code == 405


def test_everything_is_in_the_schema(student_client):
    schema = student_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/quizzes/quizzes/",
        "/api/quizzes/quizzes/{id}/start/",
        "/api/quizzes/attempts/{id}/",
        "/api/quizzes/attempts/{id}/answer/",
        "/api/quizzes/attempts/{id}/check/",
        "/api/quizzes/attempts/{id}/flag/",
        "/api/quizzes/attempts/{id}/submit/",
        "/api/quizzes/attempts/{id}/results/",
    ):
        assert path in paths, path
    answer = paths["/api/quizzes/attempts/{id}/answer/"]["post"]
    assert "requestBody" in answer and "200" in answer["responses"]
    assert "Item" in schema["components"]["schemas"]
