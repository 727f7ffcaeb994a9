"""The fast lane's guards: a test that needs a browser, a worker, a live server or another process
carries its marker, and a test run refuses a broker that another worker already consumes."""

from __future__ import annotations

import subprocess
import threading

import pytest

from conftest import broker_consumers, missing_markers, module_markers, wait_for


def test_a_fixture_without_its_marker_is_reported():
    assert missing_markers(["db", "page", "live_server"], ["django_db"]) == [
        "page (needs @pytest.mark.browser)",
        "live_server (needs @pytest.mark.browser or @pytest.mark.live)",
    ]
    assert missing_markers(["celery_worker"], []) == ["celery_worker (needs @pytest.mark.worker)"]
    assert missing_markers(["page", "live_server", "celery_worker"], ["browser", "worker"]) == []
    assert missing_markers(["live_server"], ["live"]) == []


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
