"""Settings for the test suite: real PostgreSQL and Redis, each run isolated by environment.

TEST_DB_NAME names the test database and TEST_REDIS_DB picks the Redis database for the broker
(the cache uses TEST_REDIS_DB + 8), so several test runs can share one machine.
"""

import os

_redis_db = int(os.environ.get("TEST_REDIS_DB", "5"))
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dlplatform")
os.environ.setdefault("CELERY_BROKER_URL", f"redis://127.0.0.1:6379/{_redis_db}")
os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{_redis_db + 8}")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("CONN_MAX_AGE", "0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
