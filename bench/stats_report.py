#!/usr/bin/env python
"""The statistics report at 1x, 10x and 100x a course in use: time and SQL queries per view.

The data: the bundled content (load_content) and a certainty-based marking quiz of 12 of its
questions (a bundled quiz's size), taken by 300 students twice (600 finished attempts:
bench/admin.py's "course in use") = 1x, then 6,000 (10x) and 60,000 (100x). Half of its
questions were edited once, so their items hold two versions (odd attempts saw version 2);
certainties and marks come from a hash with a per-attempt ability (5 % left unanswered).
Attempts are written by INSERT ... SELECT, and the planner's statistics are left stale.

Per size: the recompute (all versions, and the "only attempts that saw version 2" filter),
the report page served from the stored result (both), the statistics CSV, the results CSV
(each attempt's CBM summary, streamed) and the first page of the responses report (the CBM
summary of its 50 attempts). Django's whole stack in this process (test client, production
settings, PostgreSQL, Redis); each figure is the median of --repeat after a warm-up, with the
SQL queries of one request. Its own database (dlp_bench_stats_report) and Redis database 12.

    .venv/bin/python bench/stats_report.py [--repeat 5] [--sizes 600,6000,60000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB_NAME = os.environ.get("BENCH_DB_NAME", "dlp_bench_stats_report")
STUDENTS = 300

ATTEMPTS_SQL = """
INSERT INTO quizzes_attempt (user_id, quiz_id, number, started_at, submitted_at, graded_at, state,
    marks, max_marks, score, needs_manual_grading, current_page)
SELECT (%(users)s::bigint[])[1 + g %% cardinality(%(users)s::bigint[])], %(quiz)s,
       1 + g / cardinality(%(users)s::bigint[]), now(), now(), now(), 'finished', 0, %(slots)s, 0,
       false, 0
FROM generate_series(%(start)s, %(stop)s - 1) AS g
"""
# Right with a chance that grows with the attempt's ability; certainty 1-3 from a hash; the
# mark is Moodle's CBM mark (right 1/2/3, wrong 0/-2/-6); odd attempts saw version 2 of an
# edited question (the latest version of the others).
ITEMS_SQL = """
INSERT INTO quizzes_attemptquestion (attempt_id, question_id, version_id, "order", max_mark,
    choice_order, response, flagged, certainty, locked, tries, fraction, mark, feedback,
    needs_grading, grader_comment)
SELECT a.id, s.question_id, v.id, s."order", 1, '[]',
       CASE WHEN h.u < 0.05 THEN NULL ELSE '1'::jsonb END, false, h.c, true, 0, f.x, f.x, '',
       false, ''
