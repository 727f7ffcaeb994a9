"""Celery tasks of the quizzes app (routed to the `reports` queue, see settings)."""

from __future__ import annotations

from celery import shared_task

from .statistics.stored import statistics_refresh_all


# Linear in the quiz's attempts (about a second at 100,000 on a quiet machine, bench/scale.py).
@shared_task(soft_time_limit=300, time_limit=330)
def refresh_statistics(quiz_id: int) -> None:
    from .models import Quiz

    if Quiz.objects.filter(pk=quiz_id).exists():  # deleted while the task waited
        statistics_refresh_all(quiz_id=quiz_id)
