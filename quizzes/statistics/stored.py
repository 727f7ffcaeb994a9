"""The computed statistics a report page serves: once per change, not once per view.

Each graded, regraded or deleted attempt counts one change on the quiz's QuizStatistics row
(`statistics_changed`, from a signal, after commit) and, unless a recompute is already waiting,
queues one (`quizzes.tasks.refresh_statistics`, after DEBOUNCE_S, so a burst of submissions at a
deadline costs one recompute, not one each). The page reads the row: a result that covers every
change is served as it is; a stale one is recomputed in the request when that is cheap (the last
run took under INLINE_S), else served with the time it was computed while the worker catches
up. With no worker at all the page still shows the last result, and "Recompute now" computes it
in the request.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .formulas import QuizStats, from_dict, to_dict
from .queries import VersionPick, finished_attempts, quiz_statistics

log = logging.getLogger(__name__)
DEBOUNCE_S = 10  # the default of settings.QUIZ_STATISTICS_DEBOUNCE_S
# A recompute queued longer ago than this is taken as lost (no worker, broker restarted).
LOST_AFTER = timedelta(minutes=10)
INLINE_S = 0.25  # recompute in the request when the last run took less than this
INLINE_MAX_ATTEMPTS = 2000  # ... or, with no result yet, when the quiz has at most this many
MAX_FILTERED = 12  # version filters kept (and recomputed by the worker) per quiz


@dataclass(frozen=True)
class StoredStats:
    stats: QuizStats
    computed_at: datetime
    changes: int  # of the quiz's changes, how many this result covers
    seconds: float  # how long computing it took
    fresh: bool
    queued: bool  # a recompute is waiting for a worker


def _variant(first_only: bool, version: VersionPick | None = None) -> str:
    """The key of a stored result: the attempts analysed, and the version filter if any."""
    name = "first" if first_only else "all"
    return f"{name}@{version.key}" if version is not None else name


def _parse_variant(key: str) -> tuple[bool, VersionPick | None] | None:
    name, _, pick = key.partition("@")
    if name not in ("all", "first"):
        return None
    try:
        return name == "first", VersionPick.parse(pick) if pick else None
    except ValueError:
        return None


def statistics_refresh(
    *, quiz_id: int, first_only: bool, version: VersionPick | None = None
) -> StoredStats:
    """Compute and store one variant; it covers the changes counted before it started."""
    from quizzes.models import Quiz, QuizStatistics

    row, _ = QuizStatistics.objects.get_or_create(quiz_id=quiz_id)
    covered = row.changes
    started = time.perf_counter()
    quiz = Quiz.objects.only("pk", "behaviour").filter(pk=quiz_id).first() or Quiz(pk=quiz_id)
    stats = quiz_statistics(quiz=quiz, first_only=first_only, version=version)
    seconds = time.perf_counter() - started
    now = timezone.now()
    entry = {"stats": to_dict(stats), "at": now.isoformat(), "changes": covered, "s": seconds}
    with transaction.atomic():
        row = QuizStatistics.objects.select_for_update().get(pk=row.pk)
        row.results[_variant(first_only, version)] = entry
        _trim(row.results)
        row.save(update_fields=["results"])
    fresh = row.changes == covered
    return StoredStats(stats, now, covered, seconds, fresh, queued=row.queued_at is not None)


def _trim(results: dict) -> None:
    """At most MAX_FILTERED version filters are kept (each costs the worker a recompute): the
    least recently computed go; opening one again computes it again."""
    filtered = [k for k in results if "@" in k]
    # A placeholder (None: just asked for, not computed yet) counts as the newest.
    filtered.sort(key=lambda k: (results[k] or {"at": "~"})["at"], reverse=True)
    for key in filtered[MAX_FILTERED:]:
        del results[key]


def _store_placeholder(*, quiz_id: int, first_only: bool, version: VersionPick | None) -> None:
    """An empty entry under the variant's key: the worker's next recompute fills it in."""
    from quizzes.models import QuizStatistics

    with transaction.atomic():
        row, _ = QuizStatistics.objects.select_for_update().get_or_create(quiz_id=quiz_id)
        key = _variant(first_only, version)
        if key not in row.results:
            row.results[key] = None
            _trim(row.results)
            row.save(update_fields=["results"])


def statistics_refresh_all(*, quiz_id: int) -> None:
    """The worker's recompute: the waiting mark is cleared first, so a change that arrives
    while it runs queues the next one. Both kinds of attempts, and every version filter an
    instructor has opened (each one stored result more)."""
    from quizzes.models import QuizStatistics

    QuizStatistics.objects.filter(quiz_id=quiz_id).update(queued_at=None)
    row = QuizStatistics.objects.filter(quiz_id=quiz_id).only("results").first()
    variants: list[tuple[bool, VersionPick | None]] = [(False, None), (True, None)]
    for key in row.results if row else ():
        parsed = _parse_variant(key)
        if parsed is not None and parsed[1] is not None:
            variants.append(parsed)
    for first_only, version in variants:
        statistics_refresh(quiz_id=quiz_id, first_only=first_only, version=version)


def statistics_stored(
    *, quiz_id: int, first_only: bool, version: VersionPick | None = None
) -> StoredStats | None:
    """What the page shows: one indexed read, however many attempts the quiz has."""
    from quizzes.models import QuizStatistics

    row = QuizStatistics.objects.filter(quiz_id=quiz_id).first()
    entry = row.results.get(_variant(first_only, version)) if row else None
    if row is None or entry is None:
        return None
    computed_at = parse_datetime(entry["at"])
    assert computed_at is not None
    return StoredStats(
        stats=from_dict(entry["stats"]),
        computed_at=computed_at,
        changes=entry["changes"],
        seconds=entry["s"],
        fresh=entry["changes"] == row.changes,
        queued=row.queued_at is not None,
    )


def statistics_for_page(
    *, quiz_id: int, first_only: bool, version: VersionPick | None = None
) -> StoredStats | None:
    """The stored result; recomputed here when stale and cheap; None while the first
    computation of a large quiz waits for the worker (a version filter opened for the first
    time is stored by that computation, and the worker keeps it fresh from then on)."""
    stored = statistics_stored(quiz_id=quiz_id, first_only=first_only, version=version)
    if stored is not None and stored.fresh:
        return stored
    if _cheap(stored, quiz_id=quiz_id, first_only=first_only, version=version):
        return statistics_refresh(quiz_id=quiz_id, first_only=first_only, version=version)
    if stored is None and version is not None:
        # The worker recomputes the variants already stored: an empty entry makes it one.
        _store_placeholder(quiz_id=quiz_id, first_only=first_only, version=version)
    statistics_request(quiz_id=quiz_id)
    return stored


def _cheap(
    stored: StoredStats | None, *, quiz_id: int, first_only: bool, version: VersionPick | None
) -> bool:
    if stored is not None:
        return stored.seconds < INLINE_S
    from quizzes.models import Quiz

    # A bounded count: it stops reading at the limit, so a huge quiz costs no more than a small one.
    attempts = finished_attempts(Quiz(pk=quiz_id), first_only, version)
    return attempts[: INLINE_MAX_ATTEMPTS + 1].count() <= INLINE_MAX_ATTEMPTS


_CHANGED_SQL = """
INSERT INTO {table} AS s (quiz_id, changes, queued_at, results)
SELECT %(quiz)s, %(add)s, %(now)s, '{{}}' FROM {quizzes} WHERE id = %(quiz)s
ON CONFLICT (quiz_id) DO UPDATE SET
    changes = s.changes + EXCLUDED.changes,
    queued_at = CASE WHEN s.queued_at IS NULL OR s.queued_at < %(lost)s THEN EXCLUDED.queued_at
                     ELSE s.queued_at END
