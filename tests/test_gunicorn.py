"""gunicorn.conf.py (the Dockerfile's and compose's web server): threaded workers, keep-alive."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_idle_connection_does_not_hold_up_other_users():
    """One worker process; a reader keeps their connection open; another user is still served.

    A sync worker would sit on the first, idle connection until its keep-alive ran out (5 s).
    """
    port = _free_port()
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="dlplatform.settings",
        DEBUG="0",
        SECRET_KEY="gunicorn-test-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        SECURE_SSL_REDIRECT="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dlplatform.wsgi:application", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        idle = _connect(port, server)  # answered, kept alive, now quiet
        other = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        other.request("GET", "/ok")
        response = other.getresponse()
        assert (response.status, response.read()) == (200, b"ok")
        # No clock: the idle connection is still open and answered after the other user was
        # served, so that user was served beside it, not after its keep-alive ran out (a worker
        # that held the idle connection would have had to drop it first).
        idle.request("GET", "/ok")  # and the idle one was kept for its next request
        response = idle.getresponse()
        assert (response.status, response.read(), response.will_close) == (200, b"ok", False)
        idle.close()
        other.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _connect(port: int, server: subprocess.Popen) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 60
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/ok")
            conn.getresponse().read()
            return conn
        except OSError:
            conn.close()
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
            time.sleep(0.3)
