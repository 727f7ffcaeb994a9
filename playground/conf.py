"""Playground limits and timings; each can be changed in settings (tests) or the environment."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from dlplatform.env import Env

_env = Env()
DEFAULTS: dict[str, Any] = {
    "PLAYGROUND_MAX_ACTIVE_JOBS": _env.int("PLAYGROUND_MAX_ACTIVE_JOBS", 3),  # queued + running
    "PLAYGROUND_SUBMIT_LIMIT": _env.int("PLAYGROUND_SUBMIT_LIMIT", 10),  # submissions per window
    "PLAYGROUND_SUBMIT_WINDOW_S": _env.int("PLAYGROUND_SUBMIT_WINDOW_S", 60),
    "PLAYGROUND_JOB_SOFT_LIMIT_S": _env.int("PLAYGROUND_JOB_SOFT_LIMIT_S", 600),
    "PLAYGROUND_JOB_HARD_LIMIT_S": _env.int("PLAYGROUND_JOB_HARD_LIMIT_S", 630),
    "PLAYGROUND_QUEUED_REQUEUE_S": _env.int("PLAYGROUND_QUEUED_REQUEUE_S", 120),
    "PLAYGROUND_STALE_S": 60,
    "PLAYGROUND_MAX_ATTEMPTS": 2,  # a job killed twice is failed, not retried forever
    "PLAYGROUND_MAX_PARAMS": _env.int("PLAYGROUND_MAX_PARAMS", 2_000_000),
    "PLAYGROUND_MAX_MEMORY_MB": _env.int("PLAYGROUND_MAX_MEMORY_MB", 1024),  # activations per batch
    "PLAYGROUND_MAX_TEXT_CHARS": _env.int("PLAYGROUND_MAX_TEXT_CHARS", 200_000),
    "PLAYGROUND_CPU_GFLOPS": _env.int("PLAYGROUND_CPU_GFLOPS", 40),  # achieved, not peak
    # A try-it message older than this is dropped by the worker (Celery `expires`), and its
    # ticket then reads "expired": nobody is waiting for an answer that late.
    "PLAYGROUND_INFER_TIMEOUT_S": _env.int("PLAYGROUND_INFER_TIMEOUT_S", 10),
    "PLAYGROUND_INFER_LIMIT": _env.int("PLAYGROUND_INFER_LIMIT", 30),  # inferences per window
    "PLAYGROUND_INFER_WINDOW_S": _env.int("PLAYGROUND_INFER_WINDOW_S", 60),
    "PLAYGROUND_INFER_CONCURRENCY": _env.int("PLAYGROUND_INFER_CONCURRENCY", 2),  # open tickets
    # A poll of a pending ticket blocks this long at most for the answer (playground/answers.py),
    # and at most this many polls block at once per web process; the others answer at once.
    "PLAYGROUND_INFER_WAIT_MS": _env.int("PLAYGROUND_INFER_WAIT_MS", 400),
    "PLAYGROUND_INFER_WAITERS": _env.int("PLAYGROUND_INFER_WAITERS", 2),
    # Used until a worker has published its own calibration (slow on purpose: refuse, not kill).
    "PLAYGROUND_STEP_OVERHEAD_MS": _env.int("PLAYGROUND_STEP_OVERHEAD_MS", 10),
    "PLAYGROUND_CALIBRATION_MAX_AGE_S": _env.int("PLAYGROUND_CALIBRATION_MAX_AGE_S", 7 * 86400),
    "PLAYGROUND_MAX_RUNNING_PER_USER": _env.int("PLAYGROUND_MAX_RUNNING_PER_USER", 1),
    # A worker that has run nothing for this long no longer counts towards the dispatch slots.
    "PLAYGROUND_WORKER_SEEN_S": _env.int("PLAYGROUND_WORKER_SEEN_S", 3600),
}


def get(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
