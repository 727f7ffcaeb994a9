"""The platform's Celery app plus one test task that overruns its hard time limit, for the worker
supervision tests: `celery -A tests.faults.slow_app worker ...` serves both."""

from __future__ import annotations

import time

from dlplatform.celery import app

__all__ = ["app", "overrun"]
OVERRUN = "tests.faults.slow_app.overrun"


@app.task(name=OVERRUN, soft_time_limit=None, time_limit=4)
def overrun(seconds: float) -> None:
    """Stands in for an inference that hangs: the pool kills it at its 4 s hard limit."""
    time.sleep(seconds)
