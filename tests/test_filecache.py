"""The cache of `make run` without Redis: add and incr are atomic across processes, as on Redis."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from dlplatform.filecache import LockedFileBasedCache


def _cache(folder) -> LockedFileBasedCache:
    return LockedFileBasedCache(str(folder), {})


def _count(folder, n: int) -> None:
    cache = _cache(folder)
    for _ in range(n):
        cache.incr("hits")


@pytest.mark.slow
def test_incr_from_several_processes_loses_no_count(tmp_path):
    _cache(tmp_path).set("hits", 0, timeout=60)
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_count, args=(tmp_path, 50)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0, 0]
    assert _cache(tmp_path).get("hits") == 200


@pytest.mark.slow  # waits 1.2 s for a key to expire
def test_add_is_once_and_incr_keeps_the_expiry(tmp_path):
    cache = _cache(tmp_path)
    # The checks before the expiry must all land inside the key's 1 s of life: a busy machine
    # that stalls this process past it would make the second add succeed. Such a try proves
    # nothing either way, so it is made again on a fresh key (a quiet machine needs one).
    for attempt in range(5):
        key = f"window{attempt}"
        added_at = time.monotonic()
        first = cache.add(key, 0, timeout=1)
        second = cache.add(key, 5, timeout=60)
        counts = (cache.incr(key), cache.incr(key, 2))
        if time.monotonic() - added_at < 0.8:
            break
    else:
        pytest.fail("five tries each took longer than the key's life")
    assert first is True and second is False and counts == (1, 3)
    time.sleep(1.2)
    assert cache.get(key) is None, "incr must not extend the key's life"
    with pytest.raises(ValueError):
        cache.incr(key)
    with pytest.raises(ValueError):
        cache.incr("never-set")
