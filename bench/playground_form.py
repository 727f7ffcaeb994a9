#!/usr/bin/env python
"""The new-run form as a student meets it: the live estimate and "Start training" (issue 17).

Production settings, real PostgreSQL and Redis, each figure measured in a fresh Django process
through the whole middleware stack (Django's test client, no network hop):

- estimate, cold: the first estimate request of a new web process (what a student waits for
  after a deploy or a worker recycle), for a CNN and a text form;
- estimate, warm: p50/p90 over --n requests afterwards;
- submit: POST of the form until the redirect to the run page is answered, then the run page
  itself (submit -> page), one per fresh user so the per-user limits never refuse one.

Targets (on a quiet machine): estimate < 200 ms, submit -> redirect < 500 ms.

    .venv/bin/python bench/playground_form.py [--n 20]
    BENCH_BROKER_URL=redis://127.0.0.1:6390/6 BENCH_REDIS_URL=redis://127.0.0.1:6390/14 ...
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import ROOT, ensure_database, manage, production_env, run_script  # noqa: E402

DB = "bench_playground_form"

CODE = r"""
import json, re, secrets, time
from django.test import Client
from django.urls import reverse
from dlplatform.accounts.services import user_create
from playground import datasets
from playground.models import Job
from playground.training.config import CNN_PRESETS

N = __N__
TEXT = {"kind": "text", "cell": "lstm", "embedding": "32", "hidden": "128", "layers": "1",
        "dropout": "0", "seq_len": "64", "batch_size": "32", "clip": "1.0", "optimizer": "adam",
        "lr": "0.003", "epochs": "1", "seed": "0", "max_steps": "200", "corpus": "platform",
        "text": "", "title": ""}
CNN = {"kind": "cnn", "preset": "default", "blocks": json.dumps(CNN_PRESETS["default"]),
       "dataset": "mnist10k", "optimizer": "adam", "lr": "0.001", "schedule": "none",
       "batch_size": "64", "epochs": "1", "init": "default", "seed": "0", "max_steps": "0",
       "train_subset": "", "title": ""}

def client():
    user = user_create(username="pf" + secrets.token_hex(5), password=secrets.token_hex(16))
    c = Client(HTTP_HOST="127.0.0.1"); c.force_login(user); return c

def ms(t0): return 1000 * (time.perf_counter() - t0)

out = {"mnist10k": "mnist10k" in datasets.available()}
c = client()
est = reverse("playground:estimate")
for kind, form in (("text", TEXT), ("cnn", CNN)):
    t0 = time.perf_counter(); r = c.post(est, form); out[f"estimate_{kind}_cold_ms"] = ms(t0)
    assert r.status_code == 200 and r.json()["estimate"], r.content[:300]
    times = []
    for _ in range(N):
        t0 = time.perf_counter(); c.post(est, form); times.append(ms(t0))
    times.sort()
    out[f"estimate_{kind}_p50_ms"] = times[len(times) // 2]
    out[f"estimate_{kind}_p90_ms"] = times[min(len(times) - 1, int(0.9 * len(times)))]
for kind, form in (("text", TEXT), ("cnn", CNN)):
    if kind == "cnn" and not out["mnist10k"]:
        continue
    redirects, pages = [], []
    for _ in range(max(3, N // 4)):
        u = client()
        t0 = time.perf_counter(); r = u.post(reverse("playground:new"), form)
        redirects.append(ms(t0))
        assert r.status_code == 302, r.content[:500]
        t0 = time.perf_counter(); assert u.get(r["Location"]).status_code == 200; pages.append(ms(t0))
    out[f"submit_{kind}_first_ms"] = redirects[0]
    out[f"submit_{kind}_median_ms"] = sorted(redirects)[len(redirects) // 2]
    out[f"run_page_{kind}_median_ms"] = sorted(pages)[len(pages) // 2]
Job.objects.filter(status="queued").update(status="cancelled")  # no worker will take them
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="warm estimate requests per kind")
    args = parser.parse_args()
    ensure_database(DB)
    env = production_env(DB)
    # The shared MNIST files (read only: the form checks them, no worker trains here).
    env.setdefault("PLAYGROUND_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    manage(env, "migrate", "--noinput")
    figures = run_script(env, CODE.replace("__N__", str(args.n)))
    for key, value in figures.items():
        print(f"{key:28} {value:8.1f}" if isinstance(value, float) else f"{key:28} {value}")
    for key, target in (("estimate_text_p50_ms", 200), ("estimate_cnn_p50_ms", 200)):
        print(f"target {key} < {target} ms: {'met' if figures[key] < target else 'MISSED'}")
    for key in ("submit_text_median_ms", "submit_cnn_median_ms"):
        if key in figures:
            print(f"target {key} < 500 ms: {'met' if figures[key] < 500 else 'MISSED'}")


if __name__ == "__main__":
    main()
