"""When a training job will start: the queue as it stands, played forward with the dispatcher's
own turn order. Web side (no torch): arithmetic over the job rows and the workers' calibration.

The workers serving the training queue give the slots (selectors.worker_slots) and, through
their calibration, each job's duration (selectors.step_costs). A running job frees its slot
after its live ETA (or, before its first report, its estimate less the time it has run); a
waiting job takes the next free slot in the order dispatch._pick would give it, one running
job per user. The answer is the start of the job asked about: an existing waiting job, or a
job the user is about to submit.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from . import conf, selectors
from .dispatch import _pick
from .models import Job
from .training.config import CnnConfig, RunConfig, TextConfig, config_from
from .training.corpus import platform_text
from .training.estimate import Estimate, cnn_estimate, text_estimate

S = Job.Status
MAX_WAITING = 500  # as many as one dispatch looks at


def estimate(kind: str, config: RunConfig | Mapping[str, Any]) -> Estimate:
    """A run's estimate with the calibration its own kind measured on the training workers
    (`config`: the form's or serializer's dataclass, or a stored row's dict)."""
    cfg = config if isinstance(config, CnnConfig | TextConfig) else config_from(kind, config)
    if isinstance(cfg, CnnConfig):
        overhead, gflops = selectors.step_costs("cnn")
        return cnn_estimate(cfg, gflops, overhead)
    fixed, per_t, gflops = selectors.text_costs(cfg.cell)
    text = cfg.text if cfg.corpus == "pasted" else platform_text()
    return text_estimate(cfg, gflops, len(text), len(set(text)) or 1, fixed, per_t)


def job_seconds(kind: str, config: dict[str, Any]) -> float:
    return estimate(kind, config).seconds


@dataclass
class _Waiting:
    """What dispatch._pick reads from a job, plus its duration."""

    pk: int
    user_id: int
    created: datetime
    seconds: float


def _remaining(job: Job, now: datetime) -> float:
    eta = (job.progress or {}).get("eta_s")
    if eta is not None:
        return max(float(eta), 0.0)
    ran = (now - job.started).total_seconds() if job.started else 0.0
    return max(job_seconds(job.kind, job.config) - ran, 0.0)


def _last_served(users: set[int]) -> dict[int, datetime]:
    """When each user last had a job sent to a worker: the dispatcher's second key."""
    rows = (
        Job.objects.filter(user_id__in=users, enqueued__isnull=False)
        .values_list("user_id")
        .annotate(last=Max("enqueued"))
        .order_by()
    )
    return dict(rows)


def forecast(*, user_id: int, job_pk: int | None = None, seconds: float = 0.0) -> dict[str, Any]:
    """{"starts_in_s", "ahead", "slots"} for job `job_pk` (waiting), or for a new job of
    `user_id` taking `seconds`, submitted now. "ahead": jobs that start before it."""
    now = timezone.now()
    slots = selectors.worker_slots()
    cap = conf.get("PLAYGROUND_MAX_RUNNING_PER_USER")
    # In flight: running, or sent to a worker and not claimed yet (starts at once, full length).
    flight = list(
        Job.objects.filter(Q(status=S.RUNNING) | Q(status=S.QUEUED, enqueued__isnull=False))
        .exclude(pk=job_pk or 0)
        .only("pk", "user_id", "kind", "config", "progress", "started", "status")
    )
    rows = list(
        Job.objects.filter(status=S.QUEUED, enqueued__isnull=True)
        .order_by("created", "pk")
        .only("pk", "user_id", "kind", "config", "created")[:MAX_WAITING]
    )
    waiting = [_Waiting(j.pk, j.user_id, j.created, job_seconds(j.kind, j.config)) for j in rows]
    if job_pk is None:
        waiting.append(_Waiting(0, user_id, now, seconds))  # pk 0: the job asked about
    target = job_pk or 0
    # Slots free now (time 0) and, in a heap, the end of each in-flight job with its user.
    ends: list[tuple[float, int]] = [(_remaining(j, now), j.user_id) for j in flight]
    heapq.heapify(ends)
    in_flight: dict[int, int] = {}
    for _, uid in ends:
        in_flight[uid] = in_flight.get(uid, 0) + 1
    free = [0.0] * max(slots - len(ends), 0)
    served = _last_served({w.user_id for w in waiting})
    clock, ahead = 0.0, 0
    while waiting:
        job = _pick(waiting, in_flight, served, cap) if free else None
        if job is None:  # no free slot, or every waiting user at the cap: the next job ends
            if not ends:
                break
            t, uid = heapq.heappop(ends)
            in_flight[uid] -= 1
            free.append(t)
            continue
        free.sort()
        clock = max(clock, free.pop(0))
        if job.pk == target:
            return {"starts_in_s": round(clock, 1), "ahead": ahead, "slots": slots}
        waiting.remove(job)
        ahead += 1
        in_flight[job.user_id] = in_flight.get(job.user_id, 0) + 1
        served[job.user_id] = now + timedelta(microseconds=ahead)  # as dispatch keeps turns
        heapq.heappush(ends, (clock + job.seconds, job.user_id))
    return {"starts_in_s": None, "ahead": ahead, "slots": slots}


def phrase(starts_in_s: float | None, takes_s: float | None = None) -> str:
    """ "Starts in about 2 minutes, takes about 40 s." for the form and the job page."""
    if starts_in_s is None:
        start = "Start time unknown (no worker is serving the queue)"
    elif starts_in_s < 5:
        start = "Starts at once"
    else:
        start = f"Starts in about {_human(starts_in_s)}"
    return f"{start}, takes about {_human(takes_s)}." if takes_s is not None else f"{start}."


def _human(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} minutes"
    return f"{seconds / 3600:.1f} hours"
