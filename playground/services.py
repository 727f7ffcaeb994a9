"""Every write to a Job goes through here: submit, cancel, and the worker's status reports."""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from dlplatform import ratelimit
from dlplatform.accounts.models import User

from . import answers, conf, queue
from .models import Job, JobPoint
from .training.config import RunConfig, config_from
from .training.payloads import History, Progress, TrainPoint, ValPoint

S = Job.Status
log = logging.getLogger(__name__)
# What a student reads when the worker lacks the digits files (the job page tells instructors
# the command to run).
DATASET_FAILURE = (
    "This run could not start: the digits data set is not installed on the training machine "
    "yet. Ask your instructor."
)


class SubmissionRefused(Exception):
    """The user may not submit now (too many active jobs, or too many submissions)."""

    def __init__(self, message: str, *, retry_after: int = 30) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds, for the Retry-After header


class InferenceError(Exception):
    """The job has no trained model, or the worker failed or dropped the request."""


class InferenceRefused(SubmissionRefused):
    """Too many try-it requests from this user, or too many still waiting for an answer."""


def _dispatch_on_commit() -> None:
    from .dispatch import dispatch

    transaction.on_commit(dispatch)


def _lock_user(user: User) -> None:
    """Serialize one user's submissions: the count and the insert below see no concurrent insert."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").get()


def job_submit(
    *, user: User, kind: str, config: RunConfig | dict[str, Any], title: str = ""
) -> Job:
    """Store a job as waiting; the dispatcher sends it to a worker when it is its turn.

    `config` is the run's dataclass, as the form and the API serializer give it; a dict (scripts,
    tests) is read into one here, where a key the schema lacks raises `ConfigError`."""
    run = config_from(kind, config) if isinstance(config, dict) else config
    limit = conf.get("PLAYGROUND_MAX_ACTIVE_JOBS")
    with transaction.atomic():
        _lock_user(user)
        active = Job.objects.filter(user=user, status__in=Job.ACTIVE).count()
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
            raise SubmissionRefused(
                "You are submitting runs too quickly. Wait a minute and try again.",
                retry_after=conf.get("PLAYGROUND_SUBMIT_WINDOW_S"),
            )
        job = Job.objects.create(user=user, kind=kind, config=run.to_dict(), title=title[:120])
        _dispatch_on_commit()
    return job


def job_cancel(*, job: Job) -> Job:
    """A queued job is cancelled at once; a running one is flagged and stops at its next batch."""
    now = timezone.now()
    cancelled = Job.objects.filter(pk=job.pk, status=S.QUEUED).update(
        status=S.CANCELLED, finished=now, cancel_requested=True
    )
    if cancelled:
        _dispatch_on_commit()  # a dispatched job that is cancelled frees its slot
    else:
        Job.objects.filter(pk=job.pk, status=S.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    return job


def job_mark_running(*, job_id: int, worker: str, task_id: str | None = None) -> Job | None:
    """Claim a queued job for this worker; None when it was cancelled or someone else has it.

    With `task_id`, only the message the dispatcher sent last may claim it: an older delivery
    (redelivered after its job went back to waiting) must not jump the queue.
    """
    now = timezone.now()
    rows = Job.objects.filter(pk=job_id, status=S.QUEUED)
    if task_id is not None:
        rows = rows.filter(task_id=task_id)
    claimed = rows.update(
        status=S.RUNNING,
        worker=worker[:200],
        started=now,
        heartbeat=now,
        attempts=F("attempts") + 1,
        progress={},
        history={},
        failure_reason="",
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    if job.attempts > 1:  # a run given again starts a new curve (a first run has no points)
        JobPoint.objects.filter(job_id=job_id).delete()
    return job


# One statement, so the heartbeat of every progress report stays one round trip: the row's
# latest progress, and the new point appended only if that row is still running.
_PROGRESS_SQL = f"""
WITH running AS (
    UPDATE {Job._meta.db_table} SET progress = %s::jsonb, heartbeat = %s
    WHERE id = %s AND status = %s RETURNING id
)
INSERT INTO {JobPoint._meta.db_table} (job_id, seq, curve, data)
SELECT id, %s, %s, %s::jsonb FROM running
ON CONFLICT (job_id, seq) DO NOTHING
"""


def job_progress(*, job_id: int, progress: Progress, point: TrainPoint | None = None) -> None:
    """The latest progress (and heartbeat) on the row, and the new curve point appended as a
    row of its own: earlier points are never written again. `point` has its `seq`."""
    if point is None:
        Job.objects.filter(pk=job_id, status=S.RUNNING).update(
            progress=progress, heartbeat=timezone.now()
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _PROGRESS_SQL,
            [
                *(json.dumps(progress), timezone.now(), job_id, S.RUNNING.value),
                *(point["seq"], JobPoint.Curve.TRAIN.value, json.dumps(point)),
            ],
        )


def job_point(*, job_id: int, curve: str, point: ValPoint) -> None:
    """Append one point (a validation after an epoch) to a running job's curves."""
    if Job.objects.filter(pk=job_id, status=S.RUNNING).exists():
        _append(job_id, curve, point)


