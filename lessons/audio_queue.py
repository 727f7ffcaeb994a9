"""The lessons' queue name and sending its tasks (by name: nothing imports `tasks`)."""

from __future__ import annotations

from django.conf import settings

from dlplatform import broker
from dlplatform.celery import app

from .models import AudioTrack

# The same name as the `lessons.tasks.*` route of CELERY_TASK_ROUTES in settings.py (a test
# checks it).
AUDIO_QUEUE = "audio"
RENDER_AUDIO = "lessons.tasks.render_audio"
REAP_AUDIO = "lessons.tasks.reap_audio"


def send_renders(renders: list[tuple[int, str]]) -> int:
    """Queue each (track id, task id) render; how many went out. With the broker unreachable
    nothing is raised and no more sends are tried (each would wait for its own timeout): the
    rows left forget their task ids, which tells the reaper (lessons/audio_reaper.py) to send
    them as soon as the broker answers again."""
    for done, (track_id, task_id) in enumerate(renders):
        if not send_render(track_id, task_id=task_id):
            for pk, tid in renders[done + 1 :]:
                AudioTrack.objects.filter(pk=pk, task_id=tid).update(task_id="")
            return done
    return len(renders)


def send_render(track_id: int, *, task_id: str = "") -> bool:
    """Queue one track's render as message `task_id`, with the time limits of the settings now;
    False (and the row's task id cleared) when the broker is unreachable."""

    def send() -> None:
        app.send_task(
            RENDER_AUDIO,
            args=[track_id],
            task_id=task_id or None,
            soft_time_limit=settings.LESSONS_AUDIO_SOFT_LIMIT_S,
            time_limit=settings.LESSONS_AUDIO_HARD_LIMIT_S,
        )

    if broker.try_send(send, what=f"audio track {track_id}"):
        return True
    if task_id:
        AudioTrack.objects.filter(pk=track_id, task_id=task_id).update(task_id="")
    return False


def waiting_ids() -> set[str] | None:
    """Ids of the render messages the broker holds; None when unknown (another broker, or down)."""
    return broker.task_ids_or_none(AUDIO_QUEUE)
