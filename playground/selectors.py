"""Reads used by more than one view or API endpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from dlplatform.accounts.models import User

from . import conf, queue
from .models import Job, JobPoint, WorkerCalibration

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
        "broker": queue.queue_lengths(),
    }


def _training_workers(max_age_s: int) -> list[WorkerCalibration]:
    since = timezone.now() - timedelta(seconds=max_age_s)
    return [
        w
        for w in WorkerCalibration.objects.filter(seen__gte=since)
        if queue.TRAINING_QUEUE in (w.queues or [])
    ]


def worker_slots() -> int:
    """Jobs the training workers can run at once: their pool sizes, at least one.

    A worker that has run nothing for a while stops counting; with none counted, one job is
    sent so that a worker (re)starting finds work and publishes itself again.
    """
    workers = _training_workers(conf.get("PLAYGROUND_WORKER_SEEN_S"))
    return max(1, sum(w.concurrency for w in workers))


def step_costs(kind: str = "cnn") -> tuple[float, float]:
    """(seconds of overhead per step, GFLOP/s) for the estimates: the slowest training worker's
    own measurement, or the conservative constants when no worker has published one.

    For "text" the overhead is that of a step at the default sequence length (64) and one layer;
    `text_costs` splits it into its fixed and per-time-step parts.
    """
    if kind == "text":
        fixed, per_t, gflops = text_costs()
        return fixed + 64 * per_t, gflops
    workers = _training_workers(conf.get("PLAYGROUND_CALIBRATION_MAX_AGE_S"))
    if not workers:
        return conf.get("PLAYGROUND_STEP_OVERHEAD_MS") / 1000, float(
            conf.get("PLAYGROUND_CPU_GFLOPS")
        )
    return max(w.step_overhead_s for w in workers), min(w.gflops for w in workers)


def job_history(job: Job, since: int = 0) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """The job's curve points measured after point `since`, and the `seq` of the last point
    (to send back as `since`). A running job's points are rows appended as they come; a
    finished one's are the history stored on it (or its rows, for a run that failed)."""
    history: dict[str, list[dict[str, Any]]] = {"train": [], "val": []}
    last = since
    if job.status in Job.FINISHED and job.history:
        points = [(c, p) for c in ("train", "val") for p in job.history.get(c, [])]
        points = [(c, p) for c, p in points if not since or p.get("seq", 0) > since]
    else:
        rows = JobPoint.objects.filter(job_id=job.pk, seq__gt=since).values_list("curve", "data")
        points = list(rows)
    for curve, point in points:
        history.setdefault(curve, []).append(point)
        last = max(last, int(point.get("seq", 0)))
    return history, last


def text_costs(cell: str = "lstm") -> tuple[float, float, float]:
    """(seconds per step, seconds per time step and layer, GFLOP/s of `cell`) of a character
    model: the slowest training worker's own text measurement; a worker without one (or none
    at all) counts with the CNN figures, all of them per step."""
    workers = _training_workers(conf.get("PLAYGROUND_CALIBRATION_MAX_AGE_S"))
    measured = [w for w in workers if w.text_gflops is not None]
    if not measured:
        overhead, gflops = step_costs("cnn")
        return overhead, 0.0, gflops
    return (
        max(w.text_step_overhead_s or 0.0 for w in measured),
        max(w.text_timestep_overhead_s or 0.0 for w in measured),
        # `or 0.0` only for the checker: every worker in `measured` has a text_gflops.
        min((w.text_cell_gflops or {}).get(cell, w.text_gflops or 0.0) for w in measured),
    )
