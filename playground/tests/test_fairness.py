"""Nobody beats the limits by timing or holds the training worker: the active-jobs check is
atomic, and waiting jobs go to the workers round-robin between users, each under a running cap."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import _make_user, start_worker, stop_worker, wait_for
from playground import services
from playground.dispatch import dispatch
from playground.models import Job, WorkerCalibration
from playground.queue import broker_task_ids
from playground.tests.conftest import TINY_CNN

pytestmark = pytest.mark.django_db(transaction=True)
API = "/api/playground/jobs/"
QUICK = {**TINY_CNN, "max_steps": 2, "train_subset": 64}


def test_twenty_simultaneous_submissions_accept_exactly_the_limit(student, settings):
    settings.PLAYGROUND_MAX_ACTIVE_JOBS = 3
    settings.PLAYGROUND_SUBMIT_LIMIT = 1000
    barrier, codes = threading.Barrier(20), []

    def submit() -> None:
        try:
            client = Client()
            client.force_login(student)
            barrier.wait()
            body = {"kind": "cnn", "config": TINY_CNN}
            codes.append(client.post(API, body, content_type="application/json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] * 3 + [429] * 17
    assert Job.objects.filter(user=student).count() == 3


def _in_flight() -> list[Job]:
    return list(Job.objects.filter(status="queued", enqueued__isnull=False))


@pytest.mark.redis
def test_dispatcher_alternates_users_whoever_submitted_first(student, other_student, settings):
    settings.PLAYGROUND_MAX_ACTIVE_JOBS = 5
    settings.PLAYGROUND_SUBMIT_LIMIT = 1000
    for user in (student, student, student, student, student) + (other_student,) * 5:
        services.job_submit(user=user, kind="cnn", config=QUICK)
    order = []
    for _ in range(10):
        (job,) = _in_flight()  # one worker slot (no worker published more): one job out at a time
        assert job.task_id in broker_task_ids()  # really sent to the broker
        order.append(job.user.username)
        services.job_mark_running(job_id=job.pk, worker="w@test")
        services.job_mark_succeeded(job_id=job.pk, results={}, weights="", history={})
    assert order == ["alice", "bob"] * 5
    assert not Job.objects.filter(status="queued").exists()


def test_slots_and_the_per_user_cap(student, other_student, settings):
    settings.PLAYGROUND_MAX_ACTIVE_JOBS = 5
    settings.PLAYGROUND_SUBMIT_LIMIT = 1000
    settings.PLAYGROUND_MAX_RUNNING_PER_USER = 1
    now = timezone.now()
    WorkerCalibration.objects.create(
        hostname="big@test",
        queues=["training"],
        concurrency=3,
        step_overhead_s=0.001,
        gflops=50,
        measured_at=now,
        seen=now,
    )
    for _ in range(3):
        services.job_submit(user=student, kind="cnn", config=QUICK)
    assert len(_in_flight()) == 1  # three slots, but alice may run one at a time
    services.job_submit(user=other_student, kind="cnn", config=QUICK)
    assert sorted(j.user.username for j in _in_flight()) == ["alice", "bob"]
    settings.PLAYGROUND_MAX_RUNNING_PER_USER = 2
    assert len(dispatch()) == 1 and len(_in_flight()) == 3  # now all three slots are full
    assert dispatch() == []
    WorkerCalibration.objects.update(seen=now - timedelta(days=1))  # that worker has gone quiet
    assert dispatch() == []  # one slot assumed, and three are out


@pytest.mark.worker
def test_real_worker_runs_two_users_jobs_interleaved(student, other_student, tmp_path, settings):
    settings.PLAYGROUND_MAX_ACTIVE_JOBS = 5
    settings.PLAYGROUND_SUBMIT_LIMIT = 1000
    worker = start_worker(
        tmp_path, queues="training", concurrency=1, env={"PLAYGROUND_MAX_RUNNING_PER_USER": "1"}
    )
    try:
        assert WorkerCalibration.objects.get(hostname=worker.hostname).concurrency == 1
        for user in (student,) * 5 + (other_student,) * 5:
            services.job_submit(user=user, kind="cnn", config=QUICK)
        wait_for(
            lambda: Job.objects.filter(status="succeeded").count() == 10,
            timeout=240,
            message="all ten jobs to finish",
        )
    finally:
        stop_worker(worker)
    order = [j.user.username for j in Job.objects.order_by("started")]
    assert order == ["alice", "bob"] * 5, order
    assert not WorkerCalibration.objects.filter(hostname=worker.hostname).exists()  # unpublished


def test_a_third_user_gets_the_next_turn(settings):
    """Round-robin: the user served least recently goes first among those with nothing running."""
    settings.PLAYGROUND_MAX_ACTIVE_JOBS = 5
    settings.PLAYGROUND_SUBMIT_LIMIT = 1000
    a, b, c = _make_user("ann"), _make_user("ben"), _make_user("cat")
    for user in (a, a, a, b, b, c):
        services.job_submit(user=user, kind="cnn", config=QUICK)
    order = []
    for _ in range(6):
        (job,) = _in_flight()
        order.append(job.user.username)
        services.job_mark_running(job_id=job.pk, worker="w@test")
        services.job_mark_failed(job_id=job.pk, reason="test")
    assert order == ["ann", "ben", "cat", "ann", "ben", "ann"]


def test_a_stale_delivery_cannot_jump_the_queue(student):
    job = services.job_submit(user=student, kind="cnn", config=QUICK)
    job.refresh_from_db()
    old = job.task_id
    assert old  # dispatched at once: nothing else is in flight
    Job.objects.filter(pk=job.pk).update(enqueued=None, task_id="")  # as the reaper resets it
    assert dispatch() == [job.pk]
    job.refresh_from_db()
    assert job.task_id != old
    assert services.job_mark_running(job_id=job.pk, worker="w@test", task_id=old) is None
    assert services.job_mark_running(job_id=job.pk, worker="w@test", task_id=job.task_id)
