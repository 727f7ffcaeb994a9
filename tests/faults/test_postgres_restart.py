"""PostgreSQL restarted under requests: errors during the outage, service again afterwards,
without restarting the web server, and nothing written before the outage is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import require
from tests.faults.servers import PG_BIN_CANDIDATES, PrivatePostgres, free_port, wait_port

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parents[2]


def _env(pg: PrivatePostgres, var_dir: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="dlplatform.settings",
        DEBUG="0",
        SECRET_KEY="fault-test-" + "k" * 50,
        DATABASE_URL=pg.url,
        CELERY_BROKER_URL="memory://",
        VAR_DIR=str(var_dir),
        CONN_MAX_AGE="60",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def private_pg():
    require(bool(PG_BIN_CANDIDATES), "PostgreSQL server binaries are not installed")
    server = PrivatePostgres.create()
    yield server
    server.destroy()


def test_site_serves_again_after_postgres_restart(private_pg, tmp_path):
    env = _env(private_pg, tmp_path)
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from dlplatform.accounts.services import user_create;"
            "user_create(username='kept', password='kept-pass-123')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dlplatform.wsgi:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_port(port, up=True)
        # The master listens before its workers have imported Django: on a busy machine the
        # first answer can take longer than one request's timeout. Wait for it, then count.
        deadline = time.monotonic() + 90
        while True:
            try:
                _status(f"{base}/healthz")
                break
            except OSError:  # URLError and socket timeouts: no worker has answered yet
                assert time.monotonic() < deadline, "gunicorn did not answer within 90 s"
                time.sleep(0.3)
        assert [_status(f"{base}/healthz") for _ in range(10)] == [200] * 10

        private_pg.stop()
        during = [_status(f"{base}/healthz") for _ in range(10)]
        assert set(during) == {503}, during  # a clear error, no hang and no crash

        private_pg.start()
        deadline = time.monotonic() + 60  # generous: a busy machine reconnects slowly
        while _status(f"{base}/healthz") != 200:
            assert time.monotonic() < deadline, (
                "the site did not recover after PostgreSQL came back"
            )
            time.sleep(0.2)
        after = [_status(f"{base}/healthz") for _ in range(20)]
        assert after == [200] * 20
        assert web.poll() is None, "the web server must not have needed a restart"
        lost = subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from dlplatform.accounts.models import User;"
                "print(User.objects.filter(username='kept').count())",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert lost.stdout.strip().splitlines()[-1] == "1"  # what was lost: nothing
    finally:
        web.terminate()
        web.wait(timeout=20)
