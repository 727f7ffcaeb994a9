"""What the apps' reapers share about the broker: sending a message that may not get through,
and asking Redis which messages it still holds.

A row that waits on a worker (a training job, an audio render) names its message by task id.
A send that fails (Redis down) leaves the row waiting with nothing in the broker; a message the
broker lost (a Redis restart without persistence) does the same. Each app's periodic reaper
compares its waiting rows with `task_ids(queue)` and sends the missing ones again
(playground/services.reap_stale_jobs, lessons/services.audio_reap).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
# What a send raises while the broker is unreachable (the connection's own timeouts bound it).
UNREACHABLE: tuple[type[Exception], ...] = (KombuOperationalError, RedisError, OSError)


def try_send(send: Callable[[], object], *, what: str) -> bool:
    """Call `send`; with the broker unreachable log it and return False (the caller's row keeps
    waiting and its reaper sends it again), never raise into a web request."""
    try:
        send()
    except UNREACHABLE as error:
        log.warning("%s not sent to the broker (%s); the reaper will send it again", what, error)
        return False
    return True


def redis_client() -> Any | None:
    """A client for the Redis broker; None for other brokers (the filesystem one of make run)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def task_ids(queue: str) -> set[str] | None:
    """Task ids waiting in the Redis list `queue` or taken by a worker and not yet acknowledged
    (the shared `unacked` hash); None for other brokers. Raises RedisError when Redis is down."""
    client = redis_client()
    if client is None:
        return None
    ids: set[str] = set()
    for raw in client.lrange(queue, 0, -1):
        ids.add(json.loads(raw).get("headers", {}).get("id", ""))
    for raw in client.hvals("unacked"):
        message = json.loads(raw)[0]
        ids.add(message.get("headers", {}).get("id", ""))
    return ids


def task_ids_or_none(queue: str) -> set[str] | None:
    """`task_ids`, or None (unknown) while the broker is unreachable."""
    try:
        return task_ids(queue)
    except UNREACHABLE:
        return None
