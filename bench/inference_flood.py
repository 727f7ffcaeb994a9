#!/usr/bin/env python
"""Try-it flood: one student floods predict-digit, another student's ordinary page must not slow.

gunicorn with production settings (bench/_stack.py), PostgreSQL, Redis and a real worker on the
training and inference queues (bench/jobs.py's), the production try-it limits. The attacker has
one trained CNN; the victim loads their playground page (/playground/) one request after another.

1. unloaded: the victim alone, --seconds long.
2. burst: 80 predict-digit requests from the attacker, 40 at once, each accepted ticket polled
   every 100 ms as the page does, while the victim keeps loading the page.
3. sustained: 40 attacker connections sending predict-digit back to back (ignoring Retry-After)
   for --seconds, while the victim keeps loading the page.

Prints the victim's p50/p99 in each phase and its ratio to unloaded (the aim: p50 within 2x),
the attacker's answers by status, and the inference queue's length afterwards.

    BENCH_BROKER_URL=redis://127.0.0.1:6379/3 BENCH_REDIS_URL=redis://127.0.0.1:6379/11 \
        .venv/bin/python bench/inference_flood.py [--seconds 10] [--workers 4]
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import ROOT, ensure_database, gunicorn, manage, production_env, run_script  # noqa: E402
from jobs import SHARED_MNIST, start_worker  # noqa: E402

# The bench/web.py way of signing users in: a session made with force_login, its cookie reused.
SETUP = r"""
import json, os, secrets, time
from django.test import Client
from dlplatform.accounts.models import User
from dlplatform.accounts.services import user_create
from playground.models import Job
from playground.services import job_submit
from playground.training.config import CnnConfig
out = {"csrf": secrets.token_hex(16)}
for name in ("flood-attacker", "flood-victim"):
    user = User.objects.filter(username=name).first() or user_create(username=name, password=secrets.token_hex(16))
    client = Client(); client.force_login(user)
    out[name] = {"session": client.cookies["sessionid"].value}
attacker = User.objects.get(username="flood-attacker")
job = Job.objects.filter(user=attacker, status="succeeded").first()
if job is None or not os.path.exists(job.weights):  # weights of an earlier run are gone
    Job.objects.filter(user=attacker).delete()
    job = job_submit(user=attacker, kind="cnn", config={**CnnConfig().to_dict(), "epochs": 1, "train_subset": 1000})
    deadline = time.monotonic() + 300
    while job.status not in Job.FINISHED and time.monotonic() < deadline:
        time.sleep(0.5); job.refresh_from_db()
