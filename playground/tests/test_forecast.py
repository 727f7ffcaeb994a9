"""Estimates that hold: when a run starts comes from the queue as it stands and the calibrated
workers serving it, played forward in the dispatcher's own turn order; how long it takes
comes from the calibration of its own kind (text runs have theirs)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import _make_user
from playground import forecast, selectors
from playground.models import Job, WorkerCalibration
from playground.tests.conftest import TINY_CNN, TINY_TEXT, cnn_form_data
from playground.training.config import CnnConfig, TextConfig


def _worker(name: str = "w@a", concurrency: int = 1, text: bool = True) -> WorkerCalibration:
    now = timezone.now()
    extra = (
        {"text_step_overhead_s": 0.002, "text_timestep_overhead_s": 0.001, "text_gflops": 5.0}
        if text
        else {}
    )
    return WorkerCalibration.objects.create(
        hostname=name,
        queues=["training"],
        concurrency=concurrency,
        step_overhead_s=0.01,
        gflops=1000.0,
        measured_at=now,
        seen=now,
        **extra,
    )


def _job(user, status=Job.Status.QUEUED, eta_s=None, sent=False) -> Job:
    now = timezone.now()
    return Job.objects.create(
        user=user,
        kind="cnn",
        config=CnnConfig().to_dict(),
        status=status,
        started=now if status == Job.Status.RUNNING else None,
        enqueued=now if sent or status == Job.Status.RUNNING else None,
        progress={"eta_s": eta_s} if eta_s is not None else {},
    )


@pytest.mark.django_db
def test_an_empty_queue_starts_at_once(student):
    _worker()
    wait = forecast.forecast(user_id=student.pk, seconds=40)
    assert wait == {"starts_in_s": 0.0, "ahead": 0, "slots": 1}
    assert forecast.phrase(wait["starts_in_s"], 40) == "Starts at once, takes about 40 s."


@pytest.mark.django_db
def test_a_new_job_waits_for_the_running_one_to_end(student, other_student):
    _worker()
    _job(other_student, Job.Status.RUNNING, eta_s=120)
    wait = forecast.forecast(user_id=student.pk, seconds=40)
    assert wait["starts_in_s"] == 120.0 and wait["ahead"] == 0
    assert forecast.phrase(120, 40) == "Starts in about 2 minutes, takes about 40 s."


@pytest.mark.django_db
def test_turns_are_fair_a_newcomer_goes_before_a_users_backlog(student, other_student):
    _worker()
    _job(other_student, Job.Status.RUNNING, eta_s=60)
    for _ in range(3):
        _job(other_student)
    each = forecast.job_seconds("cnn", CnnConfig().to_dict())
    mine = forecast.forecast(user_id=student.pk, seconds=10)
    assert mine["starts_in_s"] == 60.0 and mine["ahead"] == 0
    theirs = forecast.forecast(user_id=other_student.pk, seconds=10)
    assert theirs["ahead"] == 3
    assert theirs["starts_in_s"] == pytest.approx(60 + 3 * each, abs=0.2)


@pytest.mark.django_db
def test_more_calibrated_workers_mean_a_shorter_wait(student, other_student):
    third = _make_user("third")
    _worker("w@a")
    _job(other_student, Job.Status.RUNNING, eta_s=100)
    _job(third, Job.Status.RUNNING, eta_s=300, sent=True)  # sent: holds a slot
    one = forecast.forecast(user_id=student.pk, seconds=10)["starts_in_s"]
    _worker("w@b")
    two = forecast.forecast(user_id=student.pk, seconds=10)["starts_in_s"]
    _worker("w@c")
    three = forecast.forecast(user_id=student.pk, seconds=10)["starts_in_s"]
    assert (one, two, three) == (100.0, 100.0, 0.0)


@pytest.mark.django_db
def test_a_waiting_job_is_forecast_in_its_place(student, other_student):
    _worker()
    _job(other_student, Job.Status.RUNNING, eta_s=50)
    first, second = _job(other_student), _job(other_student)
    each = forecast.job_seconds("cnn", CnnConfig().to_dict())
    assert forecast.forecast(user_id=other_student.pk, job_pk=first.pk)["starts_in_s"] == 50.0
    later = forecast.forecast(user_id=other_student.pk, job_pk=second.pk)
    assert later["starts_in_s"] == pytest.approx(50 + each, abs=0.2) and later["ahead"] == 1


@pytest.mark.django_db
def test_the_estimate_endpoint_says_when_it_starts(student_client, other_student):
    _worker()
    _job(other_student, Job.Status.RUNNING, eta_s=120)
    body = student_client.post(
        "/playground/estimate/", {**cnn_form_data(), "blocks": json.dumps(TINY_CNN["blocks"])}
    ).json()
    assert body["queue"]["starts_in_s"] == 120.0
    assert body["queue"]["message"].startswith("Starts in about 2 minutes, takes about ")


@pytest.mark.django_db
def test_the_page_of_a_waiting_job_says_when_it_starts(student_client, student, other_student):
    _worker()
    _job(other_student, Job.Status.RUNNING, eta_s=180)
    job = _job(student)
    html = student_client.get(f"/playground/jobs/{job.pk}/").content.decode()
    assert 'id="job-queue"' in html and "Starts in about 3 minutes, takes about" in html


@pytest.mark.django_db
def test_text_runs_use_their_own_calibration():
    _worker(text=True)
    assert selectors.text_costs() == (0.002, 0.001, 5.0)
    cfg = {**TextConfig().to_dict(), "max_steps": 100}
    est = forecast.estimate("text", cfg)
    # 100 steps of (2 ms + 1 ms x 64 time steps), not the CNN's 10 ms per step.
    assert est.overhead_seconds == pytest.approx(100 * (0.002 + 0.001 * 64))
    assert selectors.step_costs("text") == pytest.approx((0.002 + 64 * 0.001, 5.0))
    assert selectors.step_costs() == (0.01, 1000.0)  # the CNN's own, unchanged


@pytest.mark.django_db
def test_each_cell_is_estimated_at_its_own_measured_rate():
    worker = _worker(text=True)
    worker.text_cell_gflops = {"lstm": 5.0, "gru": 2.5, "rnn": 1.0}
    worker.save()
    assert selectors.text_costs("gru") == (0.002, 0.001, 2.5)
    cfg = {**TextConfig().to_dict(), "max_steps": 100}
    lstm, gru = forecast.estimate("text", cfg), forecast.estimate("text", {**cfg, "cell": "gru"})
    flop_s = {
        "lstm": lstm.seconds - lstm.overhead_seconds,
        "gru": gru.seconds - gru.overhead_seconds,
    }
    # GRU runs fewer FLOPs per character than the LSTM, at half its measured rate.
    ratio = 2 * gru.flops_per_sample / lstm.flops_per_sample
    assert flop_s["gru"] == pytest.approx(ratio * flop_s["lstm"], rel=1e-3)


@pytest.mark.django_db
def test_a_worker_without_text_figures_counts_with_its_cnn_ones():
    _worker(text=False)
    assert selectors.text_costs() == (0.01, 0.0, 1000.0)
    est = forecast.estimate("text", {**TINY_TEXT})
    assert est.overhead_seconds == pytest.approx(10 * 0.01)


@pytest.mark.django_db
def test_stale_workers_do_not_count_as_slots(student, settings):
    settings.PLAYGROUND_WORKER_SEEN_S = 60
    old = _worker("old@a", concurrency=4)
    WorkerCalibration.objects.filter(pk=old.pk).update(seen=timezone.now() - timedelta(hours=2))
    assert forecast.forecast(user_id=student.pk, seconds=1)["slots"] == 1
