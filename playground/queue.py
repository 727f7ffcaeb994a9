"""The broker, in one place: the queue names, sending the playground's tasks, and looking into
the Redis queues (for the reaper and the instructors' queue page).

Tasks are sent by name, so nothing here (nor in `services` or `dispatch`, which send through
this module) imports `tasks`: the imports among the playground's modules point one way.
"""

from __future__ import annotations

from typing import Any

from dlplatform import broker
from dlplatform.celery import app

from . import conf

# The same names as CELERY_TASK_DEFAULT_QUEUE and CELERY_TASK_ROUTES in settings.py (a test
# checks): training is the default queue, tasks named infer* are routed to inference.
TRAINING_QUEUE = "training"
INFERENCE_QUEUE = "inference"
QUEUES = (TRAINING_QUEUE, INFERENCE_QUEUE)
TASKS = "playground.tasks"
RUN_TRAINING = f"{TASKS}.run_training"
INFERENCE_TASKS = ("infer_digit", "infer_text")


def send_training(job_id: int, *, task_id: str) -> None:
    """Send a claimed job to the training queue with the time limits of the settings now
    (read at each send, not at import: an override in a test reaches the worker)."""
    app.send_task(
        RUN_TRAINING,
        args=[job_id],
        task_id=task_id,
        soft_time_limit=conf.get("PLAYGROUND_JOB_SOFT_LIMIT_S"),
        time_limit=conf.get("PLAYGROUND_JOB_HARD_LIMIT_S"),
    )


def send_inference(task: str, *, args: list[Any], expires: float) -> None:
    """Send a try-it request; `task` is one of INFERENCE_TASKS, routed by its name."""
    if task not in INFERENCE_TASKS:
        raise ValueError(f"not an inference task: {task}")
    app.send_task(f"{TASKS}.{task}", args=args, expires=expires)


def broker_task_ids() -> set[str] | None:
    """Task ids waiting in or taken from the Redis training queue; None for other brokers."""
    return broker.task_ids(TRAINING_QUEUE)


def queue_lengths() -> dict[str, int | None]:
    """Messages waiting per queue; None when unknown (another broker, or Redis is down)."""
    import redis

    unknown: dict[str, int | None] = dict.fromkeys(QUEUES)
    try:
        client = broker.redis_client()
        return unknown if client is None else {q: int(client.llen(q)) for q in QUEUES}
    except redis.RedisError:
        return unknown
