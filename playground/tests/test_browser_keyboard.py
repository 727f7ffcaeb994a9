"""The playground by keyboard alone: the block builder (add, edit, reorder, remove: the focus
stays where the reader is and each change is announced) and "try it" for a reader who cannot
draw (pick a test digit from a list, then Predict)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from conftest import login
from playground import datasets
from playground.models import Job
from playground.tests.conftest import TINY_CNN
from tests.keyboard import assert_focus_visible, focused, tab_to

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _blocks(page) -> list[dict]:
    return json.loads(page.input_value("#id_blocks"))


def test_block_builder_by_keyboard_only(page, live_server, student):
    login(page, live_server, student)
    page.goto("/playground/new/?experiment=cnn")
    expect(page.locator("#est-params")).not_to_have_text("–")
    before = _blocks(page)
    n = len(before)

    # Add: choose "dropout" in the type list with arrow keys, then Enter on "Add block".
    tab_to(page, "#add-block-type")
    while page.input_value("#add-block-type") != "dropout":
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "add-block"
    page.keyboard.press("Enter")
    assert _blocks(page)[-1]["type"] == "dropout" and len(_blocks(page)) == n + 1
    assert focused(page)["id"] == f"blk-{n}-p"  # the focus lands on the new block's first field
    expect(page.locator("#block-status")).to_have_text(f"dropout block added at position {n + 1}.")

    # Edit: type a value, Tab on: the JSON follows and Tab leaves the field (no re-render trap).
    page.keyboard.press("Control+A")
    page.keyboard.type("0.4")
    page.keyboard.press("Tab")
    assert _blocks(page)[-1]["p"] == 0.4
    assert focused(page)["id"] == f"blk-{n}-up"
    assert_focus_visible(page, "the block's move-up button")

    # Reorder: Enter on "up" twice moves the block two places; the focus follows it.
    page.keyboard.press("Enter")
    assert [b["type"] for b in _blocks(page)][n - 1] == "dropout"
    assert focused(page)["id"] == f"blk-{n - 1}-up"
    page.keyboard.press("Enter")
    blocks = _blocks(page)
    assert blocks[n - 2] == {"type": "dropout", "p": 0.4}
    assert blocks[: n - 2] + blocks[n - 1 :] == before  # the others kept their order
    assert focused(page)["id"] == f"blk-{n - 2}-up"
    expect(page.locator("#block-status")).to_have_text(
        f"dropout block moved to position {n - 1} of {n + 1}."
    )
    assert (
        page.locator(f"#blk-{n - 2}-up").get_attribute("aria-label")
        == f"Move block {n - 1} (dropout) up"
    )

    # Remove: Tab to its remove button, Enter; the focus goes to the block that took its place.
    tab_to(page, f"#blk-{n - 2}-remove", limit=3)
    page.keyboard.press("Enter")
    assert _blocks(page) == before
    assert focused(page)["id"] == f"blk-{n - 2}-remove"
    expect(page.locator("#block-status")).to_have_text(f"dropout block removed; {n} blocks left.")
    expect(page.locator("#est-errors")).to_be_empty()  # the server takes what the keyboard built
    assert page.js_errors == []


CNN_RESULTS = {
    "params": 1234,
    "train_seconds": 2,
    "test_accuracy": 0.9,
    "per_class": [0.9] * 10,
    "confusion": [[9 if i == j else 0 for j in range(10)] for i in range(10)],
    "misclassified": [],
}


def test_try_it_by_keyboard_picks_a_test_digit(page, live_server, student):
    """No worker here: the two inference calls are answered by the test, which checks that the
    digit picked with the keyboard is what the page sent."""
    examples = datasets.example_digits()
    assert [d["label"] for d in examples] == list(range(10)), "the MNIST test files are installed"
    job = Job.objects.create(
        user=student, kind="cnn", config=TINY_CNN, status="succeeded", results=CNN_RESULTS
    )
    sent: list[dict] = []

    def predict(route):
        sent.append(route.request.post_data_json)
        route.fulfill(json={"url": "/answer-ticket/"}, status=202)

    page.route(f"**/api/playground/jobs/{job.pk}/predict-digit/", predict)
    page.route(
        "**/answer-ticket/",
        lambda route: route.fulfill(
            json={"result": {"prediction": 7, "probabilities": [0.01] * 7 + [0.91] + [0.01] * 2}}
        ),
    )
    login(page, live_server, student)
    page.goto(f"/playground/jobs/{job.pk}/")
    expect(page.locator("#try-it")).to_be_visible()

    tab_to(page, "#example-digit")
    picker = page.locator("#example-digit")
    while "handwritten 7" not in picker.evaluate("(s) => s.selectedOptions[0].text"):
        page.keyboard.press("ArrowDown")
    # The picked image is shown on the canvas (white ink on black).
    inked = page.evaluate(
        """() => { const c = document.getElementById('draw');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++; return n; }"""
    )
    assert inked > 1000, inked
    tab_to(page, "#predict", limit=3)
    page.keyboard.press("Enter")
    expect(page.locator("#prediction")).to_have_text("7")
    assert page.locator("#prediction-line").get_attribute("aria-live") == "polite"
    seven = next(d for d in examples if d["label"] == 7)
    assert sent and sent[0]["pixels"] == [[v / 255 for v in row] for row in seven["pixels"]]
    assert page.locator("#probabilities li").count() == 10
    # Clear by keyboard forgets the pick: the list goes back to "Draw my own".
    tab_to(page, "#clear", limit=3)
    page.keyboard.press("Enter")
    assert page.input_value("#example-digit") == ""
    assert page.js_errors == []
