"""A small fixed-window rate limiter on the shared cache (works across processes with Redis)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


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
