"""Every write to a Job goes through here: submit, cancel, and the worker's status reports."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from dlplatform import ratelimit

from . import conf
from .models import Job

S = Job.Status
log = logging.getLogger(__name__)


class SubmissionRefused(Exception):
    """The user may not submit now (too many active jobs, or too many submissions)."""


class InferenceError(Exception):
    """The inference worker did not answer, or the job has no trained model."""


def _enqueue(job_id: int) -> None:
    from .tasks import run_training

    try:
        result = run_training.apply_async(args=[job_id])
    except (KombuOperationalError, RedisError, OSError) as error:
        # The broker is down: the row stays queued and the reaper enqueues it again later.
        log.warning("job %s not enqueued (%s); the reaper will retry", job_id, error)
        return
    Job.objects.filter(pk=job_id).update(task_id=result.id, enqueued=timezone.now())


def job_submit(*, user: Any, kind: str, config: dict[str, Any], title: str = "") -> Job:
    """Create a queued job and hand it to the training queue once the row is committed."""
    active = Job.objects.filter(user=user, status__in=Job.ACTIVE).count()
    limit = conf.get("PLAYGROUND_MAX_ACTIVE_JOBS")
    if active >= limit:
        raise SubmissionRefused(
            f"You already have {active} jobs queued or running (the limit is {limit}). "
            "Wait for one to finish or cancel one."
        )
    if not ratelimit.hit(
        key=f"playground-submit:{user.pk}",
        limit=conf.get("PLAYGROUND_SUBMIT_LIMIT"),
        window_s=conf.get("PLAYGROUND_SUBMIT_WINDOW_S"),
    ):
        raise SubmissionRefused("You are submitting runs too quickly. Wait a minute and try again.")
    with transaction.atomic():
        job = Job.objects.create(user=user, kind=kind, config=config, title=title[:120])
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def job_cancel(*, job: Job) -> Job:
    """A queued job is cancelled at once; a running one is flagged and stops at its next batch."""
    now = timezone.now()
    cancelled = Job.objects.filter(pk=job.pk, status=S.QUEUED).update(
        status=S.CANCELLED, finished=now, cancel_requested=True
    )
    if not cancelled:
        Job.objects.filter(pk=job.pk, status=S.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def job_mark_running(*, job_id: int, worker: str) -> Job | None:
    """Claim a queued job for this worker; None when it was cancelled or someone else has it."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=S.QUEUED).update(
        status=S.RUNNING,
        worker=worker[:200],
        started=now,
        heartbeat=now,
        attempts=F("attempts") + 1,
        progress={},
        history={},
        failure_reason="",
    )
    return Job.objects.get(pk=job_id) if claimed else None


def job_progress(*, job_id: int, progress: dict[str, Any], history: dict[str, Any]) -> None:
    Job.objects.filter(pk=job_id, status=S.RUNNING).update(
        progress=progress, history=history, heartbeat=timezone.now()
    )


def job_cancel_requested(*, job_id: int) -> bool:
    return Job.objects.filter(pk=job_id, cancel_requested=True).exists()


def _finish(job_id: int, status: str, **fields: Any) -> None:
    Job.objects.filter(pk=job_id, status=S.RUNNING).update(
        status=status, finished=timezone.now(), **fields
    )


def job_mark_succeeded(
    *, job_id: int, results: dict[str, Any], weights: str, history: dict[str, Any]
) -> None:
    _finish(job_id, S.SUCCEEDED, results=results, weights=weights, history=history)


def job_mark_failed(*, job_id: int, reason: str) -> None:
    _finish(job_id, S.FAILED, failure_reason=reason)


def job_mark_cancelled(*, job_id: int) -> None:
    _finish(job_id, S.CANCELLED)


def reap_stale_jobs(
    *, now: datetime | None = None, broker_ids: set[str] | None = None
) -> dict[str, int]:
    """Rescue jobs whose worker died: re-queue once, then fail with a reason.

    `broker_ids` are task ids the broker still holds (None: unknown, so nothing is re-enqueued
    for being missing). Re-enqueueing twice is harmless: `job_mark_running` lets one claim win.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "reenqueued": 0}
    stale = now - timedelta(seconds=conf.get("PLAYGROUND_STALE_S"))
    for job in Job.objects.filter(status=S.RUNNING, heartbeat__lt=stale).only(
        "pk", "attempts", "started"
    ):
        counts[_reap_one(job, now)] += 1
    if broker_ids is not None:
        old = now - timedelta(seconds=conf.get("PLAYGROUND_QUEUED_REQUEUE_S"))
        for job in Job.objects.filter(status=S.QUEUED, created__lt=old).only(
            "pk", "task_id", "enqueued"
        ):
            if job.task_id not in broker_ids and (job.enqueued is None or job.enqueued < old):
                transaction.on_commit(lambda pk=job.pk: _enqueue(pk))
                counts["reenqueued"] += 1
    return counts


def _reap_one(job: Job, now: datetime) -> str:
    hard = conf.get("PLAYGROUND_JOB_HARD_LIMIT_S")
    if job.started and (now - job.started).total_seconds() > hard:
        # Celery killed it at the hard limit: running it again would only be killed again.
        reason = (
            f"The training took longer than the time limit of {hard} seconds and was "
            "stopped. Try fewer epochs or a smaller network."
        )
        Job.objects.filter(pk=job.pk, status=S.RUNNING).update(
            status=S.FAILED, finished=now, failure_reason=reason
        )
        return "failed"
    if job.attempts < conf.get("PLAYGROUND_MAX_ATTEMPTS"):
        if Job.objects.filter(pk=job.pk, status=S.RUNNING).update(
            status=S.QUEUED, worker="", heartbeat=None
        ):
            transaction.on_commit(lambda: _enqueue(job.pk))
        return "requeued"
    reason = (
        "The worker running this job stopped responding twice (it was probably restarted or ran "
        "out of memory), so the job was stopped. Try again, perhaps with a smaller network."
    )
    Job.objects.filter(pk=job.pk, status=S.RUNNING).update(
        status=S.FAILED, finished=now, failure_reason=reason
    )
    return "failed"


def job_infer(*, job: Job, task_name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run inference in the inference queue and wait for the answer in the shared cache."""
    from . import tasks

    if job.status != S.SUCCEEDED or not job.weights:
        raise InferenceError("This job has no trained model yet.")
    key = f"playground:infer:{uuid.uuid4().hex}"
    getattr(tasks, task_name).apply_async(args=[job.pk, payload, key])
    deadline = time.monotonic() + conf.get("PLAYGROUND_INFER_TIMEOUT_S")
    while time.monotonic() < deadline:
        answer = cache.get(key)
        if answer is not None:
            cache.delete(key)
            if "error" in answer:
                raise InferenceError(answer["error"])
            return answer
        time.sleep(0.01)
    raise InferenceError("The inference worker did not answer in time. Try again in a moment.")
