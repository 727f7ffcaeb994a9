"""Reads used by more than one view or API endpoint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet

from .models import Job

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


def jobs_for_user(user: Any) -> QuerySet[Job]:
    """The user's jobs for a list: no curves or results, so a row stays small."""
    return Job.objects.filter(user=user).only(*LIST_FIELDS)


def jobs_by_ids(user: Any, ids: list[int]) -> list[Job]:
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
