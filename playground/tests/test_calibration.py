"""Estimates count the per-step cost a worker measured on itself, not FLOPs alone: batch size 1
for 50 epochs is refused with a field error, in the form and in the API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from playground import selectors
from playground.forms import CnnForm
from playground.models import Job, WorkerCalibration
from playground.training.config import CNN_PRESETS, CnnConfig

API = "/api/playground/jobs/"
# 8,000 images at batch 1 for 50 epochs: 400,000 steps, about 40 GFLOP each way: FLOPs alone
# say seconds, the per-step cost says hours.
SLOW = {"batch_size": 1, "epochs": 50}


def _form(**over) -> CnnForm:
    data = {**CnnConfig().to_dict(), "blocks": json.dumps(CNN_PRESETS["default"]), **over}
    return CnnForm(data)


def _calibrate(hostname: str, overhead: float, gflops: float, age_s: int = 0, queues=None):
    at = timezone.now() - timedelta(seconds=age_s)
    return WorkerCalibration.objects.create(
        hostname=hostname,
        queues=queues or ["training"],
        concurrency=1,
        step_overhead_s=overhead,
        gflops=gflops,
        measured_at=at,
        seen=at,
    )


@pytest.mark.django_db
def test_batch_one_for_fifty_epochs_is_refused_with_a_field_error():
    form = _form(**SLOW)
    assert not form.is_valid()
    assert "400,000 steps" in form.errors["batch_size"][0]
    assert "larger batch" in form.errors["batch_size"][0]
    assert _form().is_valid()  # the default run is still fine with the cautious constants


@pytest.mark.django_db
def test_the_api_refuses_it_too(student_client):
    body = {"kind": "cnn", "config": {**CnnConfig().to_dict(), **SLOW}}
    resp = student_client.post(API, body, content_type="application/json")
    assert resp.status_code == 400
    assert "a run may take at most" in resp.json()["config"]["batch_size"][0]
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_estimate_uses_the_slowest_published_training_worker(client, student_client):
    _calibrate("fast@a", overhead=1e-6, gflops=5000)
    assert selectors.step_costs() == (1e-6, 5000)
    assert _form(**SLOW).is_valid()  # on such a worker it really would be quick
    _calibrate("slow@b", overhead=0.004, gflops=20)
    assert selectors.step_costs() == (0.004, 20)
    assert not _form(**SLOW).is_valid()
    est = student_client.post("/playground/estimate/", {"kind": "cnn", **_form().data}).json()
    default = CnnConfig()
    steps = -(-8000 // default.batch_size) * default.epochs  # MNIST 10k trains on 8,000 images
    assert est["estimate"]["steps"] == steps
    assert est["estimate"]["overhead_seconds"] == round(steps * 0.004, 1)


@pytest.mark.django_db
def test_stale_or_other_queue_calibrations_are_ignored(settings):
    settings.PLAYGROUND_STEP_OVERHEAD_MS = 10
    settings.PLAYGROUND_CPU_GFLOPS = 40
    _calibrate("old@a", overhead=1e-6, gflops=5000, age_s=30 * 86400)
    _calibrate("infer@b", overhead=1e-6, gflops=5000, queues=["inference"])
    assert selectors.step_costs() == (0.01, 40.0)


@pytest.mark.slow
def test_measure_separates_per_step_cost_from_flops():
    import torch

    from playground.calibration import measure

    torch.set_num_threads(1)
    figures = measure()
    assert 1e-5 <= figures["step_overhead_s"] < 0.5
    assert 0.1 <= figures["gflops"] <= 10_000


@pytest.mark.slow  # times real text steps: 2 s
def test_measure_text_separates_per_step_and_per_time_step_cost():
    import torch

    from playground.calibration import measure_text

    torch.set_num_threads(1)
    figures = measure_text()
    assert 1e-5 <= figures["text_step_overhead_s"] < 0.5
    assert 0 <= figures["text_timestep_overhead_s"] < 0.05
    assert 0.1 <= figures["text_gflops"] <= 10_000
    assert set(figures["text_cell_gflops"]) == {"lstm", "gru", "rnn"}
    assert all(0.1 <= v <= 10_000 for v in figures["text_cell_gflops"].values())


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_real_worker_publishes_its_calibration(celery_worker):
    row = WorkerCalibration.objects.get(hostname=celery_worker.hostname)
    assert row.queues == ["inference", "training"] and row.concurrency == 2
    assert row.step_overhead_s > 0 and row.gflops > 0 and row.measured_at <= timezone.now()
    assert selectors.step_costs() == (row.step_overhead_s, row.gflops)
    assert row.text_gflops > 0 and row.text_step_overhead_s > 0
    assert selectors.text_costs() == (
        row.text_step_overhead_s,
        row.text_timestep_overhead_s,
        row.text_gflops,
    )
    assert "calibrated in" in celery_worker.log()
