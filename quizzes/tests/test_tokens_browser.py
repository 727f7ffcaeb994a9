"""The attempt page's script sends tokens back as it found them, for every type that has them."""

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


def _put_in_order(page) -> None:
    """Moves items up until the list reads ORDER (each move autosaves)."""
    for target, text in enumerate(ORDER):
        items = page.locator(".ordering li")
        texts = [t.strip() for t in items.locator(".ordering-text").all_inner_texts()]
        for _ in range(texts.index(text) - target):
            with _saving(page):
                page.locator(".ordering li", has_text=text).locator(".move-up").click()


def test_every_choice_type_answered_in_the_page_saves_reloads_and_grades(
    page, live_server, student
):
    quiz = make_quiz(["single", "multi", "truefalse", "matching", "ordering"], shuffle_answers=True)
    login(page, live_server, student)
    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
    page.get_by_role("button", name=re.compile("Start attempt")).click()
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/$"))
    values = page.locator("fieldset input, fieldset select option, .ordering li")
    names = [v.get_attribute("value") or v.get_attribute("data-id") for v in values.all()]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{10}", n) for n in names if n), names

    with _saving(page):
        page.get_by_role("radio", name="Pooling").check()
    with _saving(page):
        page.get_by_role("checkbox", name="ReLU").check()
    with _saving(page):
        page.get_by_role("checkbox", name="Sigmoid").check()
    with _saving(page):
        page.get_by_role("radio", name="False").check()
    for left, right in MATCHES.items():
        with _saving(page):
            page.locator(".match-row", has_text=left).locator("select").select_option(label=right)
    _put_in_order(page)
    expect(page.locator(".nav-grid .nav-q.is-answered")).to_have_count(5)

    page.reload()  # the saved tokens still name the same options
    assert page.get_by_role("radio", name="Pooling").is_checked()
    assert page.get_by_role("checkbox", name="ReLU").is_checked()
    assert page.get_by_role("checkbox", name="Sigmoid").is_checked()
    assert page.get_by_role("radio", name="False").is_checked()
    for left, right in MATCHES.items():
        select = page.locator(".match-row", has_text=left).locator("select")
        assert select.locator("option:checked").inner_text() == right
    shown = page.locator(".ordering .ordering-text").all_inner_texts()
    assert [t.strip() for t in shown] == ORDER

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit all and finish").click()
    page.wait_for_url(re.compile(r"/result/$"))
    attempt = Attempt.objects.get()
    assert attempt.score == 100, list(attempt.items.values_list("response", "fraction"))
    assert page.js_errors == []
