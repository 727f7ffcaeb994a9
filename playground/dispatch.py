"""Fair dispatch of waiting training jobs to the workers.

A submitted job is stored as waiting (`queued`, `enqueued` empty) and not sent to Celery. The
dispatcher runs after each submit and each finished job (on commit) and from the periodic
reaper. Under one lock it fills the free worker slots, one job at a time, from the user with the
fewest jobs in flight, then the one served least recently, then the oldest waiting job: a user
with five waiting jobs and a user with one take turns, and nobody runs more than the per-user cap.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from dlplatform import broker

from . import conf, queue, selectors
from .models import Job

S = Job.Status
# Any constant of our own: pg_advisory_xact_lock serializes dispatchers across processes.
LOCK_ID = 0x504C4159  # "PLAY"


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def _in_flight() -> dict[int, int]:
    """Jobs given to a worker and not finished, per user: running, or sent and not yet claimed."""
    rows = (
        Job.objects.filter(Q(status=S.RUNNING) | Q(status=S.QUEUED, enqueued__isnull=False))
        .values_list("user_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


class _Queued(Protocol):
    """What _pick reads from a waiting job: a Job row, or forecast's stand-in for one."""

    @property
    def pk(self) -> Any: ...
    @property
    def user_id(self) -> int: ...
    @property
    def created(self) -> datetime: ...


_Q = TypeVar("_Q", bound=_Queued)


def _pick(
    waiting: list[_Q], flight: dict[int, int], served: dict[int, datetime], cap: int
) -> _Q | None:
    """The next job: fewest in flight, then least recently served, then the oldest waiting."""
    first: dict[int, _Q] = {}
    for job in waiting:  # oldest first, so the first seen per user is that user's oldest
        if job.user_id not in first and flight.get(job.user_id, 0) < cap:
            first[job.user_id] = job
    if not first:
        return None
    never = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    return min(
        first.values(),
        key=lambda j: (flight.get(j.user_id, 0), served.get(j.user_id) or never, j.created, j.pk),
    )


def dispatch() -> list[int]:
    """Send as many waiting jobs as there are free slots, fairly; return the ids sent."""
    sent: list[tuple[int, str]] = []
    with transaction.atomic():
        _lock()
        flight = _in_flight()
        free = selectors.worker_slots() - sum(flight.values())
        if free <= 0:
            return []
        waiting = list(
            Job.objects.select_for_update(skip_locked=True)
            .filter(status=S.QUEUED, enqueued__isnull=True)
            .order_by("created", "pk")
            .only("pk", "user_id", "created")[:500]
        )
        users = {j.user_id for j in waiting}
        served = dict(
            Job.objects.filter(user_id__in=users, enqueued__isnull=False)
            .values_list("user_id")
            .annotate(last=Max("enqueued"))
            .order_by()
        )
        cap, now = conf.get("PLAYGROUND_MAX_RUNNING_PER_USER"), timezone.now()
        while free > 0:
            job = _pick(waiting, flight, served, cap)
            if job is None:
                break
            waiting.remove(job)
            task_id = uuid.uuid4().hex
            Job.objects.filter(pk=job.pk).update(enqueued=now, task_id=task_id)
            flight[job.user_id] = flight.get(job.user_id, 0) + 1
            served[job.user_id] = now
            now = now + timedelta(microseconds=1)  # keeps the turn order strict
            sent.append((job.pk, task_id))
            free -= 1
        transaction.on_commit(lambda: _send(sent))
    return [pk for pk, _ in sent]


def _send(sent: list[tuple[int, str]]) -> None:
    """Hand the claimed jobs to the broker; with the broker down they wait for the reaper."""
    for pk, task_id in sent:
        # The row keeps its claim; the reaper finds no message for it and sends it again.
        broker.try_send(partial(queue.send_training, pk, task_id=task_id), what=f"job {pk}")
