"""A small fixed-window rate limiter on the shared cache (works across processes with Redis).

When the shared cache cannot be reached (Redis down: the cache raises CacheUnavailable, or any
other backend error), the count falls back to a per-process window kept in memory. The limit still
holds in each process, so a client can get at most `limit` times the number of web processes
through during an outage: looser, but never unlimited, and no 500.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from dlplatform.cache import CacheUnavailable

# No socket address (a request built in process, e.g. force_login): one shared, valid address,
# since django-axes stores it in an IP address column.
UNKNOWN = "0.0.0.0"
log = logging.getLogger(__name__)
LOCAL_MAX_KEYS = 50_000

_local: dict[str, tuple[int, float]] = {}  # bucket -> (count, monotonic expiry)
_local_lock = threading.Lock()
_state = {"logged_at": -60.0}


def client_ip(request: HttpRequest) -> str:
    """The client's address: the one place the site (and django-axes) decides it.

    Without BEHIND_TLS_PROXY=1, X-Forwarded-For is whatever the client typed, so only
    REMOTE_ADDR counts. Behind the proxies each of the TRUSTED_PROXY_COUNT proxies appends the
    address it received from, so the entry that many places from the right is the one our
    outermost proxy saw; anything to its left is the client's own and is ignored.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    if not settings.BEHIND_TLS_PROXY:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    count = max(1, settings.TRUSTED_PROXY_COUNT)
    if len(hops) < count:
        return remote  # the request did not come through every proxy: trust only the socket
    return _valid(hops[-count]) or remote


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def _now() -> float:
    """The wall clock that picks the window (one place, so a test can hold it still)."""
    return time.time()


def hit(*, key: str, limit: int, window_s: int) -> bool:
    """Count one event for `key`; return False once more than `limit` happened in this window."""
    window = int(_now() // window_s)
    bucket = f"ratelimit:{key}:{window}"
    try:
        count = _shared_count(bucket, window_s)
    except CacheUnavailable:
        count = _local_count(bucket, window_s)
    return count <= limit


def _shared_count(bucket: str, window_s: int) -> int:
    cache.add(bucket, 0, timeout=window_s + 1)
    try:
        return cache.incr(bucket)
    except ValueError:  # the key expired between add and incr (or add could not reach Redis)
        if cache.add(bucket, 1, timeout=window_s + 1):
            return 1
        return cache.incr(bucket)


def _local_count(bucket: str, window_s: int) -> int:
    now = time.monotonic()
    if now - _state["logged_at"] >= 60:
        _state["logged_at"] = now
        log.warning("rate limits fall back to per-process counts: the shared cache is unreachable")
    with _local_lock:
        if len(_local) >= LOCAL_MAX_KEYS:
            _prune(now)
        count = _local.get(bucket, (0, 0.0))[0] + 1
        _local[bucket] = (count, now + window_s + 1)
    return count


def _prune(now: float) -> None:
    """Drop past windows; if that is not enough (a flood of distinct keys), start over."""
    for bucket, (_, expires) in list(_local.items()):
        if expires < now:
            del _local[bucket]
    if len(_local) >= LOCAL_MAX_KEYS:
        _local.clear()


def local_reset() -> None:
    with _local_lock:
        _local.clear()
