"""The site as deployed, on a private Redis: gunicorn and a supervised Celery worker as real
subprocesses (scripts/supervise.sh restarts the worker, as compose's restart policy would)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ROOT, _worker_env
from tests.faults.servers import PrivateRedis, free_port


def stack_env(redis: PrivateRedis, var_dir: Path, **extra: str) -> dict[str, str]:
    """The test database, the private Redis as broker (db 0) and cache (db 1)."""
    env = _worker_env()
    base = f"redis://127.0.0.1:{redis.port}"
    env.update(
        CELERY_BROKER_URL=f"{base}/0",
        REDIS_URL=f"{base}/1",
        VAR_DIR=str(var_dir),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


@dataclass
class Proc:
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def _spawn(cmd: list[str], env: dict[str, str], log_path: Path) -> Proc:
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Proc(proc, log_path)


def health(base: str, timeout: float = 10) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def start_web(env: dict[str, str], log_path: Path) -> tuple[Proc, str]:
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "dlplatform.wsgi:application",
        "-c",
        "gunicorn.conf.py",
    ]
    web = _spawn(cmd, env, log_path)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if web.proc.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{web.log()[-3000:]}")
        try:
            health(base, timeout=2)
            return web, base
        except (OSError, ValueError):
            time.sleep(0.3)
    web.stop()
    pytest.fail(f"gunicorn did not answer in 90 s:\n{web.log()[-3000:]}")


def start_supervised_worker(
    env: dict[str, str],
    log_path: Path,
    queues: str = "",  # default: every queue /healthz expects a worker on
    beat: bool = False,
    app: str = "dlplatform",
) -> tuple[Proc, str]:
    """A worker under scripts/supervise.sh; returns once its first process is ready."""
    from dlplatform.health import expected_queues

    hostname = f"fault-{uuid.uuid4().hex[:8]}@localhost"
    queues = queues or ",".join(expected_queues())
    celery = [sys.executable, "-m", "celery", "-A", app, "worker", "-Q", queues]
    celery += ["-c", "1", "-n", hostname, "--loglevel", "INFO", "--without-gossip"]
    celery += ["--without-mingle"]
    if beat:
        celery += ["-B", "-s", str(log_path.parent / f"beat-{hostname[:14]}")]
    cmd = ["./scripts/supervise.sh", "--alive", hostname, "--", *celery]
    worker = _spawn(cmd, {**env, "PY": sys.executable, "PYTHONUNBUFFERED": "1"}, log_path)
    wait_log(worker, " ready.", count=1, timeout=120)
    return worker, hostname


def wait_log(proc: Proc, text: str, *, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while proc.log().count(text) < count:
        if time.monotonic() > deadline:
            pytest.fail(
                f"{text!r} x{count} not in the log within {timeout:.0f} s:\n{proc.log()[-4000:]}"
            )
        if proc.proc.poll() is not None:
            pytest.fail(f"process exited:\n{proc.log()[-4000:]}")
        time.sleep(0.2)


def pool_children(worker: Proc) -> list[int]:
    """The pool processes of the supervised worker (supervise.sh -> celery -> pool)."""
    celery = [int(p) for p in _children(worker.proc.pid)]
    pids: list[int] = []
    for pid in celery:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        if re.search(r"celery .*worker", cmdline):
            pids += _children(pid)
    return pids


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return out
