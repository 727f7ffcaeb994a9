"""Study a deck in a real browser with the keyboard only: Space flips, 3 grades Good."""

import pytest
from playwright.sync_api import expect

from flashcards.models import Card, ReviewLog

pytestmark = pytest.mark.browser


def test_study_a_deck_with_the_keyboard_only(page, live_server, browser_login, student, course):
    browser_login(page, live_server, student)
    page.goto(f"{live_server.url}/flashcards/section/9.1/")

    front = page.locator("#card-front")
    assert "What does a perceptron compute?" in front.inner_text()
    expect(page.locator("#card-back-face")).to_be_hidden()
    expect(page.locator("#grades")).to_be_hidden()

    page.keyboard.press("Space")
    page.locator("#card-back-face").wait_for(state="visible")
    assert "then a step function." in page.locator("#card-back").inner_text()
    assert page.locator("#grades").is_visible()

    page.keyboard.press("3")
    expect(front).to_contain_text("Why use a nonlinear activation?")
    assert page.locator("#card-back-face").is_hidden()
    assert page.locator("#due-count").inner_text() == "2"
    assert page.url.endswith("/flashcards/section-9-1/")  # no reload, no navigation

    log = ReviewLog.objects.get(user=student)
    assert log.rating == 3 and log.card == Card.objects.get(front="What does a perceptron compute?")

    # Grading before flipping does nothing; the rest of the deck can be finished from the keyboard.
    page.keyboard.press("4")
    page.wait_for_timeout(300)
    assert ReviewLog.objects.filter(user=student).count() == 1
    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(front).to_contain_text("What is a bias?")
    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(page.locator("#study-done")).to_be_visible()
    expect(page.locator("#flashcard")).to_be_hidden()
    assert ReviewLog.objects.filter(user=student).count() == 3
    assert page.js_errors == []


def test_study_shows_session_progress(page, live_server, browser_login, student, course):
    """ "Card 2 of 3": the position moves on with each grade and the total is the session's."""
    browser_login(page, live_server, student)
    page.goto(f"{live_server.url}/flashcards/section/9.1/")
    status = page.locator("#study-progress")
    expect(status).to_have_text("Card 1 of 3 this session")
    page.keyboard.press("Space")
    page.keyboard.press("3")
    expect(status).to_have_text("Card 2 of 3 this session")
    assert page.locator("#progress-bar").get_attribute("max") == "3"
    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(status).to_have_text("Card 3 of 3 this session")
    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(page.locator("#study-done")).to_be_visible()
    expect(status).to_be_hidden()
    assert page.js_errors == []


def test_study_by_keyboard_is_announced_and_the_grades_are_in_the_tab_order(
    page, live_server, browser_login, student, course
):
    from tests.keyboard import assert_focus_visible, focused, tab_to

    browser_login(page, live_server, student)
    page.goto(f"{live_server.url}/flashcards/section/9.1/")
    # The card has the focus on arrival, with a visible ring once the keyboard is used.
    assert focused(page)["id"] == "flashcard"
    page.keyboard.press("Shift+Tab")
    tab_to(page, "#flashcard", limit=3)
    assert page.locator("#flashcard").get_attribute("role") == "button"
    page.keyboard.press("Enter")  # Enter flips too (a role=button)
    announce = page.locator("#study-announce")
    expect(announce).to_contain_text("Answer:")
    expect(announce).to_contain_text("then a step function.")
    assert announce.get_attribute("role") == "status"
    # The grade buttons follow the card in the tab order; Enter on "Hard" rates it Hard.
    tab_to(page, "#grades [data-rating='1']", limit=2)
    page.keyboard.press("Tab")
    assert focused(page)["text"].endswith("Hard")
    assert_focus_visible(page, "the Hard button")
    page.keyboard.press("Enter")
    expect(announce).to_contain_text("Rated Hard. Card 2 of 3: Why use a nonlinear activation?")
    assert ReviewLog.objects.get(user=student).rating == 2
    assert focused(page)["id"] == "flashcard"  # back on the next card, ready for Space
    page.keyboard.press("Space")
    expect(announce).to_contain_text("Answer: Without it")
    page.keyboard.press("4")
    expect(announce).to_contain_text("Rated Easy. Card 3 of 3: What is a bias?")
    assert page.js_errors == []
