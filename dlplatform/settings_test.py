"""Settings for the test suite: real PostgreSQL and Redis, each run isolated by environment.

TEST_DB_NAME names the test database and TEST_REDIS_DB picks the Redis database for the broker
(the cache uses TEST_REDIS_DB + 8) on TEST_REDIS_PORT (6379), so several test runs can share one machine.

PostgreSQL: DATABASE_URL when set; else the server on TEST_PG_HOST:TEST_PG_PORT (127.0.0.1:5432)
when it answers; else the embedded server of `make run` (`dlplatform/embedded_db.py`, data in
TEST_PG_DATA, default var/test-pg), started for this session and stopped at its end, so a machine
without a system PostgreSQL still runs the suite.

DLP_TEST_STACK=makerun is the stack `make run` starts: the embedded server, no Redis (the file
cache) and Celery's filesystem transport in a private VAR_DIR (the `makerun` lane).
"""

import atexit
import os
import shutil
import socket
import tempfile
from pathlib import Path

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


_redis_db = int(os.environ.get("TEST_REDIS_DB", "5"))
_redis_port = int(os.environ.get("TEST_REDIS_PORT", "6379"))
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
else:
    os.environ.setdefault("CELERY_BROKER_URL", f"redis://127.0.0.1:{_redis_port}/{_redis_db}")
    os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:{_redis_port}/{_redis_db + 8}")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("CONN_MAX_AGE", "0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
