"""Submit-to-first-progress latency of a training job through a real Celery worker, and the
inference round trip (draw-a-digit and text continuation), on PostgreSQL + Redis.

    .venv/bin/python bench/jobs.py [--jobs 5] [--inferences 20]

Starts its own worker (queues training,inference, concurrency 2) on a bench database
(BENCH_DATABASE_URL / BENCH_BROKER_URL override the loopback defaults in bench/_stack.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._stack import PY, ROOT, ensure_database, manage, production_env  # noqa: E402

SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    cmd = [
        PY,
        "-m",
        "celery",
        "-A",
        "dlplatform",
        "worker",
        "-Q",
        "training,inference",
        "-c",
        "2",
        "-n",
        "bench@localhost",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while " ready." not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)
    return proc


def inner(jobs: int, inferences: int) -> None:
    """Runs inside Django with the bench settings; prints the figures."""
    import django

    django.setup()
    from dlplatform.accounts.models import User
    from playground.models import Job
    from playground.services import inference_result, job_infer, job_submit

    def infer(job: Job, task_name: str, payload: dict) -> dict:
        """A ticket, then the answer polled the way the page does (every 5 ms here)."""
        ticket = job_infer(job=job, user=user, task_name=task_name, payload=payload)
        while (answer := inference_result(ticket=ticket, user=user, job_id=job.pk)) is None:
            time.sleep(0.005)
        return answer

    from playground.training.config import CnnConfig, TextConfig

    user, _ = User.objects.get_or_create(username="bench-jobs")
    Job.objects.filter(user=user).delete()
    cnn = {**CnnConfig().to_dict(), "epochs": 1, "train_subset": 2000}
    pickup, first = [], []
    for _ in range(jobs):
        t0 = time.perf_counter()
        job = job_submit(user=user, kind="cnn", config=cnn)
        picked = False
        while True:
            job.refresh_from_db(fields=["status", "progress", "started"])
            if job.started and not picked:
                picked = True
                pickup.append(time.perf_counter() - t0)
            if job.progress.get("step"):
                first.append(time.perf_counter() - t0)
                break
            time.sleep(0.005)
        while job.status not in Job.FINISHED:
            time.sleep(0.1)
            job.refresh_from_db(fields=["status"])
    text = job_submit(
        user=user, kind="text", config={**TextConfig().to_dict(), "epochs": 1, "max_steps": 20}
    )
    while text.status not in Job.FINISHED:
        time.sleep(0.2)
        text.refresh_from_db()
    job.refresh_from_db()
    pixels = [[0.0] * 28 for _ in range(28)]
    for r in range(6, 22):
        pixels[r][14] = 1.0
    digit, gen = [], []
    for _ in range(inferences):
        t0 = time.perf_counter()
        infer(job, "infer_digit", {"pixels": pixels})
        digit.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        infer(text, "infer_text", {"prompt": "The ", "temperature": 0.8, "length": 100})
        gen.append(time.perf_counter() - t0)
    ms = lambda xs: f"median {1000 * statistics.median(xs):.0f} ms, max {1000 * max(xs):.0f} ms"  # noqa: E731
    print(f"submit -> picked up by worker ({jobs} jobs): {ms(pickup)}")
    print(f"submit -> first progress report ({jobs} jobs): {ms(first)}")
    print(
        f"inference round trip, digit ({inferences}x, first one loads the model): {ms(digit)}; first {1000 * digit[0]:.0f} ms"
    )
    print(f"inference round trip, 100-char text continuation ({inferences}x): {ms(gen)}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=5)
    p.add_argument("--inferences", type=int, default=20)
    p.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.inner:
        return inner(args.jobs, args.inferences)
    ensure_database("dlp_bench_jobs")
    env = production_env("dlp_bench_jobs")
    with tempfile.TemporaryDirectory() as tmp:
        env.update(
            PLAYGROUND_DATA_DIR=tmp,
            TORCH_THREADS="1",
            PLAYGROUND_MAX_ACTIVE_JOBS="100",
            PLAYGROUND_SUBMIT_LIMIT="1000",
            PLAYGROUND_INFER_LIMIT="100000",
            PLAYGROUND_MAX_RUNNING_PER_USER="2",
        )
        manage(env, "migrate", "--noinput")
        manage(env, "playground_data", "install", "--from", str(SHARED_MNIST))
        worker = start_worker(env, Path(tmp) / "worker.log")
        try:
            subprocess.run(
                [
                    PY,
                    __file__,
                    "--inner",
                    "--jobs",
                    str(args.jobs),
                    "--inferences",
                    str(args.inferences),
                ],
                cwd=ROOT,
                env={**env, "PYTHONPATH": str(ROOT)},
                check=True,
            )
        finally:
            worker.terminate()
            worker.wait(timeout=60)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
