"""VersionedCache: kept per process, dropped when another process bumps the shared version, on
Redis, on the file cache of `make run`, and through a Redis outage."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import BaseCache, caches
from django.db import transaction

from conftest import require
from dlplatform import versioned
from dlplatform.cache import ResilientRedisCache
from dlplatform.filecache import LockedFileBasedCache
from dlplatform.versioned import VersionedCache
from tests.faults.servers import PrivateRedis, free_port

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = {"socket_connect_timeout": 0.2, "socket_timeout": 0.3, "circuit_open_s": 0.2}


class Clock:
    """monotonic() for the caches under test: the check interval passes when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(versioned, "monotonic", fake)
    return fake


@pytest.fixture(params=[pytest.param("redis", marks=pytest.mark.redis), "file"])
def shared(request, tmp_path) -> BaseCache:
    """The two shared caches the site runs on: Redis (the suite's database) and `make run`'s files."""
    if request.param == "file":
        return LockedFileBasedCache(str(tmp_path / "cache"), {})
    backend = caches["default"]
    require(isinstance(backend, ResilientRedisCache), "the default cache is not Redis here")
    return backend


def _name() -> str:
    return f"test:versioned:{uuid.uuid4().hex}"


class Builds:
    """A build function that counts its calls and returns the count."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def _pair(shared: BaseCache, **kwargs) -> tuple[VersionedCache, VersionedCache]:
    """Two processes' views of one cache: the same name over the same shared cache."""
    name = _name()
    return VersionedCache(name, shared=shared, **kwargs), VersionedCache(
        name, shared=shared, **kwargs
    )


def test_an_entry_is_built_once_then_kept(shared, clock):
    mine, _ = _pair(shared)
    build = Builds()
    assert mine.get_or_build("k", build) == 1
    clock.advance(60)  # checks the shared version again: unchanged, so the entry stays
    assert mine.get_or_build("k", build) == 1
    assert build.calls == 1


def test_a_bump_shows_at_once_here_and_within_the_interval_in_another_process(shared, clock):
    mine, other = _pair(shared, check_every_s=2.0)
    build_mine, build_other = Builds(), Builds()
    mine.get_or_build("k", build_mine)
    other.get_or_build("k", build_other)

    mine.bump()

    assert mine.get_or_build("k", build_mine) == 2, "the process that bumped rebuilds at once"
    clock.advance(1.0)
    assert other.get_or_build("k", build_other) == 1, "the other has not looked yet"
    clock.advance(1.1)
    assert other.get_or_build("k", build_other) == 2, "after check_every_s it follows"
    assert other.version() == mine.version()


def test_a_dependent_cache_follows_the_one_it_depends_on(shared, clock):
    terms, other_terms = _pair(shared)
    pages = VersionedCache(_name(), shared=shared, depends_on=[other_terms])
    build = Builds()
    pages.get_or_build("page", build)
    terms.bump()  # another process changes the terms
    clock.advance(2.1)
    assert pages.get_or_build("page", build) == 2


def test_get_many_builds_only_the_missing_and_none_is_not_kept(shared, clock):
    cache = VersionedCache(_name(), shared=shared)
    asked: list[list[int]] = []

    def build(keys: list[int]) -> dict[int, str | None]:
        asked.append(keys)
        return {key: (None if key == 3 else f"row {key}") for key in keys}

    assert cache.get_many_or_build([1, 2], build) == {1: "row 1", 2: "row 2"}
    assert cache.get_many_or_build([2, 3], build)[2] == "row 2"
    assert cache.get_many_or_build([3], build) == {3: None}
    assert asked == [[1, 2], [3], [3]], "a missing row is asked for again, never kept"


def test_max_entries_drops_the_least_recently_used(shared, clock):
    cache = VersionedCache(_name(), shared=shared, max_entries=2)
    build = Builds()
    cache.get_or_build("a", build)
    cache.get_or_build("b", build)
    cache.get_or_build("a", build)  # "a" is now the most recent
    cache.get_or_build("c", build)  # drops "b"
    assert cache.get_or_build("a", build) == 1
    assert cache.get_or_build("b", build) == 4


