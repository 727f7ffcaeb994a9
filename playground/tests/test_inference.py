"""Try it: the trained CNN classifies a drawn digit and the trained LSTM continues a prompt, both
answered by a real worker on the inference queue."""

from __future__ import annotations

import time

import pytest

from conftest import wait_for
from playground.models import Job
from playground.services import job_submit
from playground.tests.conftest import TINY_CNN, TINY_TEXT

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/playground/jobs/"


def _done(job: Job) -> bool:
    job.refresh_from_db()
    return job.status in Job.FINISHED


def _a_test_digit(data_dir) -> tuple[list[list[float]], int]:
    from playground.training.data import load_mnist

    test = load_mnist(data_dir / "mnist", "mnist10k").test
    from playground.training.data import to_pixels

    return [[v / 255 for v in row] for row in to_pixels(test.x[0])], int(test.y[0])


def test_digit_and_text_inference_round_trip(
    celery_worker, student, student_client, playground_data
):
    cnn = job_submit(
        user=student, kind="cnn", config={**TINY_CNN, "train_subset": 2000, "epochs": 2}
    )
    text = job_submit(user=student, kind="text", config=TINY_TEXT)
    wait_for(lambda: _done(cnn) and _done(text), timeout=120, message="both jobs to finish")
    assert cnn.status == text.status == "succeeded", celery_worker.log()

    pixels, label = _a_test_digit(playground_data)
    started = time.monotonic()
    resp = student_client.post(
        f"{API}{cnn.pk}/predict-digit/", {"pixels": pixels}, content_type="application/json"
    )
    first = time.monotonic() - started
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert len(body["probabilities"]) == 10 and abs(sum(body["probabilities"]) - 1) < 0.01
    assert body["prediction"] == label  # a 2,000-image CNN gets this clear test digit right
    assert first < 10

    resp = student_client.post(
        f"{API}{text.pk}/generate/",
        {"prompt": "The network ", "temperature": 0.5, "length": 40},
        content_type="application/json",
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["prompt"] == "The network " and len(resp.json()["continuation"]) == 40
    assert "infer_text" in celery_worker.log() and "infer_digit" in celery_worker.log()
