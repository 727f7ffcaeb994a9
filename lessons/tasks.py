"""Celery tasks of the lessons app, routed to the `audio` queue (settings, audio_queue.py).

Their time limits come with each message (audio_queue.send_render), from the settings."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


@shared_task(name="lessons.tasks.render_audio")
def render_audio(track_id: int) -> str:
    from .models import AudioTrack
    from .services import audio_render, audio_render_failed

    track = AudioTrack.objects.select_related("topic").filter(pk=track_id).first()
    if track is None:  # its topic was deleted while the task waited
        return "gone"
    try:
        return audio_render(track=track).status
    except SoftTimeLimitExceeded:
        audio_render_failed(track=track, reason="the render took longer than its time limit")
        raise
