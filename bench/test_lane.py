#!/usr/bin/env python
"""How long `make test-fast` takes here, and how fast this machine is, so that two machines'
figures can be compared: the lane's target is a minute on 2 cores, and the cores we are lent
differ by two times and more in speed.

Prints, for each of --runs runs of `make test-fast`: the tests passed, the wall time, and the CPU
seconds of the test processes (user + system, of all xdist workers together). Before and after,
the seconds this Python takes for a fixed piece of pure-Python work (--calibrate, 10 million
loop additions; one core): the lane's CPU seconds divided by it are about the same on any
machine, and a wall time over a minute on a machine twice as slow as the last one is not a
slower suite.

    .venv/bin/python bench/test_lane.py [--runs 2] [--workers 2]

It uses the fast lane's own test database (TEST_DB_NAME, default test_dlp_fast), which the lane
keeps between runs (--reuse-db), so the first run after new migrations is slower by their time.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOP = 10_000_000


def calibrate() -> float:
    """Seconds for LOOP additions in a Python loop: the best of three."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(LOOP):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def run_lane(workers: int) -> tuple[int, float, float]:
    """(tests passed, wall seconds, CPU seconds of the children) of one `make test-fast`: the
    lane as the Makefile defines it, with its test database."""
    env = dict(os.environ)
    env.setdefault("TEST_DB_NAME", "test_dlp_fast")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        ["make", "test-fast", f"TEST_WORKERS={workers}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = re.search(r"(\d+) passed", done.stdout)
    if done.returncode != 0 or not found:
        print(done.stdout[-3000:], done.stderr[-2000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"the fast lane failed (exit {done.returncode})")
    return int(found.group(1)), wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="runs of the lane (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="xdist workers (default 2)")
    args = parser.parse_args()
    loop = calibrate()
    print(f"calibration: {LOOP:,} loop additions in {loop:.2f} s (one core)")
    for n in range(1, args.runs + 1):
        tests, wall, cpu = run_lane(args.workers)
        print(
            f"run {n}: {tests:,} tests, wall {wall:.1f} s, CPU {cpu:.0f} s "
            f"({cpu / loop:.0f} calibration units), load {os.getloadavg()[0]:.1f}"
        )
    print(f"calibration after: {calibrate():.2f} s")


if __name__ == "__main__":
    main()
