"""Settings for the test suite: real PostgreSQL and Redis, each run isolated by environment.

TEST_DB_NAME names the test database and TEST_REDIS_DB picks the Redis database for the broker
(the cache uses TEST_REDIS_DB + 8) on TEST_REDIS_PORT (6379), so several test runs can share one machine.

PostgreSQL: DATABASE_URL when set; else the server on TEST_PG_HOST:TEST_PG_PORT (127.0.0.1:5432)
when it answers; else the embedded server of `make run` (`dlplatform/embedded_db.py`, data in
TEST_PG_DATA, default var/test-pg), started for this session and stopped at its end, so a machine
without a system PostgreSQL still runs the suite.

Redis databases, all chosen here: TEST_REDIS_DB (default 5) is the broker's and TEST_REDIS_DB + 8
the cache's; under pytest-xdist, worker gwK takes TEST_REDIS_DB + K and TEST_REDIS_DB + K + 8, so
parallel workers never flush each other's broker or cache (pytest-django gives each its own
database, TEST_DB_NAME + "_gwK").

DLP_TEST_STACK=makerun is the stack `make run` starts: the embedded server, no Redis (the file
cache) and Celery's filesystem transport in a private VAR_DIR (the `makerun` lane).

DLP_TEST_LANE=fast is `make test-fast`: the unit tests with a local-memory cache and an in-memory
broker, so that they need no Redis and no parallel worker shares a cache with another.
"""

import atexit
import os
import shutil
import socket
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .embedded_db import running, start, stop

MAKERUN = os.environ.get("DLP_TEST_STACK", "") == "makerun"


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


def _database_url() -> str:
    host = os.environ.get("TEST_PG_HOST", "127.0.0.1")
    port = int(os.environ.get("TEST_PG_PORT", "5432"))
    if not MAKERUN and _answers(host, port):
        return f"postgres://postgres@{host}:{port}/dlplatform"
    base = Path(__file__).resolve().parent.parent
    data = Path(os.environ.get("TEST_PG_DATA") or base / "var" / "test-pg")
    if not running(data):
        atexit.register(stop, data)  # this session started it: this session stops it
    return start(data)


FAST = os.environ.get("DLP_TEST_LANE", "") == "fast"


def redis_dbs(base: int, xdist_worker: str) -> tuple[int, int]:
    """(broker, cache) Redis databases of one test process: `base` and `base + 8`, moved up by K
    for xdist worker gwK. Redis has databases 0-15, so base + workers may not pass 8."""
    index = int(xdist_worker[2:]) if xdist_worker.startswith("gw") else 0
    broker = base + index
    if not 0 <= broker < 8:
        raise ImproperlyConfigured(
            f"TEST_REDIS_DB={base} leaves no Redis database for xdist worker {xdist_worker}: "
            f"the broker would use {broker} and the cache {broker + 8} (Redis has 0-15). "
            "Lower TEST_REDIS_DB or run fewer workers (-n)."
        )
    return broker, broker + 8


TEST_REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
TEST_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "5"))
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
if not os.environ.get("DATABASE_URL"):
    # In os.environ, so that the worker subprocesses use the same server without probing again.
    os.environ["DATABASE_URL"] = _database_url()
if MAKERUN:
    if not os.environ.get("VAR_DIR"):  # the worker subprocesses inherit this one
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="dlp-makerun-")
        atexit.register(shutil.rmtree, os.environ["VAR_DIR"], ignore_errors=True)
    os.environ.setdefault("CELERY_BROKER_URL", "filesystem://")
    os.environ.setdefault("REDIS_URL", "")
elif FAST:
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
else:
    _broker_db, _cache_db = redis_dbs(TEST_REDIS_DB, os.environ.get("PYTEST_XDIST_WORKER", ""))
    for _name, _db, _plain in (
        ("CELERY_BROKER_URL", _broker_db, TEST_REDIS_DB),
        ("REDIS_URL", _cache_db, TEST_REDIS_DB + 8),
    ):
        # An xdist worker inherits the environment of the controlling process, which holds that
        # process's own (worker-less) default: replace that one; keep a URL given by hand.
        if os.environ.get(_name) in (None, f"redis://127.0.0.1:{TEST_REDIS_PORT}/{_plain}"):
            os.environ[_name] = f"redis://127.0.0.1:{TEST_REDIS_PORT}/{_db}"
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("CONN_MAX_AGE", "0")
# A saved topic queues no audio renders unless a test asks (lessons/tests/test_audio_worker.py).
os.environ.setdefault("LESSONS_AUDIO_AUTORENDER", "0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# WhiteNoise looks a static file up when it is asked for, instead of indexing every static file
# (stat and headers for each) when its middleware is built: the test client builds the middleware
# chain afresh for each Client, that is for nearly every test, and the index was a tenth of a
# second of CPU each time. The files served and their headers are the same either way.
WHITENOISE_AUTOREFRESH = True

if FAST:
    # One process's memory: nothing to flush between parallel workers, no Redis to reach.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
