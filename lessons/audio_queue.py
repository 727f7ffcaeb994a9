"""The lessons' queue name and sending its tasks (by name: nothing imports `tasks`)."""

from __future__ import annotations

from django.conf import settings

from dlplatform.celery import app

# The same name as the `lessons.tasks.*` route of CELERY_TASK_ROUTES in settings.py (a test
# checks it).
AUDIO_QUEUE = "audio"
RENDER_AUDIO = "lessons.tasks.render_audio"


def send_render(track_id: int) -> None:
    """Queue one track's render, with the time limits of the settings now."""
    app.send_task(
        RENDER_AUDIO,
        args=[track_id],
        soft_time_limit=settings.LESSONS_AUDIO_SOFT_LIMIT_S,
        time_limit=settings.LESSONS_AUDIO_HARD_LIMIT_S,
    )
