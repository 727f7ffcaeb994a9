#!/usr/bin/env python
"""Web load benchmark: 50 concurrent users against the main pages, each compared to a minimal view.

gunicorn with production settings on loopback, real PostgreSQL and Redis, the content loaded; the
load generator is wrk (Debian package `wrk`). Two passes over the same targets:

1. capacity: 50 connections that send the next request as soon as the last one is answered. Prints
   requests/s per target and each page's cost as a ratio to the minimal "ok" view (ok_rps / rps)
   and to the cheapest signed-in page (the home page: session, user and the shared header only).
   Latency here is mostly time spent queueing behind the other 49 connections.
2. latency: 50 users who each wait --think seconds (0.5x to 1.5x, at random) between requests,
   about 50 requests/s offered in all: p50/p99/max latency per target. This pass is a Python
   client (a thread per user, each with its own keep-alive connection): wrk's delay() added up
   to a second to about 2 % of its requests even against the "ok" view, which this client does
   not see.

    .venv/bin/python bench/web.py [--users 50] [--seconds 10] [--workers 4] [--think 1.0]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import ensure_database, gunicorn, prepare, production_env, run_script  # noqa: E402

SETUP = r"""
import json, secrets
from django.test import Client
from dlplatform.accounts.models import User
from dlplatform.accounts.services import user_create
from bench_targets import quiz_targets
users = []
for n in range(USERS):
    name = f"bench{n}"
    user = User.objects.filter(username=name).first() or user_create(username=name, password=secrets.token_hex(16))
    client = Client(); client.force_login(user)
    users.append({"session": client.cookies["sessionid"].value, **quiz_targets(user)})
print(json.dumps({"csrf": secrets.token_hex(16), "users": users}))
"""

# Each request goes out as the next of the signed-in users (their own session and attempt), so
# that no two connections share a session or an attempt's row lock the way one user never would.
LUA_USERS = """
local csrf = "{csrf}"
local users = {{
{rows}
}}
local i = math.random(#users)
request = function()
  i = i % #users + 1
  local u = users[i]
  local headers = {{["Cookie"] = "sessionid=" .. u.session .. "; csrftoken=" .. csrf,
                   ["X-CSRFToken"] = csrf, ["Content-Type"] = "application/json"}}
  if "{method}" == "POST" then
    return wrk.format("POST", u.save_url, headers, u.save_body)
  end
  return wrk.format("GET", u.{path_key} or "{path}", headers)
end
"""


def users_script(ctx: dict, *, method: str = "GET", path: str = "", path_key: str = "none") -> str:
    rows = ",\n".join(
        "{{session=[[{session}]], attempt_url=[[{attempt_url}]], save_url=[[{save_url}]],"
        " save_body=[[{save_body}]]}}".format(**u)
        for u in ctx["users"]
    )
    return LUA_USERS.format(
        csrf=ctx["csrf"], rows=rows, method=method, path=path, path_key=path_key
    )


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
    peak = _ms(re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+\w+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    return {"rps": rps, "p50": p50, "p99": p99, "max": peak, "errors": errors}


def run_users(
    base: str,
    ctx: dict,
    one: Callable[[dict], tuple[str, str, str | None]],
    seconds: int,
    think: float,
) -> dict[str, float]:
    """Each user: think (0.5x to 1.5x `think` s), send one request, wait for all of it; repeat."""
    host, port = base.removeprefix("http://").split(":")
    times: list[float] = []
    failed: list[int] = []  # statuses of 4xx/5xx answers
    stop = time.monotonic() + seconds

    def user(u: dict) -> None:
        rng = random.Random(u["session"])
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {
            "Cookie": f"sessionid={u['session']}; csrftoken={ctx['csrf']}",
            "X-CSRFToken": ctx["csrf"],
            "Content-Type": "application/json",
        }
        while True:
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
            if time.monotonic() >= stop:
                break
            method, path, body = one(u)
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                failed.append(response.status)
            if response.will_close:
                conn.close()
        conn.close()

    threads = [threading.Thread(target=user, args=(u,)) for u in ctx["users"]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]  # noqa: E731
    return {
        "rps": len(times) / seconds,
        "p50": pick(0.5),
        "p99": pick(0.99),
        "max": times[-1],
        "errors": len(failed),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--latency-seconds", type=int, default=20)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    ensure_database("dlplatform_bench")
    env = production_env("dlplatform_bench")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent)
    prepare(env)
    ctx = run_script(env, SETUP.replace("USERS", str(args.users)))
    search = "/glossary/?q=convolution"
    api = "/api/glossary/terms/?search=lstm"
    targets = [  # name, its wrk script, and what one user sends for the latency pass
        ("minimal view /ok", "", lambda u: ("GET", "/ok", None)),
        # The floor of a signed-in page: session, user and the shared header, no query of its own.
        ("home page (signed in)", users_script(ctx, path="/"), lambda u: ("GET", "/", None)),
        ("glossary search", users_script(ctx, path=search), lambda u: ("GET", search, None)),
        ("glossary search API", users_script(ctx, path=api), lambda u: ("GET", api, None)),
        (
            "lesson section 7.8",
            users_script(ctx, path="/learn/7.8/"),
            lambda u: ("GET", "/learn/7.8/", None),
        ),
        (
            "quiz-taking page",
            users_script(ctx, path_key="attempt_url"),
            lambda u: ("GET", u["attempt_url"], None),
        ),
        (
            "answer-save API",
            users_script(ctx, method="POST"),
            lambda u: ("POST", u["save_url"], u["save_body"]),
        ),
    ]
    print(
        f"{args.users} concurrent users, gunicorn -w {args.workers}, {os.cpu_count()} CPU cores; "
        f"capacity {args.seconds} s and latency {args.latency_seconds} s per target"
    )
    with gunicorn(env, args.workers) as base:
        for _name, script, _one in targets:  # warm every worker and cache; not measured
            run_wrk(base + "/", script, args.users, 2)
        capacity = [
            (name, run_wrk(base + "/ok", script, args.users, args.seconds))
            for name, script, _one in targets
        ]
        latency = [
            (name, run_users(base, ctx, one, args.latency_seconds, args.think))
            for name, _script, one in targets
        ]
    print_capacity(capacity)
    print(
        f"\nLatency: {args.users} users, each thinking {args.think:g} s on average between requests"
    )
    print(f"{'target':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'non-2xx':>8}")
    for name, r in latency:
        print(
            f"{name:<22} {r['rps']:>9.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['max']:>8.1f} "
            f"{r['errors']:>8}"
        )
    return 0


def print_capacity(results: list[tuple[str, dict[str, float]]]) -> None:
    ok_rps, floor_rps = results[0][1]["rps"], results[1][1]["rps"]
    print("\nCapacity: no think time (p50/p99 here are mostly queueing)")
    header = f"{'target':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x ok':>7} {'x home':>7}"
    print(f"{header} {'non-2xx':>8}")
    for name, r in results:
        rps = r["rps"] or float("nan")
        print(
            f"{name:<22} {r['rps']:>9.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} "
            f"{ok_rps / rps:>7.2f} {floor_rps / rps:>7.2f} {r['errors']:>8}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
