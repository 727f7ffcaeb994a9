"""A <script> in student or instructor input never runs in another user's browser (Chromium).

The content security policy would block inline script anyway, so these tests look deeper than
"nothing ran": the rendered DOM must hold no <script> element, no event-handler attribute and no
javascript: link coming from user input. Markdown is sanitized (nh3) and plain text is escaped.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from conftest import login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PAYLOAD = (
    '<script>window.__xss = 1</script><img src="x" onerror="window.__xss = 2">'
    '<a href="javascript:window.__xss = 3">click</a><svg onload="window.__xss = 4"></svg>'
)
INJECTED_DOM = """() => {
  const main = document.querySelector('main');
  const handlers = [...main.querySelectorAll('*')].filter(
    el => [...el.attributes].some(a => a.name.startsWith('on')));
  return {
    ran: window.__xss === undefined ? null : window.__xss,
    scripts: main.querySelectorAll('script').length,
    handlers: handlers.length,
    jsLinks: main.querySelectorAll('a[href^="javascript:"]').length,
  };
}"""


def assert_inert(page, url: str, live_server) -> None:
    page.goto(f"{live_server.url}{url}")
    page.wait_for_load_state("load")
    assert page.evaluate(INJECTED_DOM) == {"ran": None, "scripts": 0, "handlers": 0, "jsLinks": 0}


def test_instructor_markdown_and_student_essay_are_inert(page, live_server, student, instructor):
    from quizzes.services import attempt_save_answer, attempt_start, attempt_submit
    from quizzes.tests.factories import make_quiz

    quiz = make_quiz(["essay"])
    question = quiz.slots.get().question
    question.stem = f"Explain this: {PAYLOAD}"
    question.explanation = PAYLOAD
    question.save()
    now = timezone.now()
    attempt = attempt_start(quiz=quiz, user=student, now=now)
    attempt_save_answer(attempt=attempt, question_id=question.pk, response=PAYLOAD, now=now)
    attempt_submit(attempt=attempt, now=now)

    login(page, live_server, student)
    assert_inert(page, f"/quizzes/attempt/{attempt.pk}/result/", live_server)
    page.context.clear_cookies()
    login(page, live_server, instructor)
    assert_inert(
        page, "/quizzes/grading/", live_server
    )  # the student's essay, in the instructor's browser
    assert "onerror" in page.inner_text("main") or "<script>" in page.inner_text("main")


def test_glossary_text_is_inert(page, live_server):
    from glossary.models import Term

    Term.objects.create(
        slug="xss-term",
        name="Xss term",
        category="fundamentals",
        definition=PAYLOAD,
        explanation=PAYLOAD,
    )
    assert_inert(page, "/glossary/xss-term/", live_server)
    assert_inert(page, "/glossary/?q=xss", live_server)


def test_student_job_title_is_inert_for_instructors(page, live_server, student, instructor):
    from playground.models import Job

    title = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    Job.objects.create(user=student, kind="cnn", config={}, status="queued", title=title)
    login(page, live_server, instructor)
    assert_inert(page, "/playground/queue/", live_server)
    assert "<script>" in page.inner_text("main"), "the title is shown, as text"
