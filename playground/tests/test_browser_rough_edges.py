"""In real Chromium, without a worker: the text form's shape line, the preset box of the default
network, and the compare page (one axis per kind of run, ticks at 1, 2, 5 x 10^k)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from conftest import login
from playground.models import Job
from playground.tests.conftest import TINY_CNN, TINY_TEXT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_text_form_shows_a_text_shape(page, live_server, student):
    login(page, live_server, student)
    page.goto(f"{live_server.url}/playground/new/?experiment=text&cell=lstm")
    shapes = page.locator("#est-shapes")
    expect(shapes).to_contain_text("input 64 characters")  # the schema's default window
    assert "28x28" not in shapes.text_content()
    page.fill("#id_seq_len", "32")
    expect(shapes).to_contain_text("input 32 characters")


def test_cnn_form_names_the_default_preset(page, live_server, student):
    login(page, live_server, student)
    page.goto(f"{live_server.url}/playground/new/?experiment=cnn")
    expect(page.locator("#id_preset")).to_have_value("default")
    expect(page.locator("#est-shapes")).to_contain_text("input 1x28x28")
    page.click("#block-list li:first-child button[aria-label^='Remove']")
    expect(page.locator("#id_preset")).to_have_value("")  # edited: now custom


def _nice(labels: list[str]) -> None:
    """Evenly spaced ticks whose step is 1, 2 or 5 x 10^k, printed without trailing noise."""
    values = [Decimal(x) for x in labels]
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    assert len(values) >= 3 and len(steps) == 1, labels
    step = steps.pop()
    assert step.normalize().as_tuple().digits in ((1,), (2,), (5,)), labels
    for label in labels:  # as many decimals as the step needs, no more
        decimals = -min(0, step.normalize().as_tuple().exponent)
        assert (len(label.split(".")[1]) if "." in label else 0) == decimals, labels


def _finished(user, kind, config, losses):
    history = {
        "train": [{"step": i + 1, "loss": v, "seq": i + 1} for i, v in enumerate(losses)],
        "val": [{"epoch": 1, "step": len(losses), "val_loss": losses[-1], "seq": len(losses) + 1}],
    }
    return Job.objects.create(
        user=user, kind=kind, config=config, status="succeeded", history=history, title=kind
    )


def test_compare_gives_each_kind_its_own_axis_with_nice_ticks(page, live_server, student):
    cnn = _finished(student, "cnn", TINY_CNN, [0.00912, 0.0061, 0.00240])
    text = _finished(student, "text", TINY_TEXT, [4.21, 3.1, 2.0695])
    login(page, live_server, student)
    page.goto(f"{live_server.url}/playground/compare/?ids={cnn.pk}&ids={text.pk}")
    for kind in ("cnn", "text"):
        train = page.locator(f"#compare-train-{kind}")
        expect(train).to_have_attribute("data-points", "3")  # only that kind's run
        expect(page.locator(f"#legend-{kind} li")).to_have_count(1)
        _nice(json.loads(train.get_attribute("data-y-ticks")))
        assert "Last values" in train.get_attribute("aria-label")  # a text alternative
    cnn_ticks = json.loads(page.get_attribute("#compare-train-cnn", "data-y-ticks"))
    assert Decimal(cnn_ticks[-1]) < 1  # not squashed under the text run's 4.2
    assert page.js_errors == []


def _confusion() -> list[list[int]]:
    rows = [[9 if i == j else 0 for j in range(10)] for i in range(10)]
    rows[4][9] = 3  # the one mix-up the text alternative should name
    return rows


CNN_RESULTS = {
    "params": 7890,
    "train_seconds": 4.2,
    "test_accuracy": 0.968,
    "per_class": [0.9] * 10,
    "confusion": _confusion(),
    "misclassified": [],
}


def test_finished_run_charts_have_text_alternatives(page, live_server, student):
    job = _finished(student, "cnn", TINY_CNN, [2.3, 1.2, 0.61])
    Job.objects.filter(pk=job.pk).update(results=CNN_RESULTS)
    login(page, live_server, student)
    page.goto(f"{live_server.url}/playground/jobs/{job.pk}/")
    confusion = page.locator("#confusion")
    expect(confusion).to_have_attribute(
        "aria-label",
        "Confusion matrix: 90 of 93 test images classified correctly; most often confused: "
        "true 4 predicted as 9 (3 times).",
    )
    expect(page.locator("#loss-chart")).to_have_attribute(
        "aria-label",
        "Loss over training steps. Last values: train loss: 0.610 at step 3; validation loss: 0.610 at step 3.",
    )
    assert page.js_errors == []
