"""Every question type's answer controls pass axe-core (no serious or critical violation), in
the light and the dark theme: the attempt page with one question of each type, and its review."""

from __future__ import annotations

import re

import pytest

from conftest import login, require
from tests.test_a11y_axe import SERIOUS

from .factories import QUESTION_DATA, make_quiz

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.slow]


def _violations(page, axe, where: str) -> list[str]:
    page.wait_for_load_state("networkidle")
    found = []
    for v in axe.run(page).response["violations"]:
        if v["impact"] in SERIOUS:
            nodes = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            found.append(f"{v['id']} ({v['impact']}) [{where}]: {nodes}")
    return found


def test_every_question_type_passes_axe(browser, live_server, student):
    try:
        from axe_playwright_python import sync_playwright as axe_module
    except ImportError:
        axe_module = None
    require(axe_module is not None, "axe-playwright-python is not installed (the dev extras)")
    axe = axe_module.Axe()
    quiz = make_quiz(list(QUESTION_DATA), shuffle_answers=True)
    found: list[str] = []
    for scheme in ("light", "dark"):
        context = browser.new_context(base_url=live_server.url, color_scheme=scheme)
        page = context.new_page()
        try:
            login(page, live_server, student)
            page.goto(f"{live_server.url}/quizzes/{quiz.pk}/")
            page.get_by_role("button", name=re.compile("Start attempt|Continue")).click()
            page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/$"))
            found += _violations(page, axe, f"attempt, {scheme}")
        finally:
            context.close()
    assert not found, "\n".join(found)
