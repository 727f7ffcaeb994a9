#!/usr/bin/env python
"""Cost curves: what a page costs as the data behind it grows.

- glossary: the A-Z page (its first letter and its busiest letter) and the search page at
  300 / 3,000 / 30,000 terms (the bundled glossary plus generated terms);
- quiz statistics: the report page (served from the stored result) and the recompute a worker
  runs after a change, at 100 / 1,000 / 10,000 / 100,000 finished attempts of a 10-question
  quiz (attempts written by INSERT ... SELECT, and the planner's statistics left stale on
  purpose: no ANALYZE, which is what made the old rank join quadratic);
- the quiz-taking page at 10 and 100 questions, against the signed-in floor (the home page,
  the same client: session, user and the shared header only; see bench/web.py).

Requests go through Django's whole stack in this process (test client, all middleware, the
production settings, PostgreSQL and Redis), one at a time; each figure is the median of
--repeat requests after a warm-up. Its own database (dlp_bench_scale) and Redis database 12.

    .venv/bin/python bench/scale.py [--repeat 15] [--only glossary,stats,quiz]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB_NAME = "dlp_bench_scale"
TERMS = [300, 3_000, 30_000]
ATTEMPTS = [100, 1_000, 10_000, 100_000]
QUESTIONS = [10, 100]


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm: caches, the connection
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def get_ok(client, url: str, **params) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"{url} {params}: {response.status_code}")
        return response

    return fetch


# --- glossary -----------------------------------------------------------------------------------
SYLLABLES = ["ka", "ve", "lo", "ri", "sun", "tor", "pem", "da", "fi", "gra", "hu", "jex", "mo"]
KINDS = ["layer", "network", "loss", "optimizer", "activation", "regularizer", "metric", "model"]


def _grow_glossary(target: int, rng: random.Random) -> None:
    from glossary.models import Category, Term
    from glossary.services import term_index_invalidate, term_refresh_search_vectors

    have = Term.objects.count()
    if have > target:  # a rerun: back down to the size asked for
        extra = Term.objects.filter(slug__startswith="bench-").order_by("-id")[: have - target]
        Term.objects.filter(pk__in=list(extra.values_list("pk", flat=True))).delete()
        term_index_invalidate()
        return
    if have == target:
        return
    categories = list(Category.values)
    new = []
    for i in range(have, target):
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        name = f"{word.capitalize()} {rng.choice(KINDS)}"
        new.append(
            Term(
                slug=f"bench-{i}",
                name=name,
                definition=f"A made-up {name.lower()} that fills the glossary for the bench.",
                category=rng.choice(categories),
            )
        )
    Term.objects.bulk_create(new, batch_size=2000)
    term_refresh_search_vectors(slugs=[t.slug for t in new])
    term_index_invalidate()


def glossary_curve(repeat: int) -> None:
    from django.core.cache import cache
    from django.db.models import Count
    from django.test import Client

    from glossary import selectors
    from glossary.models import Term

    rng = random.Random(12)
    client = Client()
    queries = ["convolution", "lstm", "dropout", "batch norm", "gradient descnt", "softmax"]
    print("\nGlossary (ms, median of each request; search uncached: its cached ranking deleted)")
    print(f"{'terms':>7} {'A-Z first':>10} {'A-Z busiest':>12} {'letter size':>12} {'search':>8}")
    for size in TERMS:
        _grow_glossary(size, rng)
        busiest = Term.objects.values_list("initial").annotate(n=Count("id")).order_by("-n").first()
        first = median_ms(get_ok(client, "/glossary/"), repeat)
        big = median_ms(get_ok(client, "/glossary/", letter=busiest[0]), repeat)
        turn = [0]

        def search(turn: list[int] = turn) -> object:
            turn[0] += 1
            query = queries[turn[0] % len(queries)]
            cache.delete(selectors._search_cache_key(query, 50))
            return get_ok(client, "/glossary/", q=query)()

        found = median_ms(search, repeat)
        total = Term.objects.count()
        print(f"{total:>7} {first:>10.1f} {big:>12.1f} {busiest[1]:>12} {found:>8.1f}")


# --- quiz statistics ---------------------------------------------------------------------------
ATTEMPTS_SQL = """
INSERT INTO quizzes_attempt (user_id, quiz_id, number, started_at, submitted_at, graded_at, state,
    marks, max_marks, score, needs_manual_grading)