FROM quizzes_attempt a JOIN quizzes_quizslot s ON s.quiz_id = a.quiz_id
CROSS JOIN LATERAL (
    SELECT (hashint8(a.id * 31 + s."order") & 1023) / 1023.0 AS r,
           (hashint8(a.id * 17 + s."order") & 1023) / 1023.0 AS u,
           1 + (hashint8(a.id * 7 + s."order") & 255) %% 3 AS c
) h
CROSS JOIN LATERAL (
    SELECT CASE WHEN h.u < 0.05 THEN 0
                WHEN h.r < 0.3 + 0.5 * ((hashint8(a.id) & 255) / 255.0) THEN h.c
                WHEN h.c = 1 THEN 0 WHEN h.c = 2 THEN -2 ELSE -6 END AS x
) f
LEFT JOIN LATERAL (
    SELECT qv.id FROM quizzes_questionversion qv WHERE qv.question_id = s.question_id
    ORDER BY (qv.number = 1 + a.id %% 2) DESC, qv.number DESC LIMIT 1
) v ON true
WHERE a.quiz_id = %(quiz)s AND a.id > %(after)s
"""


def _environment() -> None:
    from _stack import ensure_database

    ensure_database(DB_NAME)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="dlplatform.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-" + "s" * 50,
        DATABASE_URL=os.environ.get(
            "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
        ),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        CELERY_BROKER_URL="memory://",  # the bench runs the recomputes itself
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="ERROR",
        CONN_MAX_AGE="600",
    )


QUESTIONS = 12  # a bundled quiz's size (11 to 14)


def _quiz():
    """A CBM quiz of 12 bundled single-choice and true/false questions (the responses the
    bench writes are a choice id: other types would read them as malformed); half of them
    edited once."""
    from quizzes import services
    from quizzes.models import Behaviour, Question, Quiz, QuizSlot

    quiz = Quiz.objects.filter(slug="bench-stats-cbm").first()
    if quiz is not None:
        return quiz
    quiz = Quiz.objects.create(slug="bench-stats-cbm", title="Bench (CBM)", behaviour=Behaviour.CBM)
    bank = Question.objects.filter(type__in=["single", "truefalse"]).order_by("pk")[:QUESTIONS]
    for order, question in enumerate(bank):
        QuizSlot.objects.create(quiz=quiz, question=question, order=order)
        if order % 2 == 0:
            services.question_version_record(question=question)  # its first, if none yet
            question.stem = f"{question.stem}\n\n(Reworded for the bench.)"
            question.save()
            services.question_version_record(question=question)
    return quiz


def _students() -> list[int]:
    from dlplatform.accounts.models import User

    have = User.objects.filter(username__startswith="statsbench").count()
    new = [User(username=f"statsbench{i}") for i in range(have, STUDENTS)]
    for user in new:
        user.set_unusable_password()
    User.objects.bulk_create(new)
    students = User.objects.filter(username__startswith="statsbench").order_by("pk")
    return list(students.values_list("pk", flat=True))  # in order: the same user for each g


def _grow(quiz, target: int, users: list[int]) -> None:
    from django.db import connection

    from quizzes.statistics.stored import statistics_changed

    have = quiz.attempts.count()
    if have >= target:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM quizzes_attempt")
        (after,) = cursor.fetchone()
        params = {"users": users, "quiz": quiz.pk, "slots": quiz.slots.count()}
        cursor.execute(ATTEMPTS_SQL, {**params, "start": have, "stop": target})
        cursor.execute(ITEMS_SQL, {"quiz": quiz.pk, "after": after})
        from _stack import TOTALS_SQL

        cursor.execute(TOTALS_SQL, {"quiz": quiz.pk, "after": after})
    statistics_changed(quiz_id=quiz.pk, count=target - have)


def measure(fn: Callable[[], object], repeat: int) -> tuple[float, int]:
    """(median ms, SQL queries of one run)."""
    import statistics

    from django.db import connection

    # Counted by a wrapper: a request's start clears the connection's query log.
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()  # warm, and counted
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(queries)


def get(client, url: str, **params) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params}: {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    return fetch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="600,6000,60000")
    args = parser.parse_args()
    _environment()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", "--noinput", verbosity=0)
    from dlplatform.accounts.models import User
    from glossary.models import Term
    from quizzes.statistics.queries import VersionPick
    from quizzes.statistics.stored import statistics_refresh

    if not Term.objects.exists():
        call_command("load_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    quiz = _quiz()
    edited = quiz.slots.get(order=0).question
    pick = VersionPick(edited.pk, 2)
    users = _students()
    admin = User.objects.filter(username="statsbench-admin").first()
    admin = admin or User.objects.create_superuser("statsbench-admin", "s@example.org", None)
    client = Client()
    client.force_login(admin)
    report = f"/quizzes/{quiz.pk}/report/"
    views = {
        "page": get(client, report),
        "page, v2 only": get(client, report, version=pick.key),
        "statistics CSV": get(client, f"/quizzes/{quiz.pk}/report/statistics.csv"),
        "results CSV (CBM)": get(client, f"/quizzes/{quiz.pk}/report/results.csv"),
        "responses p.1 (CBM)": get(client, f"/quizzes/{quiz.pk}/report/responses/"),
    }
    print(f"{os.cpu_count()} CPU cores; quiz of {quiz.slots.count()} questions; ms (SQL queries)")
    columns = ["recompute", "recompute, v2 only", *views]
    print(f"{'attempts':>9} " + " ".join(f"{c:>20}" for c in columns))
    for size in (int(s) for s in args.sizes.split(",")):
        _grow(quiz, size, users)
        cells = [
            measure(lambda: statistics_refresh(quiz_id=quiz.pk, first_only=False), 1),
            measure(lambda: statistics_refresh(quiz_id=quiz.pk, first_only=False, version=pick), 1),
        ]
        cells += [measure(view, args.repeat) for view in views.values()]
        print(f"{size:>9} " + " ".join(f"{f'{ms:.0f} ({q})':>20}" for ms, q in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
