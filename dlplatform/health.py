"""What /healthz checks: database, cache, broker, and the workers' heartbeats, each with a short
timeout so that the answer comes within about a second even when Redis is unreachable.

Workers write a heartbeat into the shared cache every HEARTBEAT_EVERY_S: one key per queue
holding {hostname: unix time}. Reading it is one cache get per queue, far cheaper than a broadcast
ping to every worker. The worker's watchdog writes it after each check that passed
(dlplatform/celery.py, dlplatform/watchdog.py): a worker whose checks stop passing goes quiet.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

log = logging.getLogger(__name__)
HEARTBEAT_EVERY_S = 10.0
HEARTBEAT_STALE_S = 3 * HEARTBEAT_EVERY_S
BROKER_TIMEOUT_S = 0.3


def _heartbeat_key(queue: str) -> str:
    return f"health:workers:{queue}"


def heartbeat_write(*, hostname: str, queues: list[str], now: float | None = None) -> None:
    """Record that `hostname` serves `queues` now (and forget hosts silent for long)."""
    now = time.time() if now is None else now
    for queue in queues:
        seen = cache.get(_heartbeat_key(queue)) or {}
        seen = {h: t for h, t in seen.items() if now - t < 10 * HEARTBEAT_STALE_S}
        seen[hostname] = now
        cache.set(_heartbeat_key(queue), seen, timeout=int(10 * HEARTBEAT_STALE_S))


def expected_queues() -> list[str]:
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return sorted({settings.CELERY_TASK_DEFAULT_QUEUE, *routed})


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any failure means down; the reason is logged, not shown
        log.warning("healthz: database unavailable: %s", error)
        return {"status": "down"}
    return {"status": "ok"}


def check_cache() -> dict[str, Any]:
    backend = caches["default"]
    ping = getattr(backend, "ping", None)
    if ping is not None:  # the resilient Redis cache: ask Redis, with its short timeouts
        return {"status": "ok" if ping() else "down"}
    try:
        backend.set("health:probe", 1, timeout=10)
        ok = backend.get("health:probe") == 1
    except Exception:
        ok = False
    return {"status": "ok" if ok else "down"}


def check_broker() -> dict[str, Any]:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return {"status": "ok", "transport": url.split("://", 1)[0]}
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=BROKER_TIMEOUT_S, socket_timeout=BROKER_TIMEOUT_S
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as error:
        log.warning("healthz: broker unavailable: %s", error)
        return {"status": "down", "transport": "redis"}
    finally:
        client.close()
    return {"status": "ok", "transport": "redis"}


def check_workers(*, cache_ok: bool, now: float | None = None) -> dict[str, Any]:
    """Per queue: the workers seen lately and the age of the freshest heartbeat."""
    now = time.time() if now is None else now
    if not cache_ok:
        return {queue: {"status": "unknown"} for queue in expected_queues()}
    report: dict[str, Any] = {}
    for queue in expected_queues():
        seen = cache.get(_heartbeat_key(queue)) or {}
        alive = {h: round(now - t, 1) for h, t in seen.items() if now - t < HEARTBEAT_STALE_S}
        last = max(seen.values(), default=None)
        report[queue] = {
            "status": "ok" if alive else "missing",
            "workers": sorted(alive),
            "last_heartbeat_s_ago": None if last is None else round(now - last, 1),
        }
    return report


def report() -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 503 if a required dependency is down, else 200 ok or degraded."""
    database = check_database()
    cache_check = check_cache()
    broker = check_broker()
    cache_ok = cache_check["status"] == "ok"
    # An in-memory broker (tests) lives inside one process: no worker can serve it.
    in_memory = broker["transport"] == "memory"
    workers = {} if in_memory else check_workers(cache_ok=cache_ok)
    checks = {"database": database, "cache": cache_check, "broker": broker, "workers": workers}
    if database["status"] != "ok" or broker["status"] != "ok":
        return 503, {"status": "down", "checks": checks}
    if not cache_ok or any(w["status"] != "ok" for w in workers.values()):
        return 200, {"status": "degraded", "checks": checks}
    return 200, {"status": "ok", "checks": checks}
