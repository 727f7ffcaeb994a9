"""Submit-to-first-progress latency of a training job through a real Celery worker, and the
inference round trip (draw-a-digit and text continuation), on PostgreSQL + Redis.

    .venv/bin/python bench/jobs.py [--jobs 5] [--inferences 20] [--burn 2]

Starts its own worker (queues training,inference, concurrency 2) on a bench database
(BENCH_DATABASE_URL / BENCH_BROKER_URL / BENCH_REDIS_URL override the loopback defaults in
bench/_stack.py). A try-it round trip is split into the worker's own time on the request (as it
reports it) and the rest, the queue's share: the web's send, the broker, the hand-over to a pool
process, the answer's write and the wake-up of the waiting poll. `--burn N` runs N processes
that keep a core busy each, for the busy-machine figures. BENCH_POOL picks the worker's pool
(prefork, as deployed; threads to compare the hand-over).
"""

from __future__ import annotations

import argparse
import os
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
        "-P",
        os.environ.get("BENCH_POOL", "prefork"),
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


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def _ms(xs: list[float]) -> str:
    return f"p50 {_pct(xs, 0.5):.1f} ms, p90 {_pct(xs, 0.9):.1f} ms"


def _first_progress(user: object, jobs: int) -> tuple[list[float], list[float], list[float]]:
    """Submit -> sent to the broker, -> claimed by a worker, -> first progress report (ms)."""
    from playground.models import Job
    from playground.services import job_submit
    from playground.training.config import CnnConfig

    cnn = {**CnnConfig().to_dict(), "epochs": 1, "train_subset": 2000}
    sent, pickup, first = [], [], []
    for _ in range(jobs):
        t0 = time.perf_counter()
        job = job_submit(user=user, kind="cnn", config=cnn)  # stored, dispatched and sent
        sent.append(1000 * (time.perf_counter() - t0))
        picked = False
        while True:
            job.refresh_from_db(fields=["status", "progress", "started"])
            if job.started and not picked:
                picked = True
                pickup.append(1000 * (time.perf_counter() - t0))
            if job.progress.get("step"):
                first.append(1000 * (time.perf_counter() - t0))
                break
            time.sleep(0.002)
        while job.status not in Job.FINISHED:
            time.sleep(0.1)
            job.refresh_from_db(fields=["status"])
    return sent, pickup, first


def _round_trips(user: object, job: object, task: str, payload: dict, n: int) -> dict:
    """n try-it requests answered the way the page gets them (a ticket, then a poll that waits
    for the answer); the worker's own time on each, and the same call made directly here."""
    from django.core.cache import cache

    from playground import runner
    from playground.services import TICKET_KEY, inference_poll, job_infer

    trips, worker, parts = [], [], []
    for _ in range(n):
        t0, w0 = time.perf_counter(), time.time()
        ticket = job_infer(job=job, user=user, task_name=task, payload=payload)
        sent = time.time()
        while (poll := inference_poll(ticket=ticket, user=user, job_id=job.pk)).result is None:
            time.sleep(poll.retry_ms / 1000)
        trips.append(1000 * (time.perf_counter() - t0))
        woken = time.time()
        # The woken poll had the answer before the worker wrote the ticket (and its timings).
        while (state := cache.get(TICKET_KEY.format(ticket)))["state"] != "done":
            time.sleep(0.001)
        worker.append(state["took_ms"])
        # Wall clocks of one machine: send, to the worker, worker, back to the waiting poll.
        parts.append(
            (
                1000 * (sent - w0),
                1000 * (state["started_at"] - sent),
                1000 * (woken - state["answered_at"]),
            )
        )
    run = getattr(runner, task)
    args = (
        (payload["pixels"],)
        if task == "infer_digit"
        else (payload["prompt"], payload["temperature"], payload["length"])
    )
    run(job.pk, job.weights, *args)  # warm, as the worker's copy is
    direct = []
    for _ in range(n):
        t0 = time.perf_counter()
        run(job.pk, job.weights, *args)
        direct.append(1000 * (time.perf_counter() - t0))
    return {"trip": trips, "worker": worker, "direct": direct, "parts": parts}


