"""Headless Chromium against the live server: timed deferred, immediate and interactive quizzes."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from conftest import login
from quizzes.models import Attempt

from .factories import make_quiz, minutes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _start(page, live_server, quiz) -> None:
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.get_by_role("button", name=re.compile("Start attempt")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/$"))


def _saving(page):
    """Waits for the autosave request that the action inside the `with` block triggers."""
    return page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200)


def test_timed_deferred_quiz(page, live_server, student):
    quiz = make_quiz(["single", "short", "ordering"], time_limit=minutes(10), pass_mark=50)
    login(page, live_server, student)
    _start(page, live_server, quiz)
    assert re.match(r"^(9|10):\d\d$", page.locator("#quiz-timer").inner_text())
    with _saving(page):
        page.get_by_role("radio", name="Pooling").check()
    with _saving(page):  # typing autosaves after a pause, without leaving the field
        page.get_by_label("Your answer").fill("secretrelu")
    first = page.locator(".ordering li").first.get_attribute("data-id")
    with _saving(page):  # the move buttons work from the keyboard
        page.locator(".ordering li").first.locator(".move-down").press("Enter")
    expect(page.locator(".nav-grid .nav-q.is-answered")).to_have_count(3)
    assert page.locator(".ordering li").nth(1).get_attribute("data-id") == first
    page.get_by_role("button", name="Flag").first.click()
    page.wait_for_selector(".nav-grid .nav-q.is-flagged")
    page.reload()
    assert page.get_by_role("radio", name="Pooling").is_checked()
    assert page.get_by_label("Your answer").input_value() == "secretrelu"
    assert page.locator(".ordering li").nth(1).get_attribute("data-id") == first
    assert (
        page.locator(".nav-grid .nav-q.is-answered").count() == 3
        and page.locator(".nav-grid .nav-q.is-flagged").count() == 1
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/result/$"))
    attempt = Attempt.objects.get()
    assert page.locator("#score").inner_text() == f"{attempt.score:.1f}%"
    assert attempt.score > 0 and "Passed" in page.content()
    assert "FEEDBACK-single-right" in page.content()
    assert page.js_errors == []


def test_immediate_quiz_check_shows_feedback(page, live_server, student):
    quiz = make_quiz(["single", "numerical"], behaviour="immediate")
    login(page, live_server, student)
    _start(page, live_server, quiz)
    assert "FEEDBACK-" not in page.content()
    page.get_by_role("radio", name="Dropout").check()
    page.locator("fieldset.q-single .check-answer").click()
    page.wait_for_selector("fieldset.q-single .review")
    single = page.locator("fieldset.q-single")
    assert "Incorrect" in single.inner_text() and "FEEDBACK-single-wrong" in single.inner_text()
    assert "Pooling" in single.locator(".right-answer").inner_text()
    assert single.locator("input").first.is_disabled()
    assert (
        page.locator("fieldset.q-numerical .review").count() == 0
    )  # the other question stays open
    assert page.js_errors == []


def test_interactive_quiz_gives_a_hint_then_a_penalised_mark(page, live_server, student):
    quiz = make_quiz(["single"], behaviour="interactive", max_tries=3)
    question = quiz.slots.get().question
    question.hints = ["Which layer has no weights and makes maps smaller?"]
    question.penalty = Decimal("0.25")
    question.save()
    login(page, live_server, student)
    _start(page, live_server, quiz)
    single = page.locator("fieldset.q-single")

    page.get_by_role("radio", name="Dropout").check()
    with page.expect_navigation():
        single.locator(".check-answer").click()
    expect(single.locator(".hint")).to_contain_text("makes maps smaller")
    assert "FEEDBACK-single" not in page.content(), "a wrong try reveals no feedback"
    assert single.locator(".right-answer").count() == 0, "nor the right answer"
    assert not single.locator("input").first.is_disabled(), "the question stays open"

    page.get_by_role("radio", name="Pooling").check()
    with page.expect_navigation():
        single.locator(".check-answer").click()
    page.wait_for_selector("fieldset.q-single .review")
    assert "FEEDBACK-single-right" in single.inner_text()
    item = Attempt.objects.get(user=student, quiz=quiz).items.get()
    assert item.locked and item.tries == 2
    assert float(item.fraction) == pytest.approx(0.75)  # full marks less one 25 % penalty
    assert page.js_errors == []
