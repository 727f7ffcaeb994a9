"""How a try-it answer reaches the browser: a short blocking wait, not polling at intervals.

The worker pushes the answer onto a per-ticket Redis list (a few copies, one per poll it may
wake), then writes it into the ticket's cache entry for later polls. A poll of a pending ticket
waits on that list (BLPOP) and returns what it pops, for at most
`PLAYGROUND_INFER_WAIT_MS`, so the answer leaves the web the moment the worker wrote it, and
no web thread waits on a worker for longer than that bound: the poll then answers 202 and the
browser asks again at once.

Bounded per process: at most `PLAYGROUND_INFER_WAITERS` polls block at a time (gunicorn has a
few threads per process); a poll over that bound answers at once and the browser retries after
`retry_ms`. Without Redis (`make run`: the file cache) nothing can block on a file, so every
poll answers at once the same way: short polling, as before.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import redis
from django.conf import settings
from redis.exceptions import RedisError

from dlplatform.cache import default_cache_down

from . import conf

log = logging.getLogger(__name__)
KEY = "dlp:playground:answered:{}"
TOKENS = 4  # a few polls of one ticket at once (two tabs) may all be woken
TOKEN_TTL_S = 60
RETRY_MS = 150  # when a poll could not wait: the guard allows 20 polls a second per session

_clients: dict[tuple[str, float], redis.Redis] = {}
_gates: dict[int, threading.BoundedSemaphore] = {}
_lock = threading.Lock()
_waiting = [0]  # polls blocked now in this process (the tests wait for one)


def _client(read_timeout_s: float) -> redis.Redis | None:
    url = settings.REDIS_URL
    if not url or default_cache_down():  # no Redis, or an outage: the caller polls instead
        return None
    key = (url, read_timeout_s)
    with _lock:
        if key not in _clients:
            _clients[key] = redis.Redis.from_url(
                url, socket_connect_timeout=0.25, socket_timeout=read_timeout_s
            )
        return _clients[key]


def _gate(n: int) -> threading.BoundedSemaphore:
    with _lock:
        if n not in _gates:
            _gates[n] = threading.BoundedSemaphore(n)
        return _gates[n]


def notify(ticket: str, answer: dict[str, Any]) -> None:
    """Hand the answer to the polls waiting for it (if there is Redis)."""
    client = _client(1.0)
    if client is None:
        return
    key, body = KEY.format(ticket), json.dumps(answer)
    try:
        pipe = client.pipeline()  # one round trip (redis-py's types do not chain the calls)
        pipe.rpush(key, *([body] * TOKENS))
        pipe.expire(key, TOKEN_TTL_S)
        pipe.execute()
    except RedisError as error:  # the poll then returns after its bound and reads the answer
        log.warning("could not wake the poll for ticket %s (%s)", ticket, error)


def waiting() -> int:
    return _waiting[0]


def wait(ticket: str) -> tuple[str, dict[str, Any] | None]:
    """Block until the worker answers `ticket` or the bound passes: (how, the answer).

    how is "woken" (with the answer), "timeout" (waited the whole bound) or "skipped" (did not
    wait: no Redis, an outage, or enough polls blocked in this process already).
    """
    wait_s, most = conf.get("PLAYGROUND_INFER_WAIT_MS") / 1000, conf.get("PLAYGROUND_INFER_WAITERS")
    if wait_s <= 0 or most <= 0:
        return "skipped", None
    client, gate = _client(wait_s + 1.0), _gate(int(most))
    if client is None or not gate.acquire(blocking=False):
        return "skipped", None
    try:
        with _lock:
            _waiting[0] += 1
        popped: Any = client.blpop([KEY.format(ticket)], timeout=wait_s)
    except RedisError as error:
        log.warning("waiting for ticket %s failed (%s); the browser polls", ticket, error)
        return "skipped", None
    finally:
        with _lock:
            _waiting[0] -= 1
        gate.release()
    return ("woken", json.loads(popped[1])) if popped else ("timeout", None)
