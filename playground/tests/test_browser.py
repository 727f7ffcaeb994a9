"""In real Chromium: submit a CNN run, watch the progress bar and curves move, then draw a digit."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from conftest import login

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]


def _watch(page, timeout: float = 240.0) -> list[tuple[float, int]]:
    """Sample (progress value, points on the loss chart) until the job has finished."""
    seen: list[tuple[float, int]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = float(page.eval_on_selector("#job-progress", "el => el.value"))
        points = int(page.get_attribute("#loss-chart", "data-points") or 0)
        seen.append((value, points))
        status = page.text_content("#job-status")
        if status in ("Succeeded", "Failed", "Cancelled"):
            return seen
        time.sleep(0.25)
    pytest.fail(f"job did not finish; last samples {seen[-5:]}")


def test_submit_watch_and_draw(page, live_server, celery_worker, student):
    login(page, live_server, student)
    page.goto(f"{live_server.url}/playground/new/?experiment=cnn")
    # A form control named "dataset" shadows form.dataset: the estimate must still load.
    expect(page.locator("#est-params")).not_to_have_text("–")
    assert int(page.text_content("#est-params").replace(",", "")) > 10_000
    page.fill("#id_title", "browser run")
    page.fill("#id_epochs", "2")
    page.fill("#id_train_subset", "3000")  # a few seconds of training on an idle machine
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/progress/" in r.url else None)
    page.click("button[type=submit]:has-text('Start training')")
    page.wait_for_url(re.compile(r"/playground/jobs/\d+/$"))

    seen = _watch(page)
    assert page.text_content("#job-status") == "Succeeded", page.text_content("#job-failure")
    assert any(0 < v < 1 for v, _ in seen), seen  # the bar was seen part-way
    points = [p for _, p in seen]
    assert len(set(points)) >= 2 and points[-1] > points[0]  # the curves grew while we watched
    # Each poll asked only for the points after the last one it had, and what it appended is
    # the whole curve: a fresh load of the finished job draws exactly as many points. (The
    # answer that said "Succeeded" brought the last points with it.)
    assert any(re.search(r"since=[1-9]", url) for url in asked), asked
    drawn = page.get_attribute("#loss-chart", "data-points")
    page.reload()
    expect(page.locator("#loss-chart")).to_have_attribute("data-points", drawn)

    page.wait_for_selector("#results:not([hidden])")
    expect(page.locator("#cancel-form")).to_be_hidden()  # nothing left to cancel
    assert page.locator("#misclassified canvas").count() > 0
    box = page.locator("#draw").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x, y + i * box["height"] * 0.06)
    page.mouse.up()
    page.click("#predict")
    expect(page.locator("#prediction")).to_have_text(re.compile(r"^[0-9]$"))
    assert page.locator("#probabilities li").count() == 10
    assert page.js_errors == []
