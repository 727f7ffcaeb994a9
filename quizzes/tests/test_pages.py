"""Pages of questions and free or sequential navigation, enforced by the server."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services as s
from quizzes.models import Navigation
from quizzes.paging import Pages, page_count, page_of, shown_page

from .factories import as_sent, make_quiz, right_response

pytestmark = pytest.mark.django_db
KINDS = ["single", "truefalse", "short", "numerical", "multi"]


def _quiz(navigation=Navigation.SEQUENTIAL, per_page=2):
    return make_quiz(KINDS, questions_per_page=per_page, navigation=navigation)


def _item(attempt, order):
    return attempt.items.select_related("question").get(order=order)


def _save(attempt, order, now=None):
    item = _item(attempt, order)
    return s.attempt_save_answer(
        attempt=attempt,
        question_id=item.question_id,
        response=right_response(item.question),
        now=now or timezone.now(),
    )


def test_page_arithmetic():
    assert [page_of(i, 2) for i in range(5)] == [0, 0, 1, 1, 2]
    assert page_count(5, 2) == 3 and page_count(4, 2) == 2 and page_count(0, 2) == 1
    assert page_count(5, 0) == 1 and page_of(4, 0) == 0


def test_shown_page_free_and_sequential(student):
    quiz = _quiz(Navigation.FREE)
    assert shown_page(quiz, 0, "2", 3) == 2
    assert shown_page(quiz, 0, "9", 3) == 0 and shown_page(quiz, 0, "x", 3) == 0
    quiz.navigation = Navigation.SEQUENTIAL
    assert shown_page(quiz, 1, "0", 3) == 1  # asking for another page shows the current one


def test_sequential_answers_only_on_the_current_page(student):
    quiz = _quiz()
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    _save(attempt, 0)
    with pytest.raises(s.AttemptError) as exc:
        _save(attempt, 2)  # a later page, not reached yet
    assert exc.value.code == "not_current_page"
    s.attempt_turn_page(attempt=attempt, page=1, now=timezone.now())
    _save(attempt, 2)
    for order in (0, 1):  # an earlier page is closed, for answers and flags alike
        with pytest.raises(s.AttemptError):
            _save(attempt, order)
    with pytest.raises(s.AttemptError):
        s.attempt_flag(
            attempt=attempt,
            question_id=_item(attempt, 0).question_id,
            flagged=True,
            now=timezone.now(),
        )


def test_sequential_moves_one_page_forward_never_back(student):
    quiz = _quiz()
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    with pytest.raises(s.AttemptError):
        s.attempt_turn_page(attempt=attempt, page=2, now=timezone.now())  # no skipping
    assert s.attempt_turn_page(attempt=attempt, page=1, now=timezone.now()).current_page == 1
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_turn_page(attempt=attempt, page=0, now=timezone.now())
    assert exc.value.code == "not_current_page"
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_turn_page(attempt=attempt, page=7, now=timezone.now())
    assert exc.value.code == "invalid"


def test_free_navigation_takes_answers_on_any_page(student):
    quiz = _quiz(Navigation.FREE)
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    _save(attempt, 4)
    _save(attempt, 0)
    assert s.attempt_turn_page(attempt=attempt, page=2, now=timezone.now()).current_page == 0


def test_api_autosave_refuses_another_page_in_sequential(student, student_client):
    quiz = _quiz()
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    url = reverse("quizzes-api:attempt-answer", args=[attempt.pk])

    def post(order):
        item = _item(attempt, order)
        body = {
            "question_id": item.question_id,
            "response": as_sent(item, right_response(item.question)),
        }
        return student_client.post(url, body, content_type="application/json")

    refused = post(2)
    assert refused.status_code == 409 and refused.json()["code"] == "not_current_page"
    assert post(0).status_code == 200
    s.attempt_turn_page(attempt=attempt, page=1, now=timezone.now())
    assert post(0).status_code == 409 and post(3).status_code == 200


def test_page_view_shows_only_its_questions(student, student_client):
    quiz = _quiz(Navigation.FREE)
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    url = reverse("quizzes:attempt", args=[attempt.pk])
    first = student_client.get(url).content.decode()
    assert 'id="q-1"' in first and 'id="q-2"' in first and 'id="q-3"' not in first
    assert 'href="?page=1#q-3"' in first and "Next page" in first
    second = student_client.get(url + "?page=1").content.decode()
    assert 'id="q-3"' in second and 'id="q-1"' not in second and "Previous page" in second
    assert student_client.get(url + "?page=-1").status_code == 200


def test_sequential_page_view_and_turn(student, student_client, other_client):
    quiz = _quiz()
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    url = reverse("quizzes:attempt", args=[attempt.pk])
    turn = reverse("quizzes:page", args=[attempt.pk])
    html = student_client.get(url + "?page=2").content.decode()
    assert 'id="q-1"' in html and 'id="q-5"' not in html  # ?page is ignored
    assert 'aria-disabled="true"' in html and "?page=" not in html.split("page-turn")[0]
    assert "Previous page" not in html and "cannot come back" in html
    assert student_client.get(turn).status_code == 405
    assert other_client.post(turn, {"page": "1"}).status_code == 404
    assert student_client.post(turn, {"page": "1"}).status_code == 302
    html = student_client.get(url).content.decode()
    assert 'id="q-3"' in html and 'id="q-1"' not in html
    back = student_client.post(turn, {"page": "0"}, follow=True).content.decode()
    assert "one page at a time" in back
    assert student_client.post(turn, {"page": "abc"}, follow=True).status_code == 200
    attempt.refresh_from_db()
    assert attempt.current_page == 1


def test_pages_dataclass(student):
    quiz = _quiz()
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    pages = Pages.of(attempt, 5, "2")
    assert (pages.number, pages.count, pages.previous, pages.next) == (0, 3, None, 1)
    assert pages.reachable(0) and not pages.reachable(1)


def test_api_shows_only_the_current_page_in_sequential(student, student_client):
    quiz = _quiz()
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    url = reverse("quizzes-api:attempt-detail", args=[attempt.pk])
    assert [i["number"] for i in student_client.get(url).json()["items"]] == [1, 2]
    s.attempt_turn_page(attempt=attempt, page=1, now=timezone.now())
    assert [i["number"] for i in student_client.get(url).json()["items"]] == [3, 4]


def test_api_page_turn(student, student_client, other_client):
    quiz = _quiz()
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    url = reverse("quizzes-api:attempt-page", args=[attempt.pk])
    assert student_client.post(url, {"page": "x"}, content_type="application/json").json()["page"]
    assert other_client.post(url, {"page": 1}, content_type="application/json").status_code == 404
    assert student_client.get(url).status_code == 405
    moved = student_client.post(url, {"page": 1}, content_type="application/json")
    assert moved.status_code == 200 and [i["number"] for i in moved.json()["items"]] == [3, 4]
    back = student_client.post(url, {"page": 0}, content_type="application/json")
    assert back.status_code == 409 and back.json()["code"] == "not_current_page"
