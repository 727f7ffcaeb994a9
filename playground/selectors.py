"""Reads used by more than one view or API endpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from dlplatform.accounts.models import User

from . import conf
from .models import Job, WorkerCalibration

TRAINING_QUEUE = "training"

LIST_FIELDS = (
    "id",
    "user_id",
    "kind",
    "title",
    "status",
    "created",
    "started",
    "finished",
    "progress",
    "attempts",
    "worker",
)


def jobs_for_user(user: User) -> QuerySet[Job]:
    """The user's jobs for a list: no curves or results, so a row stays small."""
    return Job.objects.filter(user=user).only(*LIST_FIELDS)


def jobs_by_ids(user: User, ids: list[int]) -> list[Job]:
    return list(
        Job.objects.filter(user=user, pk__in=ids[:8]).only(*LIST_FIELDS, "history", "config")
    )


def all_jobs(limit: int = 200) -> QuerySet[Job]:
    return Job.objects.select_related("user").only(*LIST_FIELDS, "user__username")[:limit]


def queue_state() -> dict[str, Any]:
    """Counts per status, the running jobs and their workers, and the broker's queue lengths."""
    counts = dict(Job.objects.values_list("status").annotate(n=Count("id")).order_by())
    running = list(
        Job.objects.filter(status=Job.Status.RUNNING)
        .select_related("user")
        .only("id", "kind", "worker", "started", "heartbeat", "progress", "user__username")
    )
    return {
        "counts": {s: counts.get(s, 0) for s in Job.Status.values},
        "running": running,
        "broker": _broker_lengths(),
    }


def _broker_lengths() -> dict[str, int | None]:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return {"training": None, "inference": None}
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=1)
        return {q: int(client.llen(q)) for q in ("training", "inference")}
    except redis.RedisError:
        return {"training": None, "inference": None}


def _training_workers(max_age_s: int) -> list[WorkerCalibration]:
    since = timezone.now() - timedelta(seconds=max_age_s)
    return [
        w
        for w in WorkerCalibration.objects.filter(seen__gte=since)
        if TRAINING_QUEUE in (w.queues or [])
    ]


def worker_slots() -> int:
    """Jobs the training workers can run at once: their pool sizes, at least one.

    A worker that has run nothing for a while stops counting; with none counted, one job is
    sent so that a worker (re)starting finds work and publishes itself again.
    """
    workers = _training_workers(conf.get("PLAYGROUND_WORKER_SEEN_S"))
    return max(1, sum(w.concurrency for w in workers))


def step_costs() -> tuple[float, float]:
    """(seconds of overhead per step, GFLOP/s) for the estimates: the slowest training worker's
    own measurement, or the conservative constants when no worker has published one."""
    workers = _training_workers(conf.get("PLAYGROUND_CALIBRATION_MAX_AGE_S"))
    if not workers:
        return conf.get("PLAYGROUND_STEP_OVERHEAD_MS") / 1000, float(
            conf.get("PLAYGROUND_CPU_GFLOPS")
        )
    return max(w.step_overhead_s for w in workers), min(w.gflops for w in workers)
