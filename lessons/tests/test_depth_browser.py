"""The overview depth tabs in a real browser: keyboard operable and remembered."""

import pytest
from playwright.sync_api import expect

from lessons.models import LessonPreference

pytestmark = pytest.mark.browser


def test_anonymous_switches_with_arrow_keys_and_the_choice_survives_a_reload(
    page, live_server, course
):
    page.goto(f"{live_server.url}/learn/9.1/")
    assert page.locator("#panel-standard").is_visible()

    page.locator("#tab-standard").focus()
    page.keyboard.press("ArrowRight")

    assert page.locator("#panel-detailed").is_visible()
    assert page.locator("#panel-standard").is_hidden()
    expect(page.locator("#tab-detailed")).to_be_focused()
    page.reload()
    assert page.locator("#panel-detailed").is_visible()
    assert "DETAILED-OVERVIEW-MARK" in page.locator("#panel-detailed").inner_text()
    assert page.js_errors == []


def test_logged_in_choice_is_saved_on_the_server(page, live_server, browser_login, student, course):
    browser_login(page, live_server, student)
    page.goto(f"{live_server.url}/learn/9.1/")

    with page.expect_response(lambda r: r.url.endswith("/learn/depth/")) as response:
        page.click("#tab-basic")
    assert response.value.status == 200
    assert page.locator("#panel-basic").is_visible()
    assert LessonPreference.objects.get(user=student).depth == "basic"


def test_mark_as_read_button(page, live_server, browser_login, student, course):
    browser_login(page, live_server, student)
    page.goto(f"{live_server.url}/learn/9.2/")

    page.click("text=Mark as read")

    page.locator("text=You have read this section").wait_for()
    page.goto(f"{live_server.url}/learn/")
    assert "1 of 2 read" in page.content()


def test_the_tabs_switch_every_topic_body_too(page, live_server, course):
    page.goto(f"{live_server.url}/learn/9.1/")
    body = page.locator("#topic-perceptron")
    assert "TOPIC-PERCEPTRON-MARK" in body.inner_text()
    assert "BASIC-PERCEPTRON-MARK" not in body.inner_text()

    page.click("#tab-basic")
    assert "BASIC-PERCEPTRON-MARK" in body.inner_text()
    assert "TOPIC-PERCEPTRON-MARK" not in body.inner_text()

    page.click("#tab-detailed")
    assert "TOPIC-PERCEPTRON-MARK" in body.inner_text()
    assert "DETAILED-PERCEPTRON-MARK" in body.inner_text()
    assert page.js_errors == []
