"""Matching and ordering answered with the keyboard alone, then submitted (issue 17): the
selects are named by their left texts, an ordering item moves with Alt+Up/Down and a live
region says where it went."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login
from quizzes.models import Attempt

from .factories import make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MATCHES = {"LSTM": "has a cell state", "CNN": "shares kernels over space", "GRU": "has two gates"}
ORDER = ["convolution", "activation", "pooling", "flattening", "fully connected"]


def _saving(page):
    return page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200)


def _tab_to(page, predicate: str) -> None:
    """Press Tab until the focused element satisfies the JavaScript predicate `el => ...`."""
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({predicate}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def _choose_by_keyboard(page, left: str, right: str) -> None:
    select = page.get_by_role("combobox", name=left)  # the select is named by its left text
    _tab_to(
        page,
        f"el => el.tagName === 'SELECT' && el.getAttribute('aria-labelledby') === "
        f"{select.get_attribute('aria-labelledby')!r}",
    )
    for _ in range(len(MATCHES) + 2):
        if select.locator("option:checked").inner_text() == right:
            return
        with _saving(page):
            page.keyboard.press("ArrowDown")
    assert select.locator("option:checked").inner_text() == right


def _order_by_keyboard(page) -> None:
    items = page.locator(".ordering li")
    for target, text in enumerate(ORDER):
        texts = [t.strip() for t in items.locator(".ordering-text").all_inner_texts()]
        moves = texts.index(text) - target
        if not moves:
            continue
        _tab_to(page, f"el => el.matches('.ordering li') && el.textContent.includes({text!r})")
        for _ in range(moves):
            with _saving(page):
                page.keyboard.press("Alt+ArrowUp")
        expect(page.locator(".ordering-status")).to_have_text(
            f"{text}: moved to position {target + 1} of {len(ORDER)}."
        )
        assert page.evaluate("document.activeElement.textContent").strip().startswith(text)


def test_matching_and_ordering_answered_by_keyboard_only(page, live_server, student):
    quiz = make_quiz(["matching", "ordering"], shuffle_answers=True)
    login(page, live_server, student)
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.get_by_role("button", name=re.compile("Start attempt")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/$"))

    for left, right in MATCHES.items():
        _choose_by_keyboard(page, left, right)
    _order_by_keyboard(page)
    shown = [t.strip() for t in page.locator(".ordering .ordering-text").all_inner_texts()]
    assert shown == ORDER
    expect(page.locator(".nav-grid .nav-q.is-answered")).to_have_count(2)

    page.once("dialog", lambda dialog: dialog.accept())
    _tab_to(page, "el => el.textContent.trim() === 'Submit all and finish'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/result/$"))
    attempt = Attempt.objects.get()
    assert attempt.score == 100
    assert page.js_errors == []


def _activate(page, predicate: str) -> None:
    _tab_to(page, predicate)
    page.keyboard.press("Enter")


def test_gap_types_answered_by_keyboard_only(page, live_server, student):
    """Select missing words with its labelled selects; drag and drop into text without
    dragging: a word picked with Enter, then its blank; each placement saved and announced."""
    quiz = make_quiz(["gapselect", "ddwtos"])
    login(page, live_server, student)
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.get_by_role("button", name=re.compile("Start attempt")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/$"))
    assert "[blank 1]" in page.locator("fieldset.q-gapselect .q-stem").inner_text()

    for number, word in ((1, "pooling"), (2, "ReLU")):
        select = page.get_by_role("combobox", name=f"Blank {number}")
        _tab_to(page, f"el => el.tagName === 'SELECT' && el.dataset.gap === '{number}'")
        for _ in range(4):
            if select.locator("option:checked").inner_text() == word:
                break
            with _saving(page):
                page.keyboard.press("ArrowDown")
        assert select.locator("option:checked").inner_text() == word

    box = page.locator("fieldset.q-ddwtos")
    for number, word in ((1, "backwards"), (2, "LSTM")):
        _activate(page, f"el => el.matches('.dd-tile') && el.textContent.trim() === {word!r}")
        expect(box.locator(".dd-tile", has_text=word)).to_have_attribute("aria-pressed", "true")
        with _saving(page):
            _activate(page, f"el => el.matches('.dd-drop') && el.dataset.drop === '{number}'")
        expect(box.locator(".dd-status")).to_have_text(f"Blank {number}: {word}.")
        drop = box.get_by_role("button", name=f"Blank {number} {word}")
        expect(drop).to_be_visible()  # the blank's name says what it holds
    expect(page.locator(".nav-grid .nav-q.is-answered")).to_have_count(2)

    page.reload()  # the placed words come back from the saved answer
    expect(box.get_by_role("button", name="Blank 1 backwards")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    _tab_to(page, "el => el.textContent.trim() === 'Submit all and finish'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/result/$"))
    assert Attempt.objects.get().score == 100
    assert page.js_errors == []


def test_cloze_answered_by_keyboard_only(page, live_server, student):
    quiz = make_quiz(["cloze"])
    login(page, live_server, student)
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.get_by_role("button", name=re.compile("Start attempt")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/$"))
    assert "CLOZESECRET" not in page.content()
    for number, text in ((1, "clozesecret"), (2, "9")):
        _tab_to(page, f"el => el.dataset.gap === '{number}' && el.type === 'text'")
        with _saving(page):
            page.keyboard.type(text)
    select = page.get_by_role("combobox", name="Blank 3")
    _tab_to(page, "el => el.tagName === 'SELECT' && el.dataset.gap === '3'")
    while select.locator("option:checked").inner_text() != "pooling":
        with _saving(page):
            page.keyboard.press("ArrowDown")
    for word in ("ReLU", "tanh"):
        _tab_to(
            page, f"el => el.type === 'checkbox' && el.parentNode.textContent.includes({word!r})"
        )
        with _saving(page):
            page.keyboard.press("Space")
    expect(page.locator(".nav-grid .nav-q.is-answered")).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    _tab_to(page, "el => el.textContent.trim() === 'Submit all and finish'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/result/$"))
    assert Attempt.objects.get().score == 100
    assert page.js_errors == []
