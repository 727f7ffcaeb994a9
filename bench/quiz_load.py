#!/usr/bin/env python
"""Quiz load: N students start the same quiz, save every answer and submit, all at once.

gunicorn with production settings on loopback, real PostgreSQL and Redis, the content loaded.
Every student also submits a second time, concurrently with the first, to prove a double submit
grades once. Prints throughput and latency, then checks the database: every acknowledged answer is
stored, and every attempt is graded exactly once with a score equal to the sum of its marks.
Exits non-zero if anything was lost.

    .venv/bin/python bench/quiz_load.py [--students 200] [--workers 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import ensure_database, gunicorn, prepare, production_env, run_script  # noqa: E402

SETUP = r"""
import json, secrets
from django.test import Client
from dlplatform.accounts.models import User
from quizzes.models import Attempt
from bench_targets import bench_quiz
quiz = bench_quiz()
Attempt.objects.filter(quiz=quiz, user__username__startswith='load-').delete()
User.objects.filter(username__startswith='load-').delete()
users = User.objects.bulk_create([User(username=f'load-{i:04d}') for i in range({n})])
sessions = []
for user in users:
    c = Client(); c.force_login(user); sessions.append(c.cookies['sessionid'].value)
print(json.dumps({'quiz': quiz.pk, 'sessions': sessions}))
"""

CHECK = r"""
import json
from decimal import Decimal
from django.db.models import Count, Q, Sum
from quizzes.models import Attempt, AttemptQuestion
attempts = Attempt.objects.filter(user__username__startswith='load-')
per_user = attempts.values('user').annotate(n=Count('id'))
items = AttemptQuestion.objects.filter(attempt__in=attempts)
bad_scores = 0
for a in attempts.annotate(total=Sum('items__mark')):
    if a.marks is None or a.total is None or abs(Decimal(a.marks) - Decimal(a.total)) > Decimal('0.001'):
        bad_scores += 1
print(json.dumps({
    'attempts': attempts.count(),
    'users_with_more_than_one': sum(1 for row in per_user if row['n'] != 1),
    'graded': attempts.filter(graded_at__isnull=False, state='finished').count(),
    'answers_stored': items.filter(response__isnull=False).count(),
    'bad_scores': bad_scores,
}))
"""


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {"start": [], "save": [], "submit": []}
    )
    saved: int = 0
    errors: list[str] = field(default_factory=list)
    mismatched_double_submits: int = 0


def response_for(item: dict[str, Any]) -> Any:
    """A well-formed answer built only from what the API shows a student."""
    kind = item["type"]
    if kind in {"single", "truefalse"}:
        return item["options"][0]["id"]
    if kind == "multi":
        return [item["options"][0]["id"]]
    if kind == "ordering":
        return [o["id"] for o in item["ordering"]]
    if kind == "matching":
        return {str(left["id"]): item["right_options"][0]["id"] for left in item["left"]}
    if kind == "numerical":
        return "1"
    if kind in {"short", "essay"}:
        return "an answer"
    return None


def _timed(tally: Tally, what: str, call, *args, **kwargs) -> requests.Response:
    began = time.perf_counter()
    response = call(*args, **kwargs)
    tally.latencies[what].append((time.perf_counter() - began) * 1000)
    if response.status_code >= 400:
        tally.errors.append(f"{what}: {response.status_code} {response.text[:200]}")
    return response


def one_student(base: str, quiz: int, session: str, tally: Tally) -> None:
    s = requests.Session()
    s.cookies.set("sessionid", session)
    s.cookies.set("csrftoken", "c" * 32)
    s.headers.update({"X-CSRFToken": "c" * 32, "Referer": base + "/"})
    attempt = _timed(tally, "start", s.post, f"{base}/api/quizzes/quizzes/{quiz}/start/").json()
    for item in attempt["items"]:
        answer = response_for(item)
        if answer is None:
            continue
        body = {"question_id": item["question_id"], "response": answer}
        if (
            _timed(
                tally,
                "save",
                s.post,
                f"{base}/api/quizzes/attempts/{attempt['id']}/answer/",
                json=body,
            ).status_code
            == 200
        ):
            tally.saved += 1
    url = f"{base}/api/quizzes/attempts/{attempt['id']}/submit/"
    with ThreadPoolExecutor(2) as pool:  # the same student clicks Submit twice
        first, second = pool.map(lambda _: _timed(tally, "submit", s.post, url), range(2))
    if first.json().get("marks") != second.json().get("marks"):
        tally.mismatched_double_submits += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(tally: Tally, students: int, seconds: float) -> None:
    total = sum(len(v) for v in tally.latencies.values())
    print(
        f"{students} students, {total} requests in {seconds:.1f} s: {total / seconds:.0f} req/s, "
        f"{students / seconds:.1f} completed attempts/s"
    )
    print(f"{'request':<8} {'count':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for what, values in tally.latencies.items():
        print(
            f"{what:<8} {len(values):>6} {statistics.median(values):>8.1f} "
            f"{percentile(values, 0.99):>8.1f} {max(values):>8.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    args = parser.parse_args()
    ensure_database("dlplatform_bench")
    env = production_env("dlplatform_bench")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent)
    prepare(env)
    ctx = run_script(env, SETUP.replace("{n}", str(args.students)))
    tally = Tally()
    with gunicorn(env, args.workers) as base:
        began = time.perf_counter()
        with ThreadPoolExecutor(args.students) as pool:
            list(pool.map(lambda s: one_student(base, ctx["quiz"], s, tally), ctx["sessions"]))
        seconds = time.perf_counter() - began
    report(tally, args.students, seconds)
    db = run_script(env, CHECK)
    print(f"database: {db}")
    lost = {
        "HTTP errors": len(tally.errors),
        "attempts missing": args.students - db["attempts"],
        "students with extra attempts": db["users_with_more_than_one"],
        "attempts not graded": db["attempts"] - db["graded"],
        "acknowledged answers not stored": tally.saved - db["answers_stored"],
        "scores not equal to their marks": db["bad_scores"],
        "double submits with different results": tally.mismatched_double_submits,
    }
    for what, count in lost.items():
        print(f"{what:<40} {count}")
    for line in tally.errors[:10]:
        print("  ", line)
    return 0 if not any(lost.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