def test_forget_all_local_empties_every_cache(shared, clock):
    cache = VersionedCache(_name(), shared=shared)
    build = Builds()
    cache.get_or_build("k", build)
    versioned.forget_all_local()
    assert cache.get_or_build("k", build) == 2


@pytest.mark.django_db
def test_inside_a_transaction_others_see_the_bump_at_commit(
    shared, clock, django_capture_on_commit_callbacks
):
    mine, other = _pair(shared)
    build_mine, build_other = Builds(), Builds()
    mine.get_or_build("k", build_mine)
    other.get_or_build("k", build_other)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        mine.bump()
        assert mine.get_or_build("k", build_mine) == 2, "the writer sees its rows at once"
        mine.bump()  # many bulk writes, one commit hook
        assert mine.get_or_build("k", build_mine) == 3
        clock.advance(2.1)
        # Another process cannot see the rows yet: had it rebuilt, it would keep the old ones.
        assert other.get_or_build("k", build_other) == 1
    assert len(callbacks) == 1
    clock.advance(2.1)
    assert other.get_or_build("k", build_other) == 2, "the commit moved the shared version"


@pytest.mark.django_db
def test_a_rolled_back_bump_leaves_nothing_behind(shared, clock):
    mine = VersionedCache(_name(), shared=shared)
    build = Builds()
    before = mine.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        mine.bump()
        assert mine.get_or_build("k", build) == 1  # built from rows about to be rolled back
        raise RuntimeError("roll back")
    assert mine.version() == before
    assert mine.get_or_build("k", build) == 2, "what the rolled-back rows built is gone"


@pytest.mark.subprocess
def test_a_bump_in_another_real_process_is_seen(shared, clock):
    mine = VersionedCache(_name(), shared=shared)
    build = Builds()
    mine.get_or_build("k", build)
    if isinstance(shared, LockedFileBasedCache):
        backend = f"LockedFileBasedCache({shared._dir!r}, {{}})"
        setup = "from dlplatform.filecache import LockedFileBasedCache"
    else:
        backend = "caches['default']"
        setup = "from django.core.cache import caches"
    code = (
        "import django; django.setup(); "
        f"{setup}; from dlplatform.versioned import VersionedCache; "
        f"VersionedCache({mine.name!r}, shared={backend}).bump()"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dlplatform.settings_test"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert mine.get_or_build("k", build) == 1, "not looked yet"
    clock.advance(2.1)
    assert mine.get_or_build("k", build) == 2


def test_an_unreachable_redis_rebuilds_every_interval_and_never_fails(clock):
    down = ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": dict(OPTIONS)})
    cache = VersionedCache(_name(), shared=down)
    build = Builds()
    assert cache.get_or_build("k", build) == 1
    assert cache.get_or_build("k", build) == 1, "kept within the interval"
    cache.bump()  # a no-op on Redis, but this process forgets at once
    assert cache.get_or_build("k", build) == 2
    clock.advance(2.1)
    # Nobody can tell whether another process changed the rows: rebuild rather than trust.
    assert cache.get_or_build("k", build) == 3


@pytest.mark.subprocess
def test_a_bump_lost_in_an_outage_reaches_other_processes_once_redis_answers():
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis.create()
    try:
        name = _name()
        backends = [ResilientRedisCache(server.url, {"OPTIONS": dict(OPTIONS)}) for _ in range(2)]
        mine, other = (VersionedCache(name, shared=b, check_every_s=0) for b in backends)
        build = Builds()
        mine.version()
        other.get_or_build("k", build)
        server.proc.send_signal(19)  # SIGSTOP: Redis keeps its data but answers nothing
        try:
            mine.bump()
        finally:
            server.proc.send_signal(18)  # SIGCONT
        deadline = time.monotonic() + 30
        while other.get_or_build("k", build) == 1:
            assert time.monotonic() < deadline, "the other process never saw the bump"
            mine.version()  # this process's next calls delete the key its bump could not set
            time.sleep(0.05)
    finally:
        server.stop()
