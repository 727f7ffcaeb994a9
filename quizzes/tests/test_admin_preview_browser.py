"""The instructor's preview answered in a real browser (issue 16 §5): the page's script reads
the answer with the attempt page's collectors (answers.js), Check and Submit post it, and the
verdict shows; the keyboard moves an ordering item as on the attempt page."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from conftest import login
from quizzes.models import Attempt

from .factories import make_question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ORDER = ["convolution", "activation", "pooling", "flattening", "fully connected"]


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", "pw-root-123")


def test_ordering_checked_by_keyboard_in_the_preview(page, live_server, root):
    question = make_question("ordering", slug="pvb-order")
    login(page, live_server, root)
    page.goto(
        f"{live_server.url}/admin/quizzes/question/{question.pk}/preview/?behaviour=immediate"
    )
    items = page.locator(".ordering li")
    for target, text in enumerate(ORDER):
        texts = [t.strip() for t in items.locator(".ordering-text").all_inner_texts()]
        for _ in range(texts.index(text) - target):
            page.locator(".ordering li", has_text=text).focus()
            page.keyboard.press("Alt+ArrowUp")
    expect(page.locator(".ordering-status")).not_to_be_empty()
    shown = [t.strip() for t in items.locator(".ordering-text").all_inner_texts()]
    assert shown == ORDER
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".review .verdict")).to_contain_text("Correct")
    expect(page.locator(".review .verdict")).to_contain_text("Mark 1 of 1")
    assert page.js_errors == [] and not Attempt.objects.exists()


def test_cbm_submitted_with_a_certainty_in_the_preview(page, live_server, root):
    question = make_question("single", slug="pvb-cbm")
    login(page, live_server, root)
    page.goto(
        f"{live_server.url}/admin/quizzes/question/{question.pk}/preview/?behaviour=deferredcbm"
    )
    page.get_by_label("Pooling").check()
    page.get_by_label(re.compile("C3: sure")).check()
    page.get_by_role("button", name="Submit and finish").click()
    expect(page.locator(".review .verdict")).to_contain_text("Mark 3 of 1")
    expect(page.get_by_text("Certainty: C3.")).to_be_visible()
    page.get_by_role("button", name="Start again").click()
    expect(page.get_by_role("button", name="Submit and finish")).to_be_visible()
    assert page.js_errors == [] and not Attempt.objects.exists()
