#!/usr/bin/env python
"""Web load benchmark: 50 concurrent users against the main pages, each compared to a minimal view.

gunicorn with production settings on loopback, real PostgreSQL and Redis, the content loaded; the
load generator is wrk (Debian package `wrk`). Prints requests/s and p50/p99 latency per target and
each page's cost relative to the minimal "ok" view (cost = ok_rps / page_rps).

    .venv/bin/python bench/web.py [--users 50] [--seconds 10] [--workers 4]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import ensure_database, gunicorn, prepare, production_env, run_script  # noqa: E402

SETUP = r"""
import json, secrets
from django.test import Client
from dlplatform.accounts.models import User
from dlplatform.accounts.services import user_create
from bench_targets import quiz_targets
user = User.objects.filter(username='bench').first() or user_create(username='bench', password='bench-pass-123')
client = Client(); client.force_login(user)
token = secrets.token_hex(16)
targets = quiz_targets(user)
print(json.dumps({'session': client.cookies['sessionid'].value, 'csrf': token, **targets}))
"""

LUA_POST = """
wrk.method = "POST"
wrk.body = [[{body}]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "sessionid={session}; csrftoken={csrf}"
wrk.headers["X-CSRFToken"] = "{csrf}"
"""
LUA_GET = """
wrk.headers["Cookie"] = "sessionid={session}; csrftoken={csrf}"
"""


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, script: str, users: int, seconds: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(users),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            f.name,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    ensure_database("dlplatform_bench")
    env = production_env("dlplatform_bench")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent)
    prepare(env)
    ctx = run_script(env, SETUP)
    get = LUA_GET.format(**ctx)
    targets = [
        ("minimal view /ok", "/ok", get),
        ("home page (signed in)", "/", get),  # the floor: session, user, the shared header
        ("glossary search", "/glossary/?q=convolution", get),
        ("glossary search API", "/api/glossary/terms/?search=lstm", get),
        ("lesson section 7.8", "/learn/7.8/", get),
        ("quiz-taking page", ctx["attempt_url"], get),
        ("answer-save API", ctx["save_url"], LUA_POST.format(body=ctx["save_body"], **ctx)),
    ]
    print(
        f"{args.users} concurrent users, {args.seconds} s per target, gunicorn -w {args.workers}, "
        f"{os.cpu_count()} CPU cores"
    )
    with gunicorn(env, args.workers) as base:
        for _name, path, script in targets:  # warm every worker and cache; not measured
            run_wrk(base + path, script, args.users, 2)
        results = [
            (name, run_wrk(base + path, script, args.users, args.seconds))
            for name, path, script in targets
        ]
    ok_rps = results[0][1]["rps"]
    print(
        f"{'target':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'cost x ok':>10} {'non-2xx':>8}"
    )
    for name, r in results:
        print(
            f"{name:<22} {r['rps']:>9.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{ok_rps / r['rps'] if r['rps'] else float('inf'):>10.2f} {r['errors']:>8}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