assert job.status == "succeeded", job.failure_reason
out["job"] = job.pk
print(json.dumps(out))
"""
PIXELS = json.dumps(
    {"pixels": [[1.0 if 6 <= r < 22 and c == 14 else 0.0 for c in range(28)] for r in range(28)]}
)


class Attacker:
    """Connections of the flooding student; counts every answer by status."""

    def __init__(self, base: str, ctx: dict) -> None:
        self.host, port = base.removeprefix("http://").split(":")
        self.port = int(port)
        self.url = f"/api/playground/jobs/{ctx['job']}/predict-digit/"
        self.headers = {
            "Cookie": f"sessionid={ctx['flood-attacker']['session']}; csrftoken={ctx['csrf']}",
            "X-CSRFToken": ctx["csrf"],
            "Content-Type": "application/json",
        }
        self.codes: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    def _send(
        self, conn: http.client.HTTPConnection, method: str, url: str, body=None
    ) -> tuple[int, dict]:
        conn.request(method, url, body=body, headers=self.headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, json.loads(data) if data else {}

    def _count(self, key: str) -> None:
        with self.lock:
            self.codes[key] += 1

    def one(self, conn: http.client.HTTPConnection, poll: bool) -> None:
        status, body = self._send(conn, "POST", self.url, PIXELS)
        self._count(f"POST {status}")
        if status != 202 or not poll:
            return
        while True:  # poll the ticket as job.js does
            time.sleep(0.1)
            status, answer = self._send(conn, "GET", body["url"])
            if status != 202:
                why = "" if status == 200 else f" ({answer.get('detail', '')[:50]})"
                self._count(f"ticket {status}{why}")
                return

    def burst(self, total: int, concurrent: int) -> None:
        per = [total // concurrent + (i < total % concurrent) for i in range(concurrent)]

        def run(n: int) -> None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            for _ in range(n):
                self.one(conn, poll=True)
            conn.close()

        self._threads([threading.Thread(target=run, args=(n,)) for n in per])

    def sustained(self, concurrent: int, seconds: float) -> None:
        stop = time.monotonic() + seconds

        def run() -> None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            while time.monotonic() < stop:
                self.one(conn, poll=False)
            conn.close()

        self._threads([threading.Thread(target=run) for _ in range(concurrent)])

    @staticmethod
    def _threads(threads: list[threading.Thread]) -> None:
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def _attack(base: str, ctx: dict, mode: str, n: int, concurrent: int, seconds: float, out) -> None:
    """The attacker's process: its own interpreter, so its threads never hold the victim's GIL."""
    attacker, started = Attacker(base, ctx), time.monotonic()
    if mode == "burst":
        attacker.burst(n, concurrent)
    else:
        attacker.sustained(concurrent, seconds)
    out.put((dict(attacker.codes), time.monotonic() - started))


def victim_during(base: str, ctx: dict, seconds: float, load: tuple | None = None) -> dict:
    """The victim's page latency, one request after another (50 ms apart) on a keep-alive
    connection: for `seconds`, or while the attacker process `load` runs (at least 1 s)."""
    host, port = base.removeprefix("http://").split(":")
    headers = {"Cookie": f"sessionid={ctx['flood-victim']['session']}"}
    thread, out = None, None
    if load:
        mp = multiprocessing.get_context("fork")
        out = mp.Queue()
        thread = mp.Process(target=_attack, args=(base, ctx, *load, out))
        thread.start()
    started, times, errors = time.monotonic(), [], 0
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    while True:
        elapsed = time.monotonic() - started
        if (thread is None and elapsed >= seconds) or (
            thread is not None and not thread.is_alive() and elapsed >= 1
        ):
            break
        t0 = time.perf_counter()
        conn.request("GET", "/playground/", headers=headers)
        resp = conn.getresponse()
        resp.read()
        times.append(1000 * (time.perf_counter() - t0))
        errors += resp.status != 200
        time.sleep(0.05)
    conn.close()
    codes, took = out.get(timeout=120) if out else ({}, 0.0)
    if thread:
        thread.join()
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    return {
        "p50": pick(0.5),
        "p99": pick(0.99),
        "max": times[-1],
        "n": len(times),
        "errors": errors,
        "codes": codes,
        "took": took,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--requests", type=int, default=80)
    parser.add_argument("--concurrent", type=int, default=40)
    args = parser.parse_args()
    ensure_database("dlp_bench_flood")
    env = production_env("dlp_bench_flood")
    with tempfile.TemporaryDirectory() as tmp:
        env.update(PLAYGROUND_DATA_DIR=tmp, TORCH_THREADS="1", PYTHONPATH=str(ROOT))
        manage(env, "migrate", "--noinput")
        manage(env, "playground_data", "install", "--from", str(SHARED_MNIST))
        worker = start_worker(env, Path(tmp) / "worker.log")
        try:
            ctx = run_script(env, SETUP)
            report = flood(env, ctx, args)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    print(report)
    return 0


def flood(env: dict[str, str], ctx: dict, args: argparse.Namespace) -> str:
    import redis

    broker = redis.Redis.from_url(env["CELERY_BROKER_URL"])
    with gunicorn(env, args.workers) as base:
        victim_during(base, ctx, 2)  # warm every gunicorn worker; not measured
        quiet = victim_during(base, ctx, args.seconds)
        load = (args.requests, args.concurrent, args.seconds)
        burst = victim_during(base, ctx, args.seconds, ("burst", *load))
        sustained = victim_during(base, ctx, args.seconds, ("sustained", *load))
        queued = broker.llen("inference")
    lines = [
        f"gunicorn -w {args.workers} (gthread), {os.cpu_count()} CPU cores, worker -c 2; "
        f"victim: GET /playground/ back to back (50 ms think) for {args.seconds} s per phase",
        f"{'phase':<34} {'pages':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'p50 x quiet':>12}"
        f" {'non-200':>8}",
    ]
    for name, r in (
        ("unloaded", quiet),
        (f"burst: {args.requests} requests, {args.concurrent} at once", burst),
        (f"sustained: {args.concurrent} connections", sustained),
    ):
        lines.append(
            f"{name:<34} {r['n']:>6} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['max']:>8.1f} "
            f"{r['p50'] / quiet['p50']:>12.2f} {r['errors']:>8}"
        )
    lines.append(f"attacker, burst ({burst['took']:.1f} s): {burst['codes']}")
    lines.append(f"attacker, sustained ({sustained['took']:.1f} s): {sustained['codes']}")
    lines.append(f"inference messages left in the queue afterwards: {queued}")
    return "\n".join(lines)


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
