"""The navigation panel in Chromium: arrow keys, the spoken state, and pages."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login
from quizzes.models import Attempt, Navigation

from .factories import make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _start(page, live_server, quiz) -> None:
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.get_by_role("button", name=re.compile("Start attempt")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/"))


def test_panel_keyboard_and_state(page, live_server, student):
    quiz = make_quiz(["single", "truefalse", "short", "numerical"], questions_per_page=2)
    login(page, live_server, student)
    _start(page, live_server, quiz)
    first = page.locator(".nav-grid .nav-q").first
    first.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".nav-grid .nav-q").nth(1)).to_be_focused()
    page.keyboard.press("End")
    expect(page.locator(".nav-grid .nav-q").nth(3)).to_be_focused()
    expect(page.locator(".nav-grid .nav-q").nth(3)).to_have_attribute("href", "?page=1#q-4")
    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200):
        page.get_by_role("radio", name="Pooling").check()
    expect(first).to_have_attribute("aria-label", "Question 1, answered")
    page.get_by_role("button", name="Flag").first.click()
    expect(first).to_have_attribute("aria-label", "Question 1, answered, flagged")
    # Free navigation: the next page by link; typed text is saved before leaving.
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"\?page=1"))
    page.get_by_label("Your answer").first.fill("26")
    page.get_by_role("link", name="Previous page").click()
    page.wait_for_url(re.compile(r"\?page=0"))
    assert page.get_by_role("radio", name="Pooling").is_checked()
    items = Attempt.objects.get().items
    assert items.get(order=2).response == "26"
    assert items.get(order=3).response is None  # untouched: not saved
    assert page.js_errors == []


def test_sequential_pages_go_forward_only(page, live_server, student):
    quiz = make_quiz(
        ["single", "truefalse", "short"], questions_per_page=1, navigation=Navigation.SEQUENTIAL
    )
    login(page, live_server, student)
    _start(page, live_server, quiz)
    expect(page.locator("#q-1")).to_be_visible()
    expect(page.locator(".nav-grid span.nav-q[aria-disabled=true]")).to_have_count(2)
    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200):
        page.get_by_role("radio", name="Pooling").check()
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#q-2")).to_be_visible()
    expect(page.locator("#q-1")).to_have_count(0)
    assert page.get_by_role("link", name="Previous page").count() == 0
    page.go_back()  # the browser's back button shows the current page, not the left one
    page.reload()
    expect(page.locator("#q-2")).to_be_visible()
    assert page.js_errors == []