def _append(job_id: int, curve: str, point: TrainPoint | ValPoint) -> None:
    # ignore_conflicts: a point the run sent twice (a retried write) stays one point.
    JobPoint.objects.bulk_create(
        [JobPoint(job_id=job_id, seq=point["seq"], curve=curve, data=point)],
        ignore_conflicts=True,
    )


def job_cancel_requested(*, job_id: int) -> bool:
    return Job.objects.filter(pk=job_id, cancel_requested=True).exists()


def _finish(job_id: int, status: str, **fields: Any) -> None:
    with transaction.atomic():
        if (
            Job.objects.filter(pk=job_id, status=S.RUNNING).update(
                status=status, finished=timezone.now(), **fields
            )
            and "history" in fields
        ):
            # The finished history is on the row now (written once); the points were its draft.
            JobPoint.objects.filter(job_id=job_id).delete()
    _dispatch_on_commit()  # a slot is free: the next waiting user's job goes out


def job_mark_succeeded(
    *, job_id: int, results: dict[str, Any], weights: str, history: History
) -> None:
    _finish(job_id, S.SUCCEEDED, results=results, weights=weights, history=history)


def job_mark_failed(*, job_id: int, reason: str, code: str = "") -> None:
    """`reason` is what the run's owner reads; `code` (e.g. "dataset") lets the job page show
    instructors what to do about it, without a server path or command in the student's text."""
    extra: dict[str, Any] = {"results": {"failure": code}} if code else {}
    _finish(job_id, S.FAILED, failure_reason=reason, **extra)


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
        counts["reenqueued"] = _forget_lost_messages(now, broker_ids)
    _dispatch_on_commit()  # also the periodic chance for waiting jobs whose dispatch was missed
    return counts


def _forget_lost_messages(now: datetime, broker_ids: set[str]) -> int:
    """Dispatched jobs whose message the broker lost go back to waiting; the dispatcher resends."""
    old = now - timedelta(seconds=conf.get("PLAYGROUND_QUEUED_REQUEUE_S"))
    lost = 0
    for job in Job.objects.filter(
        status=S.QUEUED, created__lt=old, enqueued__lt=old, enqueued__isnull=False
    ).only("pk", "task_id"):
        if job.task_id not in broker_ids:
            lost += Job.objects.filter(pk=job.pk, status=S.QUEUED, task_id=job.task_id).update(
                enqueued=None, task_id=""
            )
    return lost


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
        # Back to waiting: the dispatcher sends it again in its turn.
        Job.objects.filter(pk=job.pk, status=S.RUNNING).update(
            status=S.QUEUED, worker="", heartbeat=None, enqueued=None, task_id=""
        )
        return "requeued"
    reason = (
        "The worker running this job stopped responding twice (it was probably restarted or ran "
        "out of memory), so the job was stopped. Try again, perhaps with a smaller network."
    )
    Job.objects.filter(pk=job.pk, status=S.RUNNING).update(
        status=S.FAILED, finished=now, failure_reason=reason
    )
    return "failed"


TICKET_KEY = "playground:ticket:{}"
TICKET_GRACE_S = 5  # a message taken just before it expired may still be answering


def _take_slot(user_pk: int, ticket: str, ttl: int) -> str | None:
    """One of the user's N try-it slots, taken atomically; it frees itself after `ttl` seconds."""
    for i in range(conf.get("PLAYGROUND_INFER_CONCURRENCY")):
        key = f"playground:infer-slot:{user_pk}:{i}"
        if cache.add(key, ticket, timeout=ttl + TICKET_GRACE_S):
            return key
    return None


@dataclass(frozen=True)
class Admission:
    """A try-it request let through the limits: its ticket and the slot it holds."""

    ticket: str
    slot: str


def inference_admit(*, user: User) -> Admission:
    """Count a try-it request against the user's rate and concurrency limits, cheaply (two cache
    calls, before anything parses the request): a refused flood costs the site almost nothing."""
    window = conf.get("PLAYGROUND_INFER_WINDOW_S")
    if not ratelimit.hit(
        key=f"playground-infer:{user.pk}", limit=conf.get("PLAYGROUND_INFER_LIMIT"), window_s=window
    ):
        raise InferenceRefused(
            "You are trying the model too quickly. Wait a little and try again.",
            retry_after=max(1, window - int(time.time()) % window),
        )
    ticket = uuid.uuid4().hex
    slot = _take_slot(user.pk, ticket, conf.get("PLAYGROUND_INFER_TIMEOUT_S"))
    if slot is None:
        raise InferenceRefused(
            "Your earlier try-it requests are still being answered. Try again in a moment.",
            retry_after=1,
        )
    return Admission(ticket, slot)


def inference_release(*, admission: Admission) -> None:
    """Give the slot back (the request was refused after admission, or has been answered)."""
    if cache.get(admission.slot) == admission.ticket:
        cache.delete(admission.slot)


