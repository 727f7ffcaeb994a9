"""A real Celery worker runs tiny CNN and LSTM jobs to completion against PostgreSQL and Redis."""

from __future__ import annotations

import pytest

from conftest import wait_for
from playground.models import Job
from playground.services import job_submit
from playground.tests.conftest import TINY_CNN, TINY_TEXT

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def _finished(job: Job) -> Job | None:
    job.refresh_from_db()
    return job if job.status in Job.FINISHED else None


def test_tiny_cnn_job_runs_to_completion(celery_worker, student):
    job = job_submit(user=student, kind="cnn", config=TINY_CNN)
    wait_for(lambda: _finished(job), timeout=90, message="the CNN job to finish")
    assert job.status == "succeeded", job.failure_reason or celery_worker.log()
    assert job.worker == celery_worker.hostname and job.attempts == 1
    assert job.started and job.finished and job.started <= job.finished
    res = job.results
    assert 0.0 <= res["test_accuracy"] <= 1.0 and res["steps"] == 10
    assert len(res["confusion"]) == 10 and sum(map(sum, res["confusion"])) == 2000
    assert len(res["per_class"]) == 10
    bad = res["misclassified"][0]
    assert bad["label"] != bad["pred"] and len(bad["pixels"]) == 28 and len(bad["pixels"][0]) == 28
    assert job.history["val"][0]["epoch"] == 1 and job.history["train"]
    assert job.progress["step"] == 10 and "eta_s" in job.progress


def test_missing_dataset_fails_the_job_in_plain_words(celery_worker, student):
    # The form refuses this; a job row made some other way must still fail in plain words.
    job = job_submit(user=student, kind="cnn", config={**TINY_CNN, "dataset": "mnist"})
    wait_for(lambda: _finished(job), timeout=60, message="the job to fail")
    assert job.status == "failed"
    # The owner reads a plain sentence: no server path, no command (instructors get those).
    assert (
        "not installed" in job.failure_reason
        and "ask your instructor" in job.failure_reason.lower()
    )
    assert "make mnist" not in job.failure_reason and "/" not in job.failure_reason
    assert job.results == {"failure": "dataset"}


def test_tiny_lstm_job_runs_to_completion(celery_worker, student):
    job = job_submit(user=student, kind="text", config=TINY_TEXT)
    wait_for(lambda: _finished(job), timeout=90, message="the LSTM job to finish")
    assert job.status == "succeeded", job.failure_reason or celery_worker.log()
    res = job.results
    assert res["steps"] == 10 and res["bpc"] > 0 and res["perplexity"] > 1
    assert res["samples"] and len(res["samples"][0]["text"]) == 160
    assert job.weights.endswith(f"job-{job.pk}.pt")
