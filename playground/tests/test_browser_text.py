"""In real Chromium: a GRU run from the form, its generated text, the prompt box and the compare page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]


def test_text_run_continue_prompt_and_compare(page, live_server, celery_worker, student):
    login(page, live_server, student)
    page.goto(f"{live_server.url}/playground/new/?experiment=text&cell=gru")
    expect(page.locator("#id_cell")).to_have_value("gru")
    expect(page.locator("#est-params")).not_to_have_text("–")
    page.fill("#id_hidden", "10000000")
    expect(page.locator("#est-errors")).to_contain_text(
        "hidden"
    )  # the live estimate reports bounds
    page.fill("#id_hidden", "32")
    page.fill("#id_max_steps", "15")
    page.fill("#id_epochs", "1")
    page.fill("#id_title", "gru run")
    page.click("button[type=submit]:has-text('Start training')")
    page.wait_for_url(re.compile(r"/playground/jobs/\d+/$"))
    expect(page.locator("#job-status")).to_have_text("Succeeded", timeout=120_000)
    expect(page.locator("#samples pre")).to_have_count(1)

    page.fill("#prompt", "The ")
    page.locator("#temperature").fill("0.5")
    expect(page.locator("#temperature-out")).to_have_text("0.5")
    page.click("#generate")
    expect(page.locator("#continuation")).to_have_text(re.compile(r"^The .{20,}", re.S))

    page.goto(f"{live_server.url}/playground/compare/")
    page.check("input[name=ids]")
    page.click("button:has-text('Compare')")
    expect(page.locator("#legend-text li")).to_have_count(1)
    assert int(page.get_attribute("#compare-train-text", "data-points")) > 0
    assert page.js_errors == []
