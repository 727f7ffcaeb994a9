#!/usr/bin/env python
"""A course of 10,000 students in one hour, simulated against N web processes and M workers.

A discrete-event simulation from measured costs (no Django, no database: it runs anywhere in
seconds). Each student arrives at a random moment of the first --arrive-s seconds, reads
--pages pages with a think time between them, submits --jobs training jobs and watches each
job's page (it polls the progress API every --poll-s seconds, as playground/static/playground/
job.js does, for at most --watch-s), tries the trained model --tryits times, and takes the quiz:
most students spread over the hour, --late of them in the last --burst-s seconds before the
deadline (--deadline-s), saving each of --questions answers and submitting at the end.

Servers:
- web: N processes, each one CPU core's worth of requests (threads share the GIL), one shared
  queue in arrival order (what a proxy with a shared backlog gives); service times are the
  per-request costs below, taken from README's bench/web.py capacity figures (2 cores divided
  by requests/s) and bench/scale.py;
- training: M workers, one job each at a time, in submission order;
- inference: --inference-workers, each one try-it (or a quiz statistics recompute, queue
  `reports`, at most one per --stats-every-s while attempts are being graded) at a time.

Prints, for every N and M asked for, the queue waits (p50 / p95 / max): web requests over the
hour and during the deadline burst, training jobs and try-its; and the smallest N and M that
meet --web-p95-ms and --job-p95-s.

    .venv/bin/python bench/simulate_course.py [--students 10000] [--web 2,4,8,16,32]
        [--workers 8,32,128] [--job-s 20] ... (see --help)
"""

from __future__ import annotations

import argparse
import heapq
import random
from collections.abc import Iterable
from dataclasses import dataclass

# Per-request web costs in ms of one core, from README's bench/web.py capacity figures (2 cores /
# req/s): home 663 req/s, lesson 459, search 391, search API 437, quiz page 227, answer save 442.
# Change any with --cost kind=ms (e.g. --cost quiz_page=5 for the page as bench/scale.py now has it).
COSTS_MS = {
    "page": 4.4,  # a lesson section (the home page is 3.0, a glossary page about the same)
    "search": 5.1,
    "quiz_page": 8.8,
    "save": 4.5,
    "submit": 30.0,  # grading 11 questions and the total: bench/quiz_load.py, 12 attempts/s
    "poll": 4.6,  # the job's progress API, as the search API (an API read of one row)
    "tryit": 5.0,  # the web side of a try-it (the inference itself is on a worker)
}


@dataclass
class Options:
    students: int
    arrive_s: float
    pages: int
    think_s: float
    jobs: float
    job_s: float
    poll_s: float
    watch_s: float
    tryits: int
    infer_ms: float
    questions: int
    late: float
    burst_s: float
    deadline_s: float
    stats_s: float
    stats_every_s: float
    inference_workers: int
    seed: int


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (0.0, 0.0, 0.0)
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return pick(0.5), pick(0.95), ordered[-1]


def fifo(arrivals: Iterable[tuple[float, float]], servers: int) -> tuple[list[float], list[float]]:
    """(arrival, service) pairs in arrival order through `servers` servers sharing one FIFO
    queue: each one's wait and finish time."""
    free = [0.0] * servers
    waits, finishes = [], []
    for arrival, service in arrivals:
        start = max(arrival, heapq.heappop(free))
        heapq.heappush(free, start + service)
        waits.append(start - arrival)
        finishes.append(start + service)
    return waits, finishes


@dataclass
class Course:
    """What the students do: web requests (time, kind) and training jobs (time, student)."""

    requests: list[tuple[float, str]]
    jobs: list[float]
    quiz_saves: list[float]  # when each graded submission lands (for the statistics recompute)


def student_plan(o: Options, rng: random.Random) -> Course:
    requests: list[tuple[float, str]] = []
    jobs: list[float] = []
    submits: list[float] = []
    for _ in range(o.students):
        t = rng.uniform(0, o.arrive_s)
        for _ in range(o.pages):
            requests.append((t, "search" if rng.random() < 0.2 else "page"))
            t += rng.expovariate(1 / o.think_s)
        whole, part = divmod(o.jobs, 1)
        for _ in range(int(whole) + (rng.random() < part)):
            jobs.append(rng.uniform(0, o.arrive_s))
        submits.append(_quiz(o, rng, requests))
    return Course(requests, sorted(jobs), sorted(submits))


def _quiz(o: Options, rng: random.Random, requests: list[tuple[float, str]]) -> float:
    if rng.random() < o.late:  # the burst: start in the last burst_s, submit just before
        start = o.deadline_s - rng.uniform(60, o.burst_s)
    else:
        start = rng.uniform(0, o.deadline_s - o.burst_s)
    end = min(o.deadline_s - rng.uniform(0, 30), start + rng.uniform(0.5, 1.0) * o.burst_s)
    requests.append((start, "quiz_page"))
    for i in range(o.questions):
        requests.append((start + (end - start) * (i + rng.random()) / (o.questions + 1), "save"))
    requests.append((end, "submit"))
    return end


