"""Accessible by proof: axe-core (bundled by axe-playwright-python) on every page type, signed
out, as a student and as an instructor, in the light and the dark theme (prefers-color-scheme).

The test fails on any violation axe rates serious or critical, and prints each one (rule, page,
theme, role, the first offending elements) so a new one is fixed rather than guessed at.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from conftest import login, require
from playground.models import Job
from playground.tests.conftest import TINY_CNN
from playground.tests.test_browser_rough_edges import CNN_RESULTS

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.timeout(900),
]

SERIOUS = {"serious", "critical"}
PUBLIC = {
    "home": "/",
    "course": "/learn/",
    "lesson": "/learn/7.8/",
    "glossary index": "/glossary/",
    "term": "/glossary/convolutional-neural-network/",
    "search": "/glossary/?q=convolution",
    "login": "/accounts/login/",
    "signup": "/accounts/signup/",
}
SIGNED_IN = {
    "flashcards": "/flashcards/",
    "study history": "/flashcards/history/",
    "games": "/games/",
    "quiz list": "/quizzes/",
    "playground index": "/playground/",
    "playground new cnn": "/playground/new/?experiment=cnn",
    "playground new text": "/playground/new/?experiment=text&cell=lstm",
    "playground compare": "/playground/compare/",
}
INSTRUCTOR = {"playground queue": "/playground/queue/", "quiz grading": "/quizzes/grading/"}


def _check(page, axe, name: str, where: str, found: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    result = axe.run(page)
    for v in result.response["violations"]:
        if v["impact"] in SERIOUS:
            nodes = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            why = next((c["message"] for c in v["nodes"][0].get("any", []) if c["message"]), "")
            found.append(f"{v['id']} ({v['impact']}) on {name} [{where}]: {nodes} ({why})")


def _quiz_pages(page, base: str, axe, where: str, found: list[str]) -> None:
    """A quiz attempt and its review, made through the pages as a student makes them."""
    page.goto(f"{base}/quizzes/section/7.8/")
    page.click("text=Start attempt")
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/$"))
    _check(page, axe, "quiz attempt", where, found)
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#submit-attempt")
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/result/$"))
    _check(page, axe, "quiz review", where, found)


def test_no_serious_axe_violation_on_any_page(browser, live_server, student, instructor):
    try:
        from axe_playwright_python import sync_playwright as axe_module
    except ImportError:
        axe_module = None
    require(axe_module is not None, "axe-playwright-python is not installed (the dev extras)")
    call_command("load_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    axe = axe_module.Axe()
    base = live_server.url
    history = {"train": [{"step": 1, "loss": 2.3, "seq": 1}, {"step": 2, "loss": 1.1, "seq": 2}]}
    found: list[str] = []
    for scheme in ("light", "dark"):
        for role, user in (("signed out", None), ("student", student), ("instructor", instructor)):
            where = f"{scheme}, {role}"
            context = browser.new_context(
                base_url=base, viewport={"width": 1280, "height": 900}, color_scheme=scheme
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            try:
                pages = dict(PUBLIC)
                if user is not None:
                    login(page, live_server, user)
                    job = Job.objects.create(
                        user=user,
                        kind="cnn",
                        config=TINY_CNN,
                        status="succeeded",
                        history=history,
                        results=CNN_RESULTS,  # the results panel and confusion matrix show
                    )
                    pages |= SIGNED_IN | {"playground job": f"/playground/jobs/{job.pk}/"}
                    pages.pop("login"), pages.pop("signup")
                    if user.is_instructor:
                        pages |= INSTRUCTOR
                for name, path in pages.items():
                    response = page.goto(base + path)
                    assert response is not None and response.ok, f"{name}: {path} did not load"
                    _check(page, axe, name, where, found)
                if user is not None:
                    page.goto(base + "/flashcards/")
                    decks = page.locator("main a[href^='/flashcards/']:not([href*='history'])")
                    assert decks.count(), "the loaded content has a deck to study"
                    decks.first.click()
                    page.wait_for_url(re.compile(r"/flashcards/[\w-]+/$"))
                    _check(page, axe, "flashcard study", where, found)
                    _quiz_pages(page, base, axe, where, found)
            finally:
                context.close()
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