SELECT (%(users)s::bigint[])[1 + g %% cardinality(%(users)s::bigint[])], %(quiz)s,
       1 + g / cardinality(%(users)s::bigint[]), now(), now(), now(), 'finished', 0, %(slots)s, 0, false
FROM generate_series(%(start)s, %(stop)s - 1) AS g
"""
# Marks from a hash of (attempt, slot) with a per-attempt ability, so that questions correlate
# with the total as real ones do; a third of a mark on some, as Moodle's fixtures have.
ITEMS_SQL = """
INSERT INTO quizzes_attemptquestion (attempt_id, question_id, "order", max_mark, choice_order,
    response, flagged, locked, tries, fraction, mark, feedback, needs_grading, grader_comment)
SELECT a.id, s.question_id, s."order", 1, '[]', NULL, false, true, 0, m.mark, m.mark, '', false, ''
FROM quizzes_attempt a JOIN quizzes_quizslot s ON s.quiz_id = a.quiz_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN (hashint8(a.id * 31 + s."order") & 1023) / 1023.0
                     < 0.3 + 0.5 * ((hashint8(a.id) & 255) / 255.0)
                THEN 1 ELSE (CASE WHEN s."order" %% 3 = 0 THEN 0.3333333 ELSE 0 END) END AS mark
) m
WHERE a.quiz_id = %(quiz)s AND a.id > %(after)s
"""


def _stats_quiz(slots: int):
    from quizzes.models import Question, Quiz, QuizSlot

    quiz, created = Quiz.objects.get_or_create(slug="bench-statistics", defaults={"title": "Bench"})
    if created:
        questions = Question.objects.filter(type__in=["single", "truefalse"]).order_by("pk")
        for order, question in enumerate(questions[:slots]):
            QuizSlot.objects.create(quiz=quiz, question=question, order=order)
    return quiz


def _bench_users(count: int) -> list[int]:
    from dlplatform.accounts.models import User

    have = list(User.objects.filter(username__startswith="scale").values_list("pk", flat=True))
    new = [User(username=f"scale{i}") for i in range(len(have), count)]
    for user in new:
        user.set_unusable_password()
    User.objects.bulk_create(new)
    return list(User.objects.filter(username__startswith="scale").values_list("pk", flat=True))


def _add_attempts(quiz, target: int, users: list[int]) -> int:
    from django.db import connection

    from quizzes.statistics.stored import statistics_changed

    have = quiz.attempts.count()
    if have >= target:
        return have
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM quizzes_attempt")
        (after,) = cursor.fetchone()
        params = {"users": users, "quiz": quiz.pk, "slots": quiz.slots.count()}
        cursor.execute(ATTEMPTS_SQL, {**params, "start": have, "stop": target})
        cursor.execute(ITEMS_SQL, {"quiz": quiz.pk, "after": after})
        from _stack import TOTALS_SQL

        cursor.execute(TOTALS_SQL, {"quiz": quiz.pk, "after": after})
    statistics_changed(quiz_id=quiz.pk, count=target - have)  # a bulk write bumps it itself
    return target


def stats_curve(repeat: int) -> None:
    from django.test import Client

    from dlplatform.accounts.models import User
    from quizzes.statistics.stored import statistics_refresh

    quiz = _stats_quiz(10)
    users = _bench_users(200)
    instructor = User.objects.filter(is_superuser=True, username="scale-admin").first()
    instructor = instructor or User.objects.create_superuser("scale-admin", "s@example.org", None)
    client = Client()
    client.force_login(instructor)
    url = f"/quizzes/{quiz.pk}/report/"
    print("\nQuiz statistics, 10 questions (ms; page = the report served from the stored result)")
    print(f"{'attempts':>9} {'recompute':>10} {'page':>8} {'page, stale':>12}")
    for size in ATTEMPTS:
        _add_attempts(quiz, size, users)
        start = time.perf_counter()
        statistics_refresh(quiz_id=quiz.pk, first_only=False)
        compute = (time.perf_counter() - start) * 1000
        page = median_ms(get_ok(client, url), repeat)
        # One more change: the page now serves the last result (and asks for a recompute)
        # unless the last run was cheap enough to repeat in the request.
        from quizzes.statistics.stored import statistics_changed

        statistics_changed(quiz_id=quiz.pk, count=0)
        stale = median_ms(get_ok(client, url), repeat) if compute > 250 else float("nan")
        print(f"{size:>9} {compute:>10.1f} {page:>8.1f} {stale:>12.1f}")


# --- the quiz-taking page ------------------------------------------------------------------------
def _quiz_with(questions: int):
    from quizzes.models import Question, Quiz, QuizSlot
    from quizzes.services import question_duplicate

    quiz, created = Quiz.objects.get_or_create(
        slug=f"bench-take-{questions}", defaults={"title": f"Bench {questions}"}
    )
    if created:
        bank = list(Question.objects.exclude(type="description").order_by("pk"))
        while len(bank) < questions:
            bank.append(question_duplicate(question=bank[len(bank) % len(bank)]))
        for order, question in enumerate(bank[:questions]):
            QuizSlot.objects.create(quiz=quiz, question=question, order=order)
    return quiz


def paired_ms(
    a: Callable[[], object], b: Callable[[], object], repeat: int
) -> list[tuple[float, float]]:
    """Medians of a and b measured in turns, so a busy spell of the machine hits both alike:
    (wall ms, this process's CPU ms) for each. The CPU time leaves out PostgreSQL's and Redis's
    share but hardly moves with the load of the machine."""
    a(), b()
    walls: tuple[list[float], list[float]] = ([], [])
    cpus: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for i, fn in enumerate((a, b)):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            walls[i].append((time.perf_counter() - wall) * 1000)
            cpus[i].append((time.process_time() - cpu) * 1000)
    return [(statistics.median(walls[i]), statistics.median(cpus[i])) for i in (0, 1)]


def quiz_page_curve(repeat: int) -> None:
    from django.test import Client
    from django.utils import timezone

    from dlplatform.accounts.models import User
    from quizzes.services import attempt_start

    user, _ = User.objects.get_or_create(username="scale-taker")
    client = Client()
    client.force_login(user)
    print("\nQuiz-taking page (ms) against the signed-in floor (home page, same client, in turns)")
    print(f"{'':>9} {'---- wall ms ----':>26} {'---- web CPU ms ----':>26}")
    print(
        f"{'questions':>9} {'page':>8} {'floor':>8} {'x floor':>8} {'page':>8} {'floor':>8} {'x floor':>8}"
    )
    for size in QUESTIONS:
        quiz = _quiz_with(size)
        attempt = quiz.attempts.filter(user=user, state="in_progress").first()
        attempt = attempt or attempt_start(quiz=quiz, user=user, now=timezone.now())
        page_url = f"/quizzes/attempt/{attempt.pk}/"
        (page, page_cpu), (floor, floor_cpu) = paired_ms(
            get_ok(client, page_url), get_ok(client, "/"), repeat
        )
        print(
            f"{size:>9} {page:>8.1f} {floor:>8.1f} {page / floor:>8.2f} "
            f"{page_cpu:>8.1f} {floor_cpu:>8.1f} {page_cpu / floor_cpu:>8.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", default="glossary,stats,quiz")
    args = parser.parse_args()
    from _stack import in_process_course

    in_process_course(DB_NAME, 12)
    print(f"{os.cpu_count()} CPU cores; {args.repeat} requests per figure after one warm-up")
    parts = {"glossary": glossary_curve, "stats": stats_curve, "quiz": quiz_page_curve}
    for name in args.only.split(","):
        parts[name](args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