RETURNING queued_at = %(now)s
"""


def statistics_changed(*, quiz_id: int, count: int = 1) -> bool:
    """Count `count` changes to the quiz's attempts and queue a recompute unless one waits.
    One statement (an upsert), so concurrent submissions queue one recompute between them.
    Returns whether this call queued it. Bulk writes to attempts call this themselves."""
    from quizzes.models import Quiz, QuizStatistics

    now = timezone.now()
    sql = _CHANGED_SQL.format(table=QuizStatistics._meta.db_table, quizzes=Quiz._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"quiz": quiz_id, "add": count, "now": now, "lost": now - LOST_AFTER})
        row = cursor.fetchone()  # none when the quiz is gone (its attempts deleted with it)
    queued = row is not None and row[0]
    if queued:
        _enqueue(quiz_id)
    return bool(queued)


def statistics_request(*, quiz_id: int) -> None:
    """Queue a recompute (no change counted) unless one waits: a stale page asks for one."""
    statistics_changed(quiz_id=quiz_id, count=0)


REFRESH_TASK = "quizzes.tasks.refresh_statistics"


def _enqueue(quiz_id: int) -> None:
    from kombu.exceptions import OperationalError as KombuOperationalError

    from dlplatform.celery import app
    from quizzes.models import QuizStatistics

    try:
        countdown = getattr(settings, "QUIZ_STATISTICS_DEBOUNCE_S", DEBOUNCE_S)  # read per call
        # Sent by name (routed to `reports` by the settings): the task module imports this one.
        app.send_task(REFRESH_TASK, args=[quiz_id], countdown=countdown)
    except (KombuOperationalError, ConnectionError, OSError) as error:
        # The broker is down: the next change (or a stale view) asks again.
        log.warning("statistics of quiz %s not queued (%s)", quiz_id, error)
        QuizStatistics.objects.filter(quiz_id=quiz_id).update(queued_at=None)
