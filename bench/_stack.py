"""Shared by the web benchmarks: a production-like stack on loopback (gunicorn, PostgreSQL, Redis)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Each bulk-made attempt's marks and score from its items (the benches write items in SQL).
TOTALS_SQL = """
UPDATE quizzes_attempt a SET marks = t.total, score = round(100 * t.total / a.max_marks, 3)
FROM (SELECT attempt_id, sum(mark) AS total FROM quizzes_attemptquestion
      WHERE attempt_id > %(after)s GROUP BY attempt_id) t
WHERE t.attempt_id = a.id AND a.quiz_id = %(quiz)s
"""


def production_env(db_name: str) -> dict[str, str]:
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="dlplatform.settings",
        DEBUG="0",
        SECRET_KEY="bench-only-" + "s" * 50,
        DATABASE_URL=os.environ.get(
            "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{db_name}"
        ),
        CELERY_BROKER_URL=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7"),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on loopback: the TLS settings would only redirect the load generator.
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="600",
    )
    return env


def ensure_database(name: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def in_process_course(db_name: str, redis_db: int, **extra: str) -> None:
    """Django set up in this process with the production settings on the bench's own database
    (created if missing, migrated, holding the bundled content) and Redis database; `extra`
    adds settings. The broker is in memory: what the signals queue goes nowhere."""
    ensure_database(db_name)
    env = production_env(db_name)
    env.update(
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", f"redis://127.0.0.1:6379/{redis_db}"),
        CELERY_BROKER_URL="memory://",
        ALLOWED_HOSTS="testserver,127.0.0.1",  # the test client's host
        LOG_LEVEL="ERROR",
        **extra,
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from glossary.models import Term

    call_command("migrate", "--noinput", verbosity=0)
    if not Term.objects.exists():
        with open(os.devnull, "w") as quiet:
            call_command("load_content", stdout=quiet)


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str]) -> None:
    manage(env, "migrate", "--noinput")
    manage(env, "load_content")


def run_script(env: dict[str, str], code: str) -> dict:
    """Run Django code in a subprocess with the bench settings; it prints one JSON line last."""
    out = manage(env, "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


def _wait_ok(url: str, deadline: float) -> None:
    """The port opens before the workers have loaded Django: wait until a request is served."""
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} never answered")
        time.sleep(0.2)


@contextmanager
def gunicorn(env: dict[str, str], workers: int) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            "dlplatform.wsgi:application",
            "--config",
            "gunicorn.conf.py",  # the production web settings (threaded workers, keep-alive)
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.2)
    _wait_ok(base + "/ok", deadline=time.monotonic() + 120)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
