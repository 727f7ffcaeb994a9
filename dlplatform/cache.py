"""A Redis cache that degrades instead of failing when Redis cannot be reached.

Everything this site keeps in the cache can be rebuilt from PostgreSQL (sessions are cached_db,
cached reads are selectors), so an unreachable Redis must cost a miss, not a 500. Each operation
catches redis errors and answers like a miss (get: the default; add/set/touch/delete: False).
A small circuit breaker keeps an outage cheap: after a failure the backend stops asking Redis for
`circuit_open_s` seconds (every call answers at once), then lets one call through to probe.

Writes that failed are remembered (a bounded set of keys) and deleted once Redis answers again:
a session deleted at log-out, or a term index invalidated during the outage, must not come back
from a Redis that kept its data through a network cut.

`incr` cannot pretend: a counter that silently reads 0 would switch rate limits off. It raises
CacheUnavailable, and the caller (dlplatform/ratelimit.py) decides what to do instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import BaseCache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_PENDING_DELETES = 10_000
LOG_EVERY_S = 30.0


class CacheUnavailable(Exception):
    """Redis could not be reached (or the circuit is open)."""


class _Breaker:
    """Closed: calls go to Redis. Open: calls fail fast until `open_s` has passed since the failure."""

    def __init__(self, open_s: float) -> None:
        self.open_s = open_s
        self.lock = threading.Lock()
        self.failed_at: float | None = None  # None: closed
        self.down_since: float | None = None
        self.skipped = 0
        self.logged_at = -LOG_EVERY_S

    def allow(self) -> bool:
        failed_at = self.failed_at
        if failed_at is None or time.monotonic() - failed_at >= self.open_s:
            return True
        self.skipped += 1
        return False

    def failure(self, location: str, error: BaseException) -> None:
        now = time.monotonic()
        with self.lock:
            self.failed_at = now
            if self.down_since is None:
                self.down_since = now
            if now - self.logged_at < LOG_EVERY_S:
                return
            self.logged_at = now
            skipped, self.skipped = self.skipped, 0
        # One line per LOG_EVERY_S, however many requests hit the outage.
        log.warning(
            "cache at %s unreachable (%s: %s); serving misses, %d calls skipped since last report",
            location,
            type(error).__name__,
            error,
            skipped,
        )

    def success(self, location: str) -> bool:
        """Close the circuit; True when this call ended an outage."""
        if self.failed_at is None:
            return False
        with self.lock:
            if self.failed_at is None:
                return False
            down_for = time.monotonic() - (self.down_since or time.monotonic())
            self.failed_at = self.down_since = None
            self.logged_at = -LOG_EVERY_S
        log.warning("cache at %s reachable again after %.1f s", location, down_for)
        return True


class ResilientRedisCache(RedisCache):
    if TYPE_CHECKING:  # RedisCache's client, which django-stubs leaves out
        _cache: RedisCacheClient

    """Django's RedisCache whose failures are misses. OPTIONS: `circuit_open_s` (default 1.0)
    besides redis-py's own (`socket_connect_timeout`, `socket_timeout`, ...)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        open_s = float(options.pop("circuit_open_s", 1.0))
        super().__init__(server, {**params, "OPTIONS": options})
        self.breaker = _Breaker(open_s)
        self._pending_deletes: set[str] = set()
        self._location = server if isinstance(server, str) else ",".join(server)

    @property
    def is_down(self) -> bool:
        return self.breaker.failed_at is not None

    def _call(self, fn: Callable[[], T], default: T, *, forget: list[str] | None = None) -> T:
        if not self.breaker.allow():
            self._remember(forget)
            return default
        try:
            result = fn()
        except RedisError as error:
            self.breaker.failure(self._location, error)
            self._remember(forget)
            return default
        if self.breaker.success(self._location) or self._pending_deletes:
            self._flush_pending()
        return result

    def _remember(self, keys: list[str] | None) -> None:
        if keys and len(self._pending_deletes) < MAX_PENDING_DELETES:
            self._pending_deletes.update(keys)

    def _flush_pending(self) -> None:
        keys, self._pending_deletes = list(self._pending_deletes), set()
        if not keys:
            return
        try:
            self._cache.delete_many(keys)
        except RedisError as error:
            self.breaker.failure(self._location, error)
            self._remember(keys)

    def ping(self) -> bool:
        """Ask Redis itself (ignoring the circuit): the health check wants the truth."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except RedisError as error:
            self.breaker.failure(self._location, error)
            return False

    # Django's operations, each as a miss or no-op on failure. Keys whose write failed are
    # remembered for deletion: a stale value must not outlive the outage.
    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        k = self.make_and_validate_key(key, version=version)
        t = self.get_backend_timeout(timeout)
        return self._call(lambda: self._cache.add(k, value, t), False, forget=[k])  # type: ignore[arg-type]  # an int at run time

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        k = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.get(k, default), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        k = self.make_and_validate_key(key, version=version)
        t = self.get_backend_timeout(timeout)
        self._call(lambda: self._cache.set(k, value, t), None, forget=[k])  # type: ignore[arg-type]  # an int at run time

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        k = self.make_and_validate_key(key, version=version)
        t = self.get_backend_timeout(timeout)
        return self._call(lambda: self._cache.touch(k, t), False)  # type: ignore[arg-type]  # an int at run time

    def delete(self, key: Any, version: Any = None) -> bool:
        k = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.delete(k), False, forget=[k])

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._call(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        k = self.make_and_validate_key(key, version=version)
        return self._call(lambda: self._cache.has_key(k), False)

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list:
        made = [self.make_and_validate_key(key, version=version) for key in data]
        write = super().set_many
        self._call(lambda: write(data, timeout, version), [], forget=made)
        return []

    def delete_many(self, keys: Any, version: Any = None) -> None:
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        self._call(lambda: self._cache.delete_many(made), None, forget=made)

    def clear(self) -> bool:  # type: ignore[override]  # as RedisCache: flushdb's answer
        return self._call(lambda: self._cache.clear(), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        k = self.make_and_validate_key(key, version=version)
        missing = object()
        count = self._call(lambda: self._cache.incr(k, delta), missing)
        if count is missing:
            raise CacheUnavailable(self._location)
        return count  # type: ignore[return-value]


def default_cache_down() -> bool:
    """True while the default cache is a resilient Redis whose circuit is open."""
    backend: BaseCache = caches["default"]
    return bool(getattr(backend, "is_down", False))
