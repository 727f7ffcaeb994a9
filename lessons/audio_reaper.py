"""Renders that nobody is making: the audio worker claims a track, and a periodic reaper rescues
the tracks whose message went missing or whose worker died (the playground's reaper does the
same for training jobs; both compare rows with the broker through dlplatform/broker.py).

A track waits as `queued` with the task id of its message. The task claims it (`rendering`,
`started_at`) only when its own id is the row's: a message sent again supersedes the old one,
so a duplicate never renders twice. The reaper, every LESSONS_AUDIO_REAP_EVERY_S:
- sends a queued track with no task id (its send failed: the broker was down) at once;
- past LESSONS_AUDIO_STALE_S, sends a queued track again whose message the broker no longer
  holds, and fails one still waiting while no audio worker is alive, saying so (the message
  stays: a worker that starts later still renders it, the claim accepts that failed row);
- sends again a track rendering for longer than the hard time limit (its worker died or was
  killed at the limit), once; the next time it is failed with the reason.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from dlplatform import health

from . import audio_queue
from .models import AudioStatus, AudioTrack

S = AudioStatus
GRACE_S = 30  # a render just at its hard limit is still being killed and written back
FIELDS = ("pk", "status", "task_id", "attempts", "queued_at", "started_at")


def claim(*, track_id: int, task_id: str) -> tuple[str, AudioTrack | None]:
    """("claimed" | "superseded" | "gone", the track): `superseded` when the row waits for
    another message (this one is a stale duplicate)."""
    now = timezone.now()
    own = Q(task_id=task_id) | Q(task_id="")
    AudioTrack.objects.filter(
        own, pk=track_id, status__in=[S.QUEUED, S.RENDERING, S.FAILED]
    ).update(status=S.RENDERING, task_id=task_id, started_at=now, error="")
    track = AudioTrack.objects.select_related("topic").filter(pk=track_id).first()
    if track is None:
        return "gone", None
    if track.task_id not in ("", task_id):
        return "superseded", track
    return "claimed", track


def _resend(track: AudioTrack, now: datetime, sends: list[tuple[int, str]], *, count: bool) -> int:
    """Point the row at a new message, to send at the end of the pass (`sends`); 1 when the
    row was still as read."""
    task_id = uuid.uuid4().hex
    done = AudioTrack.objects.filter(
        pk=track.pk, status=track.status, task_id=track.task_id
    ).update(
        status=S.QUEUED,
        task_id=task_id,
        queued_at=now,
        started_at=None,
        attempts=F("attempts") + int(count),
    )
    if done:
        sends.append((track.pk, task_id))
    return done


def _fail(track: AudioTrack, reason: str) -> int:
    return AudioTrack.objects.filter(
        pk=track.pk, status=track.status, task_id=track.task_id
    ).update(status=S.FAILED, error=reason)


def _retry_or_fail(
    track: AudioTrack, now: datetime, reason: str, sends: list[tuple[int, str]]
) -> str:
    if track.attempts < settings.LESSONS_AUDIO_MAX_ATTEMPTS:
        return "resent" if _resend(track, now, sends, count=True) else "raced"
    return "failed" if _fail(track, reason) else "raced"


def lost_reason() -> str:
    return (
        f"The render was sent to the audio worker {settings.LESSONS_AUDIO_MAX_ATTEMPTS + 1} "
        "times and its message was lost each time (was the broker restarted?). Use "
        "'Render the selected tracks again' when the broker and the audio worker are up."
    )


def died_reason() -> str:
    return (
        "The render stopped without finishing: it ran past its time limit of "
        f"{settings.LESSONS_AUDIO_HARD_LIMIT_S} s or its worker was restarted, "
        f"{settings.LESSONS_AUDIO_MAX_ATTEMPTS + 1} times."
    )


def no_worker_reason() -> str:
    minutes = settings.LESSONS_AUDIO_STALE_S / 60
    return (
        f"No audio worker has taken this render in {minutes:g} minutes: is a worker serving "
        f"the '{audio_queue.AUDIO_QUEUE}' queue running? It is made when one starts."
    )


def audio_worker_alive() -> bool | None:
    """Whether a worker serving the audio queue sent a heartbeat lately; None when unknown."""
    if health.check_cache()["status"] != "ok":
        return None
    workers = health.check_workers(cache_ok=True).get(audio_queue.AUDIO_QUEUE, {})
    return workers.get("status") == "ok"


def reap(
    *, now: datetime | None = None, broker_ids: set[str] | None, worker_alive: bool | None
) -> dict[str, int]:
    """One pass (see the module's docstring); `broker_ids` and `worker_alive` None: unknown,
    so nothing is judged lost, or waiting for no worker, on that ground."""
    now = now or timezone.now()
    counts = {"sent": 0, "resent": 0, "failed": 0, "raced": 0}
    sends: list[tuple[int, str]] = []
    tracks = AudioTrack.objects.only(*FIELDS)
    for track in tracks.filter(status=S.QUEUED, task_id=""):
        counts["sent"] += _resend(track, now, sends, count=False)
    stale = now - timedelta(seconds=settings.LESSONS_AUDIO_STALE_S)
    for track in tracks.filter(status=S.QUEUED, queued_at__lt=stale).exclude(task_id=""):
        if broker_ids is not None and track.task_id not in broker_ids:
            counts[_retry_or_fail(track, now, lost_reason(), sends)] += 1
        elif worker_alive is False:
            counts["failed" if _fail(track, no_worker_reason()) else "raced"] += 1
    dead = now - timedelta(seconds=settings.LESSONS_AUDIO_HARD_LIMIT_S + GRACE_S)
    for track in tracks.filter(status=S.RENDERING, started_at__lt=dead):
        counts[_retry_or_fail(track, now, died_reason(), sends)] += 1
    if sends:  # at commit, in one go: with the broker down the first failure ends the sending
        transaction.on_commit(partial(audio_queue.send_renders, sends))
    return counts