def job_infer(
    *,
    job: Job,
    user: User,
    task_name: str,
    payload: dict[str, Any],
    admission: Admission | None = None,
) -> str:
    """Send a try-it request to the inference queue and return its ticket at once.

    The web does not wait for the worker here: the browser asks `inference_poll` for the
    answer, which waits a bounded moment at most.
    The message expires with the ticket, so a worker drops it rather than answer nobody.
    `admission`: from `inference_admit` when the caller checked the limits first.
    """
    if job.status != S.SUCCEEDED or not job.weights:
        raise InferenceError("This job has no trained model yet.")
    admission = admission or inference_admit(user=user)
    ttl = conf.get("PLAYGROUND_INFER_TIMEOUT_S")
    state = {"user": user.pk, "job": job.pk, "state": "pending", "slot": admission.slot}
    cache.set(
        TICKET_KEY.format(admission.ticket), {**state, "expires": time.time() + ttl}, ttl + 60
    )
    try:
        queue.send_inference(
            task_name, args=[job.pk, payload, admission.ticket, job.weights], expires=ttl
        )
    except (KombuOperationalError, RedisError, OSError) as error:
        log.warning("try-it for job %s not sent (%s)", job.pk, error)
        cache.delete(TICKET_KEY.format(admission.ticket))
        raise InferenceError("Trying the model is unavailable for a moment; try again.") from error
    return admission.ticket


def inference_answer(
    *, ticket: str, result: dict[str, Any], took_ms: float = 0.0, started_at: float = 0.0
) -> None:
    """The worker's answer to a ticket (`result` has "error" when it failed); frees the slot and
    wakes the poll waiting for it. `took_ms` and `started_at` (when the worker began on it)
    split the round trip in bench/jobs.py."""
    key = TICKET_KEY.format(ticket)
    state = cache.get(key)
    if state is None:
        return  # long expired: nobody can ask for it any more
    timing = {"took_ms": round(took_ms, 3), "started_at": started_at, "answered_at": time.time()}
    answers.notify(ticket, result)  # first: the waiting poll needs nothing else
    cache.set(key, {**state, "state": "done", "result": result, **timing}, 60)
    inference_release(admission=Admission(ticket, state["slot"]))


def inference_result(*, ticket: str, user: User, job_id: int) -> dict[str, Any] | None:
    """The answer for a ticket, None while it is pending. LookupError: not this user's ticket."""
    state = cache.get(TICKET_KEY.format(ticket))
    if state is None or state["user"] != user.pk or state["job"] != job_id:
        raise LookupError(ticket)
    if state["state"] == "pending":
        if time.time() > state["expires"] + TICKET_GRACE_S:
            raise InferenceError("The inference worker did not answer in time. Try again.")
        return None
    if "error" in state["result"]:
        raise InferenceError(state["result"]["error"])
    return state["result"]


@dataclass(frozen=True)
class Poll:
    """A poll's outcome: the answer (None: pending) and how long the browser should wait before
    asking again (0 after a blocking wait); `waited` is answers.wait's word."""

    result: dict[str, Any] | None
    retry_ms: int
    waited: str = ""


def inference_poll(*, ticket: str, user: User, job_id: int) -> Poll:
    """The answer for a ticket, waiting a bounded moment for it while it is pending (see
    playground/answers.py); LookupError and InferenceError as `inference_result`."""
    result = inference_result(ticket=ticket, user=user, job_id=job_id)
    if result is not None:
        return Poll(result, 0)
    waited, answer = answers.wait(ticket)
    if waited == "skipped":
        return Poll(None, answers.RETRY_MS, waited)
    if answer is not None:
        if "error" in answer:
            raise InferenceError(answer["error"])
        return Poll(answer, 0, waited)
    # Read again even after a timeout: an answer whose wake-up was lost is still served.
    return Poll(inference_result(ticket=ticket, user=user, job_id=job_id), 0, waited)


def job_stop(*, job: Job) -> Job:
    """Stop and keep the model: a running job ends at its next batch with the results of its
    last completed epoch; a queued one has learned nothing yet, so it is simply cancelled."""
    if Job.objects.filter(pk=job.pk, status=S.RUNNING).update(stop_requested=True):
        job.refresh_from_db()
        return job
    return job_cancel(job=job)


def job_flags(*, job_id: int) -> tuple[bool, bool]:
    """(cancel requested, stop-and-keep requested), read in one query between batches."""
    row = Job.objects.filter(pk=job_id).values_list("cancel_requested", "stop_requested").first()
    return (bool(row[0]), bool(row[1])) if row else (True, False)


def job_mark_stopped(
    *, job_id: int, results: dict[str, Any], weights: str, history: History
) -> None:
    """A run stopped at the time limit or on request, with what it learned: it reads as a
    finished run (results page, try-it) and `results["stopped"]` says why and after what."""
    _finish(job_id, S.SUCCEEDED, results=results, weights=weights, history=history)
