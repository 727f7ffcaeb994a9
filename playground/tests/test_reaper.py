"""A worker killed with SIGKILL mid-training leaves no job running forever; a lost broker loses no job."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.conf import settings as django_settings
from django.utils import timezone

from conftest import start_worker, stop_worker, wait_for
from playground.models import Job
from playground.queue import broker_task_ids
from playground.services import job_submit, reap_stale_jobs
from playground.tasks import reap_stale_jobs as reap_task
from playground.tests.conftest import TINY_CNN

pytestmark = pytest.mark.django_db(transaction=True)
# Long enough to be killed mid-way, short enough to finish on the second attempt.
MEDIUM_CNN = {**TINY_CNN, "train_subset": 0, "epochs": 3, "max_steps": 250, "batch_size": 16}


def _reload(job: Job) -> Job:
    job.refresh_from_db()
    return job


@pytest.mark.worker
@pytest.mark.timeout(600)  # two worker starts and a calibration on a busy machine
def test_sigkill_mid_training_then_reaper_reruns_it(student, tmp_path, settings):
    settings.PLAYGROUND_STALE_S = 2
    first = start_worker(tmp_path)
    job = job_submit(user=student, kind="cnn", config=MEDIUM_CNN)
    wait_for(
        lambda: _reload(job).progress.get("step", 0) > 0, timeout=60, message="training to start"
    )
    first.kill()  # SIGKILL to the whole worker process group
    assert _reload(job).status == "running"
    second = start_worker(tmp_path)
    try:
        wait_for(
            lambda: reap_stale_jobs()["requeued"] == 1, timeout=20, message="the reaper to re-queue"
        )
        wait_for(
            # A fresh training worker calibrates itself before it takes a message: slow when
            # busy (test_cancel waits 180 s for that alone).
            lambda: _reload(job).status in Job.FINISHED,
            timeout=180,
            message="the re-run to finish",
        )
    finally:
        stop_worker(second)
    assert job.status == "succeeded", job.failure_reason
    assert job.attempts == 2 and job.worker == second.hostname


def test_second_death_fails_with_a_clear_reason(student, settings):
    settings.PLAYGROUND_STALE_S = 30
    old = timezone.now() - timedelta(seconds=31)
    dead = Job.objects.create(
        user=student,
        kind="cnn",
        config=TINY_CNN,
        status="running",
        attempts=2,
        heartbeat=old,
        started=old,
    )
    alive = Job.objects.create(
        user=student,
        kind="cnn",
        config=TINY_CNN,
        status="running",
        attempts=1,
        heartbeat=timezone.now(),
        started=old,
    )
    assert reap_stale_jobs()["failed"] == 1
    dead, alive = _reload(dead), _reload(alive)
    assert dead.status == "failed" and "stopped responding twice" in dead.failure_reason
    assert dead.finished is not None and alive.status == "running"


@pytest.mark.worker
@pytest.mark.timeout(600)  # two worker starts and a calibration on a busy machine
def test_queued_job_lost_by_the_broker_is_reenqueued(student, tmp_path, settings):
    settings.PLAYGROUND_QUEUED_REQUEUE_S = 1
    worker = start_worker(tmp_path, queues="inference")  # nobody consumes training yet
    try:
        job = job_submit(user=student, kind="cnn", config=TINY_CNN)
        wait_for(lambda: _reload(job).task_id, timeout=10, message="the job to be enqueued")
        assert job.task_id in broker_task_ids()
        redis.Redis.from_url(django_settings.CELERY_BROKER_URL).flushdb()  # Redis lost its data
        Job.objects.filter(pk=job.pk).update(
            created=timezone.now() - timedelta(seconds=5),
            enqueued=timezone.now() - timedelta(seconds=5),
        )
        assert reap_task.apply().get() == {"requeued": 0, "failed": 0, "reenqueued": 1}
        assert _reload(job).task_id in broker_task_ids()
    finally:
        stop_worker(worker)
    runner = start_worker(tmp_path, queues="training")
    try:
        # start_worker empties the broker again; the reaper puts the job back once more.
        Job.objects.filter(pk=job.pk).update(enqueued=timezone.now() - timedelta(seconds=5))
        reap_task.apply()
        wait_for(  # a fresh training worker calibrates first: slow when busy
            lambda: _reload(job).status in Job.FINISHED, timeout=180, message="the job to finish"
        )
    finally:
        stop_worker(runner)
    assert job.status == "succeeded"


def test_job_past_the_hard_time_limit_is_failed_not_rerun(student, settings):
    settings.PLAYGROUND_STALE_S = 30
    settings.PLAYGROUND_JOB_HARD_LIMIT_S = 100
    long_ago = timezone.now() - timedelta(seconds=200)
    job = Job.objects.create(
        user=student,
        kind="cnn",
        config=TINY_CNN,
        status="running",
        attempts=1,
        heartbeat=long_ago,
        started=long_ago,
    )
    assert reap_stale_jobs() == {"requeued": 0, "failed": 1, "reenqueued": 0}
    job = _reload(job)
    assert (
        job.status == "failed" and "longer than the time limit of 100 seconds" in job.failure_reason
    )
