"""Cancel works for a queued job (the worker skips it) and for a running one (stops between batches)."""

from __future__ import annotations

import pytest

from conftest import start_worker, stop_worker, wait_for
from playground.models import Job
from playground.services import job_cancel, job_submit
from playground.tests.conftest import TINY_CNN

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
LONG_CNN = {**TINY_CNN, "train_subset": 0, "epochs": 20, "max_steps": 0}


def _reload(job: Job) -> Job:
    job.refresh_from_db()
    return job


def test_cancel_while_queued_is_never_run(student, tmp_path):
    job = job_submit(user=student, kind="cnn", config=TINY_CNN)
    job_cancel(job=job)
    assert _reload(job).status == "cancelled"
    # start_worker empties the broker, so enqueue the (stale) message again as a real one would be.
    worker = start_worker(tmp_path)
    try:
        import uuid

        from django.conf import settings

        from playground.queue import send_training

        # As the dispatcher sends a job (an older delivery: its task id is not the job's).
        send_training(job.pk, task_id=uuid.uuid4().hex)
        try:
            wait_for(
                # A fresh worker calibrates itself before it takes a message: slow when busy.
                lambda: "'skipped'" in worker.log(),
                timeout=180,
                message="the worker to skip the job",
            )
        except BaseException:
            import redis

            r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            print(
                "worker alive:", worker.proc.poll() is None, "broker:", settings.CELERY_BROKER_URL
            )
            for key in r.keys("*"):
                kind = r.type(key).decode()
                size = r.llen(key) if kind == "list" else r.scard(key) if kind == "set" else "-"
                print("  key", key, kind, size)
            print("job:", Job.objects.filter(pk=job.pk).values().first())
            print(worker.log()[-6000:])
            raise
    finally:
        stop_worker(worker)
    job = _reload(job)
    assert job.status == "cancelled" and job.started is None and job.attempts == 0


def test_cancel_while_running_stops_between_batches(celery_worker, student):
    job = job_submit(user=student, kind="cnn", config=LONG_CNN)
    wait_for(
        lambda: _reload(job).progress.get("step", 0) > 0, timeout=60, message="training to start"
    )
    job_cancel(job=job)
    # Generous: the flag is read every 0.3 s between batches, but a busy machine may be inside an
    # epoch's validation pass; what is proven is the state below, not the latency.
    wait_for(lambda: _reload(job).status == "cancelled", timeout=60, message="the job to stop")
    assert job.cancel_requested and job.finished is not None
    assert job.progress["step"] < job.progress["total_steps"]
    assert not job.results
