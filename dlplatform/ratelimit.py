"""A small fixed-window rate limiter on the shared cache (works across processes with Redis)."""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# No socket address (a request built in process, e.g. force_login): one shared, valid address,
# since django-axes stores it in an IP address column.
UNKNOWN = "0.0.0.0"


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


def hit(*, key: str, limit: int, window_s: int) -> bool:
    """Count one event for `key`; return False once more than `limit` happened in this window."""
    bucket = f"ratelimit:{key}:{int(time.time() // window_s)}"
    cache.add(bucket, 0, timeout=window_s + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # the key expired between add and incr
        cache.set(bucket, 1, timeout=window_s + 1)
        count = 1
    return count <= limit
