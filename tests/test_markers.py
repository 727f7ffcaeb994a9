"""The fast lane's guards: a test that needs a browser, a worker, a live server or another process
carries its marker, and a test run refuses a broker that another worker already consumes."""

from __future__ import annotations

import subprocess
import threading
import uuid

import pytest

from conftest import SCALES, broker_consumers, grid, missing_markers, module_markers, wait_for


def test_a_fixture_without_its_marker_is_reported():
    assert missing_markers(["db", "page", "live_server"], ["django_db"]) == [
        "page (needs @pytest.mark.browser)",
        "live_server (needs @pytest.mark.browser or @pytest.mark.live)",
    ]
    assert missing_markers(["celery_worker"], []) == ["celery_worker (needs @pytest.mark.worker)"]
    assert missing_markers(["page", "live_server", "celery_worker"], ["browser", "worker"]) == []
    assert missing_markers(["live_server"], ["live"]) == []


def _fast(params) -> list[tuple]:
    return [p.values for p in params if not any(m.name == "slow" for m in p.marks)]


def test_a_grid_gives_the_fast_lane_every_value_and_make_test_every_combination():
    params = grid(["a", "b", "c", "d"], ["x", "y"], ["1", "2", "3"])
    assert sorted(p.values for p in params) == [
        (r, c, n) for r in "abcd" for c in "xy" for n in "123"
    ]
    fast = _fast(params)
    assert fast == [("a", "x", "1"), ("b", "y", "2"), ("c", "x", "3"), ("d", "y", "1")]
    for position, values in enumerate((["a", "b", "c", "d"], ["x", "y"], ["1", "2", "3"])):
        assert {cell[position] for cell in fast} == set(values)
    assert {p.id for p in params} >= {"a-x-1", "d-y-3"}
    with pytest.raises(ValueError, match="longest list first"):
        grid(["x", "y"], ["a", "b", "c"])


def test_the_fast_lane_checks_query_counts_at_two_sizes_and_make_test_at_three():
    assert [p for p in SCALES if isinstance(p, int)] == [10, 100]
    assert [p.values for p in SCALES if not isinstance(p, int)] == [(1000,)]


def test_module_markers_are_read_without_importing_the_module():
    source = (
        "import pytest\n"
        "pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]\n"
        "def test_x():\n    pytest.mark.slow\n"
    )
    assert module_markers(source) == {"django_db", "browser"}
    assert module_markers("import pytest\npytestmark = pytest.mark.slow\n") == {"slow"}
    assert module_markers("def test_x():\n    pass\n") == set()


def test_an_unmarked_test_may_not_start_a_process():
    with pytest.raises(pytest.fail.Exception, match="without @pytest.mark.subprocess"):
        subprocess.run(["true"], check=True)


@pytest.mark.subprocess
def test_a_marked_test_may():
    subprocess.run(["true"], check=True)


@pytest.mark.redis
def test_a_client_blocked_on_the_broker_database_is_found(settings):
    import redis

    url = settings.CELERY_BROKER_URL
    client = redis.Redis.from_url(url)
    # As an idle Celery worker does: block reading a queue of this database.
    reader = threading.Thread(target=lambda: client.brpop(["dlp-test-probe"], timeout=30))
    reader.start()
    try:
        found = wait_for(lambda: broker_consumers(url), timeout=30, message="the blocked reader")
        assert any("brpop" in line for line in found)
    finally:
        redis.Redis.from_url(url).lpush("dlp-test-probe", "done")
        reader.join(30)
    # Answered, the reader is no longer blocked: its open connection alone is no consumer.
    wait_for(lambda: not broker_consumers(url), timeout=30, message="the reader to let go")
    client.close()


class _BlockedReader:
    """A client blocked reading a queue of the broker database, as an idle Celery worker is."""

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self.key = f"dlp-test-probe-{uuid.uuid4().hex}"  # nothing left behind can answer it
        # redis-py gives up reading after 5 s unless told: this read waits up to a minute.
        self.client = redis.Redis.from_url(url, socket_timeout=90)
        self.thread = threading.Thread(target=lambda: self.client.brpop([self.key], timeout=60))

    def __enter__(self) -> _BlockedReader:
        self.thread.start()
        wait_for(lambda: broker_consumers(self.url), timeout=30, message="the blocked reader")
        return self

    def __exit__(self, *_: object) -> None:
        import redis

        answer = redis.Redis.from_url(self.url)
        answer.lpush(self.key, "done")
        self.thread.join(30)
        answer.delete(self.key)
        self.client.close()


@pytest.mark.redis
def test_a_run_refuses_a_broker_database_that_a_worker_consumes(settings):
    import conftest

    url = settings.CELERY_BROKER_URL
    with _BlockedReader(url), pytest.raises(pytest.UsageError) as refused:
        conftest.pytest_sessionstart(None)
    message = str(refused.value)
    assert message.startswith(f"another Celery worker is consuming this test run's broker, {url}")
    assert "brpop" in message and "TEST_REDIS_DB=<0..7>" in message
    wait_for(lambda: not broker_consumers(url), timeout=30, message="the reader to let go")
    assert conftest.pytest_sessionstart(None) is None  # nobody consumes it: the run goes on


@pytest.mark.redis
@pytest.mark.subprocess
def test_pytest_stops_before_any_test_with_that_message(settings):
    """The same, end to end: `pytest` on a consumed broker database exits with a usage error."""
    import os
    import sys

    from conftest import ROOT

    url = settings.CELERY_BROKER_URL
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DLP_TEST_"))}
    env.update(CELERY_BROKER_URL=url, PYTHONPATH=str(ROOT))
    with _BlockedReader(url):
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:schemathesis", "--collect-only"]
            + ["tests/test_markers.py"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        still = broker_consumers(url)
    assert still, "the reader stopped before the run had looked"
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert "another Celery worker is consuming this test run's broker" in run.stderr
    assert "test_markers.py::" not in run.stdout  # not even collected
