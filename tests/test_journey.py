"""A student's first visit, end to end in Chromium against the real stack.

Sign up, find a term with a typo in the header search, take the section's quiz and see it scored,
submit a playground training and watch a real Celery worker (PostgreSQL + Redis) take it to
"succeeded" while the page updates itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(420),
    pytest.mark.browser,
    pytest.mark.worker,
]
MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


@pytest.fixture
def mnist_installed(tmp_path, settings, monkeypatch) -> Path:
    """MNIST installed by the real command into a folder that the worker sees too."""
    data = tmp_path / "data"
    settings.PLAYGROUND_DATA_DIR = data
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(data))
    call_command("playground_data", "install", "--from", str(MNIST), stdout=open("/dev/null", "w"))  # noqa: SIM115
    return data


def _sign_up(page, base: str) -> None:
    page.goto(f"{base}/accounts/signup/")
    page.fill("input[name=username]", "newcomer")
    page.fill("input[name=password1]", "a-long-pass-phrase-42")
    page.fill("input[name=password2]", "a-long-pass-phrase-42")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert "newcomer" in page.inner_text("header")


def _find_term_with_a_typo(page) -> None:
    page.fill("#site-search-input", "convolutonal")
    page.wait_for_selector("#site-search-results [role=option]")
    page.click("#site-search-results [role=option] >> nth=0")
    page.wait_for_url(re.compile(r"/glossary/[\w-]+/$"))
    assert "Convolutional Neural Network" in page.inner_text("h1")


def _take_the_quiz(page, base: str) -> None:
    page.goto(f"{base}/quizzes/section/7.8/")
    page.click("text=Start attempt")
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/$"))
    page.locator("fieldset.q-single input[type=radio]").first.check()
    expect(page.locator("#save-status")).to_have_text("All answers saved.")  # autosaved
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#submit-attempt")
    page.wait_for_url(re.compile(r"/quizzes/attempt/\d+/result/$"))
    assert re.search(r"\d+(\.\d+)?\s*%", page.inner_text("main")), "the result shows a score"


def _train_and_watch(page, base: str) -> None:
    page.goto(f"{base}/playground/new/?experiment=cnn")
    page.fill("input[name=epochs]", "1")
    page.fill("input[name=max_steps]", "30")
    page.click("#run-form button[type=submit]")
    page.wait_for_url(re.compile(r"/playground/jobs/\d+/$"))
    status = page.locator("#job-status")
    expect(status).to_have_text(re.compile("running|succeeded", re.I), timeout=120_000)
    expect(status).to_have_text(re.compile("succeeded", re.I), timeout=180_000)
    assert page.eval_on_selector("#job-progress", "el => el.value") == 1


def test_first_visit_journey(mnist_installed, page, live_server, celery_worker):
    call_command("load_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    base = live_server.url
    _sign_up(page, base)
    _find_term_with_a_typo(page)
    _take_the_quiz(page, base)
    _train_and_watch(page, base)
    assert page.js_errors == []
