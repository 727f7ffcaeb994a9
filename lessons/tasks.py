"""Celery tasks of the lessons app, routed to the `audio` queue (settings, audio_queue.py).

Their time limits come with each message (audio_queue.send_render), from the settings. The
reaper runs from beat on the inference queue (settings.CELERY_BEAT_SCHEDULE): it must still run
when no audio worker does, to say so."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


@shared_task(name="lessons.tasks.render_audio", bind=True)
def render_audio(self: Any, track_id: int) -> str:
    from .audio_reaper import claim
    from .services import audio_render, audio_render_failed

    outcome, track = claim(track_id=track_id, task_id=self.request.id or "")
    if track is None:  # its topic was deleted while the task waited
        return outcome
    if outcome == "superseded":  # sent again by the reaper: the newer message renders it
        return outcome
    try:
        return audio_render(track=track).status
    except SoftTimeLimitExceeded:
        audio_render_failed(track=track, reason="the render took longer than its time limit")
        raise


@shared_task(name="lessons.tasks.reap_audio", soft_time_limit=60, time_limit=90)
def reap_audio() -> dict[str, int]:
    from . import audio_queue, audio_reaper

    return audio_reaper.reap(
        broker_ids=audio_queue.waiting_ids(), worker_alive=audio_reaper.audio_worker_alive()
    )