def simulate(o: Options, course: Course, web: int, workers: int) -> dict[str, tuple]:
    rng = random.Random(o.seed + 1)
    job_waits, job_done = fifo(((t, o.job_s) for t in course.jobs), workers)
    requests = list(course.requests)
    infer: list[tuple[float, float]] = []
    for submitted, done in zip(course.jobs, job_done, strict=True):
        # The job page polls while the job waits and runs, up to watch_s; then one look later.
        watch_end = min(done, submitted + o.watch_s)
        t = submitted + o.poll_s
        while t < watch_end:
            requests.append((t, "poll"))
            t += o.poll_s
        later = done + rng.expovariate(1 / 60)
        for i in range(o.tryits):
            requests.append((later + 5 * i, "tryit"))
            infer.append((later + 5 * i, o.infer_ms / 1000))
    last = -o.stats_every_s
    for t in course.quiz_saves:  # debounced: one recompute per stats_every_s at most
        if t - last >= o.stats_every_s:
            infer.append((t + o.stats_every_s, o.stats_s))
            last = t
    requests.sort()
    web_waits, _ = fifo(((t, COSTS_MS[kind] / 1000) for t, kind in requests), web)
    burst = [
        w
        for (t, _), w in zip(requests, web_waits, strict=True)
        if o.deadline_s - o.burst_s <= t <= o.deadline_s
    ]
    infer.sort()
    infer_waits, _ = fifo(infer, o.inference_workers)
    tryit_waits = [w for (_, s), w in zip(infer, infer_waits, strict=True) if s < o.stats_s]
    return {
        "requests": (len(requests),),
        "web": percentiles(web_waits),
        "burst": percentiles(burst),
        "jobs": percentiles(job_waits),
        "tryit": percentiles(tryit_waits),
    }


def _ints(text: str) -> list[int]:
    return [int(v) for v in text.split(",") if v]


def parse() -> tuple[Options, list[int], list[int], float, float]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = p.add_argument
    add("--students", type=int, default=10_000)
    add("--web", type=_ints, default=_ints("4,8,16,32"), help="web processes to try")
    add("--workers", type=_ints, default=_ints("16,64,128"), help="training workers to try")
    add("--arrive-s", type=float, default=3600, help="arrivals spread over this many seconds")
    add("--pages", type=int, default=20, help="pages each student reads")
    add("--think-s", type=float, default=30, help="mean think time between pages")
    add("--jobs", type=float, default=1.0, help="training jobs per student")
    add("--job-s", type=float, default=20, help="worker seconds per job (default CNN, quiet)")
    add("--poll-s", type=float, default=1.0, help="job page poll interval (job.js: 1 s)")
    add("--watch-s", type=float, default=600, help="how long a student watches a job page")
    add("--tryits", type=int, default=5, help="try-its per finished job")
    add("--infer-ms", type=float, default=13, help="inference worker ms per try-it")
    add("--questions", type=int, default=11, help="questions in the quiz (saves + submit)")
    add("--late", type=float, default=0.5, help="share of students in the deadline burst")
    add("--burst-s", type=float, default=600, help="the burst: last seconds before the deadline")
    add("--deadline-s", type=float, default=3600)
    add("--stats-s", type=float, default=1.0, help="statistics recompute (bench/scale.py)")
    add("--stats-every-s", type=float, default=10, help="the recompute's debounce")
    add("--inference-workers", type=int, default=2)
    add("--web-p95-ms", type=float, default=100, help="aim for the web queue's p95 wait")
    add("--job-p95-s", type=float, default=300, help="aim for the training queue's p95 wait")
    add("--seed", type=int, default=1)
    add("--cost", action="append", default=[], help="KIND=MS, a web cost (see COSTS_MS)")
    a = p.parse_args()
    for item in a.cost:
        kind, _, ms = item.partition("=")
        if kind not in COSTS_MS:
            p.error(f"--cost: {kind!r} is not one of {', '.join(COSTS_MS)}")
        COSTS_MS[kind] = float(ms)
    o = Options(
        **{k: getattr(a, k) for k in Options.__dataclass_fields__}  # type: ignore[arg-type]
    )
    return o, a.web, a.workers, a.web_p95_ms, a.job_p95_s


def fmt(triple: tuple[float, float, float], scale: float, unit: str) -> str:
    return "/".join(f"{v * scale:.0f}" for v in triple) + f" {unit}"


def main() -> int:
    o, webs, workers, web_aim, job_aim = parse()
    course = student_plan(o, random.Random(o.seed))
    print(
        f"{o.students} students over {o.arrive_s:.0f} s, {o.pages} pages each, {o.jobs:g} job(s) "
        f"of {o.job_s:g} s each, quiz deadline at {o.deadline_s:.0f} s with {o.late:.0%} in its "
        f"last {o.burst_s:.0f} s; {o.inference_workers} inference workers"
    )
    print("web costs, ms: " + ", ".join(f"{k} {v:g}" for k, v in COSTS_MS.items()))
    print("queue waits p50/p95/max")
    header = f"{'web':>4} {'workers':>7} {'requests':>9} {'web (hour)':>18} {'web (burst)':>18}"
    print(f"{header} {'training jobs':>22} {'try-its':>16}")
    enough: list[str] = []
    for m in workers:
        met_web = None
        for n in webs:
            r = simulate(o, course, n, m)
            print(
                f"{n:>4} {m:>7} {r['requests'][0]:>9} {fmt(r['web'], 1000, 'ms'):>18} "
                f"{fmt(r['burst'], 1000, 'ms'):>18} {fmt(r['jobs'], 1, 's'):>22} "
                f"{fmt(r['tryit'], 1000, 'ms'):>16}"
            )
            if met_web is None and max(r["web"][1], r["burst"][1]) * 1000 <= web_aim:
                met_web = n
        jobs_ok = "meets" if r["jobs"][1] <= job_aim else "misses"
        enough.append(
            f"  {m} workers ({jobs_ok} the training p95 aim): "
            f"{met_web or f'more than {max(webs)}'} web processes"
        )
    print(
        f"\nSmallest web tier for a web p95 wait <= {web_aim:g} ms (hour and burst), per "
        f"training tier (aim: training p95 wait <= {job_aim:g} s):"
    )
    print("\n".join(enough))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
