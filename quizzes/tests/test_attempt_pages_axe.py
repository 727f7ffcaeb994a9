"""axe-core on the pages this work added: a paged, sequential, certainty-based attempt (with
the navigation panel and the certainty choices), the responses report and the CBM summary (the
statistics report, an attempt's result), in both themes."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from conftest import login, require
from quizzes import services
from quizzes.models import Behaviour, Navigation
from tests.test_a11y_axe import _check

from .factories import make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_no_serious_axe_violation_on_the_new_pages(browser, live_server, student, instructor):
    try:
        from axe_playwright_python import sync_playwright as axe_module
    except ImportError:
        axe_module = None
    require(axe_module is not None, "axe-playwright-python is not installed (the dev extras)")
    axe = axe_module.Axe()
    quiz = make_quiz(
        ["single", "short", "truefalse"],
        behaviour=Behaviour.CBM,
        questions_per_page=2,
        navigation=Navigation.SEQUENTIAL,
        password="open sesame",
    )
    finished = services.attempt_start(
        quiz=quiz, user=instructor, now=timezone.now(), password="open sesame"
    )
    services.attempt_submit(attempt=finished, now=timezone.now())
    found: list[str] = []
    for scheme in ("light", "dark"):
        for user in (student, instructor):
            context = browser.new_context(
                base_url=live_server.url,
                viewport={"width": 390, "height": 844},
                color_scheme=scheme,
            )
            page = context.new_page()
            try:
                login(page, live_server, user)
                if user is student:
                    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
                    _check(page, axe, "quiz with password", scheme, found)
                    if scheme == "light":
                        page.get_by_label("Quiz password").fill("open sesame")
                        page.get_by_role("button", name=re.compile("Start attempt")).click()
                    else:
                        page.get_by_role("button", name=re.compile("Continue attempt")).click()
                    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/"))
                    _check(page, axe, "paged CBM attempt", scheme, found)
                else:
                    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/report/responses/")
                    _check(page, axe, "responses report", scheme, found)
                    # The CBM summary: on the statistics report and the attempt's result.
                    page.goto(f"{live_server.url}/quizzes/{quiz.pk}/report/")
                    assert page.locator(".cbm-summary").count() == 1
                    _check(page, axe, "statistics report with CBM", scheme, found)
                    page.goto(f"{live_server.url}/quizzes/attempt/{finished.pk}/result/")
                    assert page.locator(".cbm-summary").count() == 1
                    _check(page, axe, "CBM result", scheme, found)
            finally:
                context.close()
    assert found == [], "\n".join(found)
