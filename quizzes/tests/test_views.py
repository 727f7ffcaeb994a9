"""Pages: happy paths, another student's attempt (404), anonymous (login redirect), 405."""

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.models import AttemptState

from .factories import as_sent, make_quiz, minutes, right_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return make_quiz(
        ["single", "ordering", "matching"],
        time_limit=minutes(10),
        feedback_bands=[{"min": 50, "text": "BAND-good"}, {"min": 0, "text": "BAND-low"}],
    )


def test_index_lists_quizzes_and_my_attempts(quiz, student, student_client):
    services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    html = student_client.get(reverse("quizzes:index")).content.decode()
    assert quiz.title in html and "Continue" in html


def test_section_redirects_to_its_quiz(quiz, student_client):
    resp = student_client.get(reverse("quizzes:section", args=[quiz.section.number]))
    assert resp.status_code == 302 and resp["Location"] == reverse("quizzes:quiz", args=[quiz.pk])
    assert student_client.get(reverse("quizzes:section", args=["9.9"])).status_code == 404


def test_start_take_submit_result(quiz, student, student_client):
    resp = student_client.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = student.quiz_attempts.get()
    assert resp["Location"] == reverse("quizzes:attempt", args=[attempt.pk])
    html = student_client.get(resp["Location"]).content.decode()
    assert 'id="attempt-config"' in html and "move-up" in html and "<select" in html
    assert "style=" not in html and "onclick" not in html  # the CSP forbids both
    for item in attempt.items.select_related("question"):
        services.attempt_save_answer(
            attempt=attempt,
            question_id=item.question_id,
            response=right_response(item.question),
            now=timezone.now(),
        )
    # A reload shows the saved answers: the chosen option is checked.
    single = attempt.items.get(question__type="single")
    html = student_client.get(resp["Location"]).content.decode()
    assert f'value="{as_sent(single, single.response)}" checked' in html
    assert f'value="{single.response}"' not in html  # the page names options by token only
    done = student_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert done["Location"] == reverse("quizzes:result", args=[attempt.pk])
    html = student_client.get(done["Location"]).content.decode()
    assert "100.0%" in html and "Passed" in html and "BAND-good" in html
    assert reverse("lessons:section", args=[quiz.section.number]) in html
    # A finished attempt's page sends the student to the result.
    assert student_client.get(reverse("quizzes:attempt", args=[attempt.pk]))["Location"].endswith(
        "/result/"
    )


def test_attempt_page_after_deadline_grades_and_redirects(quiz, student, student_client):
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now() - minutes(11))
    resp = student_client.get(reverse("quizzes:attempt", args=[attempt.pk]))
    assert resp.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED and attempt.score == 0


def test_no_attempts_left_message(student, student_client):
    quiz = make_quiz(["single"], attempts_allowed=1)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    services.attempt_submit(attempt=attempt, now=timezone.now())
    resp = student_client.post(reverse("quizzes:start", args=[quiz.pk]), follow=True)
    assert "used all your attempts" in resp.content.decode()


def test_other_students_attempt_is_404(quiz, student, other_client):
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    for name in ("attempt", "result"):
        assert other_client.get(reverse(f"quizzes:{name}", args=[attempt.pk])).status_code == 404
    assert other_client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


def test_anonymous_is_sent_to_login(quiz, anon_client):
    urls = [
        reverse("quizzes:index"),
        reverse("quizzes:quiz", args=[quiz.pk]),
        reverse("quizzes:history"),
        reverse("quizzes:progress"),
        reverse("quizzes:attempt", args=[1]),
    ]
    for url in urls:
        resp = anon_client.get(url)
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"], url


def test_wrong_methods_are_405(quiz, student_client):
    assert student_client.get(reverse("quizzes:start", args=[quiz.pk])).status_code == 405
    assert student_client.get(reverse("quizzes:submit", args=[1])).status_code == 405
    assert student_client.post(reverse("quizzes:index")).status_code == 405
    assert student_client.get(reverse("quizzes:grading-save", args=[1])).status_code == 405


def test_history_and_progress(quiz, student, student_client):
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    services.attempt_submit(attempt=attempt, now=timezone.now())
    assert quiz.title in student_client.get(reverse("quizzes:history")).content.decode()
    html = student_client.get(reverse("quizzes:progress")).content.decode()
    assert quiz.section.title in html and "Not yet passed" in html


def test_essay_grading_page_is_for_instructors(student, student_client, instructor_client):
    quiz = make_quiz(["essay"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.get()
    services.attempt_save_answer(
        attempt=attempt, question_id=item.question_id, response="ESSAY-TEXT", now=timezone.now()
    )
    services.attempt_submit(attempt=attempt, now=timezone.now())
    assert student_client.get(reverse("quizzes:grading")).status_code == 403
    assert (
        student_client.post(reverse("quizzes:grading-save", args=[1]), {"mark": "1"}).status_code
        == 403
    )
    assert "ESSAY-TEXT" in instructor_client.get(reverse("quizzes:grading")).content.decode()
    instructor_client.post(
        reverse("quizzes:grading-save", args=[item.pk]), {"mark": "0.5", "comment": "ok"}
    )
    attempt.refresh_from_db()
    assert attempt.score == 50 and not attempt.needs_manual_grading
    bad = instructor_client.post(
        reverse("quizzes:grading-save", args=[item.pk]), {"mark": "9"}, follow=True
    )
    assert "Not saved" in bad.content.decode()
