#!/usr/bin/env python
"""Admin pages as the demo instructor sees them: every changelist, add form and change form.

A database the size of a running course: the bundled content (`load_content`), --students
students who each finished two attempts of every published quiz, reviewed a deck's cards and
read every section, and a few hundred training jobs with their curves. Requests go through
Django's whole stack in this process (test client, all middleware, the production settings,
PostgreSQL and Redis), one at a time, signed in as the demo instructor through the login form's
session (`create_demo_users`). Each figure is the median of --repeat requests after a warm-up,
with the number of SQL queries of one request. Pages over 500 ms are marked. Its own database
(dlp_bench_admin) and Redis database 13 (BENCH_REDIS_URL to change it).

    .venv/bin/python bench/admin.py [--repeat 5] [--students 300] [--only quizzes,flashcards]
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DB_NAME = "dlp_bench_admin"
BUDGET_MS = 500.0


# --- a course in use ----------------------------------------------------------------------------
def _grow(students: int) -> None:
    """Students, their attempts, reviews, reads and training jobs; idempotent (by count)."""
    from scale import _add_attempts, _bench_users

    from quizzes.models import Quiz

    users = _bench_users(students)
    for quiz in Quiz.objects.filter(is_published=True).exclude(slug="bench-statistics"):
        if quiz.slots.exists():
            _add_attempts(quiz, 2 * students, users)
    _reviews(users)
    _reads(users)
    _jobs(users)


def _reviews(users: list[int]) -> None:
    from django.utils import timezone

    from flashcards.models import Card, ReviewLog, ReviewState

    if ReviewState.objects.exists():
        return
    now = timezone.now()
    cards = list(Card.objects.order_by("pk").values_list("pk", flat=True)[:40])
    states = [
        ReviewState(user_id=u, card_id=c, fsrs_card={}, due=now, reps=2)
        for u in users
        for c in cards
    ]
    ReviewState.objects.bulk_create(states, batch_size=5000)
    logs = [
        ReviewLog(
            user_id=u, card_id=c, rating=3, reviewed_at=now, review_duration_ms=4000, due_after=now
        )
        for u in users
        for c in cards
    ]
    ReviewLog.objects.bulk_create(logs, batch_size=5000)


def _reads(users: list[int]) -> None:
    from django.utils import timezone

    from lessons.models import Section, SectionRead

    if SectionRead.objects.exists():
        return
    sections = list(Section.objects.values_list("pk", flat=True))
    now = timezone.now()
    rows = [SectionRead(user_id=u, section_id=s, read_at=now) for u in users for s in sections]
    SectionRead.objects.bulk_create(rows, batch_size=5000)


def _jobs(users: list[int], count: int = 400) -> None:
    """Finished runs as the worker leaves them: a bounded history and a results report with its
    misclassified images (24 of 28x28 values), the largest rows of the admin."""
    from playground.models import Job

    if Job.objects.exists():
        return
    config = {"blocks": [{"type": "conv", "channels": 8, "kernel": 3}], "epochs": 2}
    history = {
        "train": [
            {"seq": i, "step": i, "loss": round(2 / i, 4), "acc": 0.9} for i in range(1, 301)
        ],
        "val": [{"seq": 300 + i, "step": 150 * i, "val_loss": 0.3, "val_acc": 0.9} for i in (1, 2)],
    }
    digit = [[round((x * y) % 7 / 7, 3) for x in range(28)] for y in range(28)]
    results = {
        "params": 12345,
        "test_accuracy": 0.97,
        "per_class": [0.97] * 10,
        "confusion": [[97 if i == j else 1 for j in range(10)] for i in range(10)],
        "misclassified": [{"pixels": digit, "label": 3, "pred": 5} for _ in range(24)],
    }
    Job.objects.bulk_create(
        [
            Job(
                user_id=users[i % len(users)],
                kind="cnn",
                config=config,
                status="succeeded",
                history=history,
                results=results,
            )
            for i in range(count)
        ],
        batch_size=100,
    )


# --- the pages ----------------------------------------------------------------------------------
def admin_pages(only: set[str] | None) -> list[tuple[str, str]]:
    """(name, url) of every registered model's changelist, add form and one change form."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    pages = []
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda kv: kv[0]._meta.label
    ):
        meta = model._meta
        if only and meta.app_label not in only:
            continue
        name = f"{meta.app_label}.{meta.model_name}"
        pages.append(
            (f"{name} list", reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        )
        pages.append((f"{name} add", reverse(f"admin:{meta.app_label}_{meta.model_name}_add")))
        # The change form of the row with the most to show: the latest (content grows at the end).
        last = (
            model_admin.get_queryset(_request())
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if last is not None:
            try:
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[last])
            except NoReverseMatch:
                continue
            pages.append((f"{name} change", url))
    return pages


def _request():
    from django.test import RequestFactory

    from dlplatform.accounts.models import User

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="instructor")
    return request


def measure(client, url: str, repeat: int) -> tuple[int, float, float, list[str]]:
    """(status, median ms, median CPU ms of this process, the SQL of one request). On a busy
    machine the wall time waits for the CPU too: the CPU time is the page's own cost."""
    from django.db import connection

    queries: list[str] = []

    def count(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        status = client.get(url).status_code
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return status, statistics.median(times), statistics.median(cpu), queries


def repeated(queries: list[str], top: int = 3) -> list[str]:
    """The statements run most often in one request, numbers blanked: an N+1 shows here."""
    shapes = Counter(re.sub(r"\b\d+\b", "N", sql)[:160] for sql in queries)
    return [f"{n:>5} x {sql}" for sql, n in shapes.most_common(top) if n > 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--explain", action="store_true", help="the most repeated SQL per page")
    parser.add_argument("--only", default="", help="app labels, comma-separated (default: all)")
    args = parser.parse_args()
    from _stack import in_process_course

    in_process_course(DB_NAME, 13, DEMO_USERS="1")
    from django.core.management import call_command
    from django.test import Client

    quiet = open(os.devnull, "w")  # noqa: SIM115
    call_command("create_demo_users", stdout=quiet)
    _grow(args.students)
    from dlplatform.accounts.models import User

    instructor = User.objects.get(username="instructor")
    if not (instructor.check_password("demo-instructor-pass") and instructor.is_instructor):
        raise SystemExit("the demo instructor is not as create_demo_users makes it")
    client = Client()
    client.force_login(instructor)  # the login form's throttle (axes) wants a real request
    only = set(filter(None, args.only.split(","))) or None
    print(f"{os.cpu_count()} CPU cores; median of {args.repeat} requests after one warm-up")
    print(f"{'page':<36} {'status':>6} {'ms':>8} {'cpu ms':>8} {'queries':>8}")
    slow = 0
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the 403s below are expected
    for name, url in admin_pages(only):
        status, ms, cpu, queries = measure(client, url, args.repeat)
        if status == 403:
            print(f"{name:<36} {status:>6}  (not for instructors)")
            continue
        mark = "  << over 500 ms" if ms > BUDGET_MS else ""
        slow += ms > BUDGET_MS
        print(f"{name:<36} {status:>6} {ms:>8.1f} {cpu:>8.1f} {len(queries):>8}{mark}")
        if args.explain and repeated(queries):
            print("\n".join(repeated(queries)))
    print(f"{slow} page(s) over {BUDGET_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