def _report(name: str, m: dict) -> None:
    share = [t - w for t, w in zip(m["trip"], m["worker"], strict=True)]
    print(f"{name}:")
    print(f"  round trip through the queue  {_ms(m['trip'])} (first {m['trip'][0]:.1f} ms)")
    print(f"  the worker's own time         {_ms(m['worker'])}")
    print(f"  calling the model directly    {_ms(m['direct'])}")
    print(
        f"  the queue's share             {_ms(share)} "
        f"({100 * _pct(share, 0.5) / _pct(m['trip'], 0.5):.0f}% of the p50 round trip)"
    )
    send, to_worker, back = (list(x) for x in zip(*m["parts"], strict=True))
    print(f"    web: ticket and send          {_ms(send)}")
    print(f"    broker to the pool process    {_ms(to_worker)}")
    print(f"    answer written to poll woken  {_ms(back)}")


def inner(jobs: int, inferences: int) -> None:
    """Runs inside Django with the bench settings; prints the figures."""
    import django

    django.setup()
    from dlplatform.accounts.models import User
    from playground.models import Job
    from playground.services import job_submit
    from playground.training.config import TextConfig

    user, _ = User.objects.get_or_create(username="bench-jobs")
    Job.objects.filter(user=user).delete()
    sent, pickup, first = _first_progress(user, jobs)
    text = job_submit(
        user=user, kind="text", config={**TextConfig().to_dict(), "epochs": 1, "max_steps": 20}
    )
    while text.status not in Job.FINISHED:
        time.sleep(0.2)
        text.refresh_from_db()
    cnn = Job.objects.filter(user=user, kind="cnn", status="succeeded").latest("created")
    pixels = [[0.0] * 28 for _ in range(28)]
    for r in range(6, 22):
        pixels[r][14] = 1.0
    digit = _round_trips(user, cnn, "infer_digit", {"pixels": pixels}, inferences)
    prompt = {"prompt": "The ", "temperature": 0.8, "length": 100}
    gen = _round_trips(user, text, "infer_text", prompt, inferences)
    print(f"submit -> stored, dispatched, sent ({jobs} jobs): {_ms(sent)}")
    print(f"submit -> claimed by the worker ({jobs} jobs): {_ms(pickup)}")
    print(f"submit -> first progress report ({jobs} jobs): {_ms(first)}")
    print(f"  each job, in order: {', '.join(f'{x:.0f}' for x in first)} ms")
    _report(f"try-it, digit ({inferences}x)", digit)
    _report(f"try-it, 100-character text continuation ({inferences}x)", gen)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--jobs", type=int, default=5)
    p.add_argument("--inferences", type=int, default=20)
    p.add_argument("--burn", type=int, default=0, help="CPU-burning processes beside the bench")
    p.add_argument(
        "--measured-threads",
        action="store_true",
        help="TORCH_THREADS=0 (the default): each pool process times its thread counts at its "
        "first job, which that job's first progress report waits for",
    )
    p.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.inner:
        return inner(args.jobs, args.inferences)
    ensure_database("dlp_bench_jobs")
    env = production_env("dlp_bench_jobs")
    with tempfile.TemporaryDirectory() as tmp:
        env.update(
            PLAYGROUND_DATA_DIR=tmp,
            TORCH_THREADS="0" if args.measured_threads else "1",
            PLAYGROUND_MAX_ACTIVE_JOBS="100",
            PLAYGROUND_SUBMIT_LIMIT="1000",
            PLAYGROUND_INFER_LIMIT="100000",
            PLAYGROUND_MAX_RUNNING_PER_USER="2",
        )
        manage(env, "migrate", "--noinput")
        manage(env, "playground_data", "install", "--from", str(SHARED_MNIST))
        worker = start_worker(env, Path(tmp) / "worker.log")
        burners = [subprocess.Popen([PY, "-c", "while True: pass"]) for _ in range(args.burn)]
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
            for burner in burners:
                burner.kill()
            worker.terminate()
            worker.wait(timeout=60)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
