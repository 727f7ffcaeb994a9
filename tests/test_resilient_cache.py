"""The Redis cache degrades to misses when Redis is unreachable, and the rate limiter still limits."""

from __future__ import annotations

import logging
import shutil
import time

import pytest
from django.core.cache import cache

from conftest import require
from dlplatform import ratelimit
from dlplatform.cache import CacheUnavailable, ResilientRedisCache
from tests.faults.servers import PrivateRedis, free_port

OPTIONS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.3, "circuit_open_s": 0.5}


def _backend(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"OPTIONS": dict(OPTIONS)})


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis.create()
    yield server
    server.stop()


def test_an_unreachable_redis_answers_like_a_miss(caplog):
    down = _backend(f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="dlplatform.cache"):
        assert down.get("k", "fallback") == "fallback"
        assert down.add("k", 1) is False
        assert down.set("k", 1) is None
        assert down.delete("k") is False
        assert down.get_many(["a", "b"]) == {}
        assert down.get_or_set("k", "fresh") == "fresh"
        assert down.has_key("k") is False
        with pytest.raises(CacheUnavailable):
            down.incr("k")
        for _ in range(500):
            down.get("k")
    assert down.is_down
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1, "one log line for the outage, not one per call"


def test_an_open_circuit_costs_no_round_trip(monkeypatch):
    down = _backend(f"redis://127.0.0.1:{free_port()}/0")
    down.get("k")  # the failure that opens the circuit
    opened_at = down.breaker.failed_at
    calls: list[float] = []  # when each call reached Redis
    monkeypatch.setattr(type(down._cache), "get", lambda *a, **k: calls.append(time.monotonic()))
    for _ in range(100):
        assert down.get("k") is None
    # Judged by when each call was sent, not by a count: a busy machine that stalls this loop
    # past circuit_open_s rightly lets a probe through.
    early = [t for t in calls if t - opened_at < OPTIONS["circuit_open_s"]]
    assert early == [], "while the circuit is open nothing is sent to Redis"
    time.sleep(OPTIONS["circuit_open_s"] + 0.05)
    before = len(calls)
    down.get("k")
    assert len(calls) == before + 1, "after circuit_open_s one call probes Redis again"


@pytest.mark.subprocess
def test_recovery_closes_the_circuit_and_forgets_writes_lost_in_the_outage(private_redis):
    live = _backend(private_redis.url)
    live.set("session", "signed in", 60)
    live.set("index", "old terms", 60)
    private_redis.proc.send_signal(19)  # SIGSTOP: Redis keeps its data but answers nothing
    try:
        assert live.delete("session") is False  # log-out during the outage
        assert live.set("index", "new terms", 60) is None
        assert live.is_down
    finally:
        private_redis.proc.send_signal(18)  # SIGCONT
    time.sleep(OPTIONS["circuit_open_s"] + 0.05)
    assert live.get("other") is None  # the probe succeeds and closes the circuit
    assert not live.is_down
    assert live.get("session") is None, "a session deleted during the outage must not return"
    assert live.get("index") is None, "a value whose update was lost must not be served stale"
    assert live.add("counter", 0) and live.incr("counter") == 1, "counting works again"


def test_the_rate_limit_falls_back_to_a_local_count(monkeypatch):
    ratelimit.local_reset()

    def unavailable(*args, **kwargs):
        raise CacheUnavailable("test")

    monkeypatch.setattr(cache, "incr", unavailable)
    results = [ratelimit.hit(key="login:1.2.3.4", limit=3, window_s=60) for _ in range(5)]
    assert results == [True, True, True, False, False], "it still limits without the cache"
    assert ratelimit.hit(key="login:5.6.7.8", limit=3, window_s=60), "per key"


def test_the_rate_limit_uses_the_shared_cache_when_it_is_up(db):
    ratelimit.local_reset()
    cache.clear()
    results = [ratelimit.hit(key="signup:9.9.9.9", limit=2, window_s=60) for _ in range(3)]
    assert results == [True, True, False]
    assert ratelimit._local == {}, "no local counting while Redis answers"
