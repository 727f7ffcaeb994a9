"""`make run` on its embedded defaults: SQLite and Celery's filesystem transport, nothing else.

The test runs the very script `make run` runs (scripts/run.sh) with a private VAR_DIR and port,
so it proves the whole first-run path: migrate, dataset install, content load, demo users, the web
server and both workers, a page served, a tiny training run to completion, and a clean Ctrl-C.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
MNIST = ROOT.parent / "shared" / "data" / "mnist"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bare_env(var_dir: Path, port: int) -> dict[str, str]:
    # Nothing of the test settings (PostgreSQL, Redis) may leak in: these are the defaults.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(VAR_DIR=str(var_dir), PORT=str(port), PYTHONUNBUFFERED="1", TORCH_THREADS="1")
    return env


def _wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"make run exited early:\n{log.read_text()[-4000:]}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer in {timeout} s:\n{log.read_text()[-4000:]}")


def _login(base: str, username: str, password: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    r = s.post(
        f"{base}/accounts/login/",
        timeout=10,
        allow_redirects=False,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    assert r.status_code == 302, r.text[:500]
    return s


def _submit_tiny_job(base: str, s: requests.Session) -> int:
    s.get(f"{base}/playground/new/", timeout=10)
    r = s.post(
        f"{base}/api/playground/jobs/",
        json={
            "kind": "cnn",
            "config": {
                "dataset": "mnist10k",
                "epochs": 1,
                "batch_size": 32,
                "max_steps": 5,
                "train_subset": 320,
            },
        },
        headers={"X-CSRFToken": s.cookies["csrftoken"], "Referer": f"{base}/playground/new/"},
        timeout=10,
    )
    assert r.status_code == 201, r.text[:1000]
    return r.json()["id"]


def _wait_job(base: str, s: requests.Session, job_id: int, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    job: dict = {}
    while time.monotonic() < deadline:
        job = s.get(f"{base}/api/playground/jobs/{job_id}/", timeout=10).json()
        if job["status"] in {"succeeded", "failed", "cancelled"}:
            return job
        time.sleep(0.5)
    pytest.fail(f"job {job_id} did not finish in {timeout} s: {job}")


@pytest.mark.timeout(420)
def test_make_run_serves_pages_and_runs_a_job_on_embedded_defaults(tmp_path):
    assert MNIST.exists(), "../shared/data/mnist is part of the checkout's neighbourhood"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "make-run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["./scripts/run.sh"],
            cwd=ROOT,
            env=_bare_env(tmp_path / "var", port),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_http(f"{base}/healthz", proc, log, timeout=240)
        text = log.read_text()
        assert "student" in text and "demo-student-pass" in text, "demo credentials are printed"
        assert f"{tmp_path / 'var'}/mail/" in text, "where password-reset mail goes is printed"
        assert (tmp_path / "var" / "db.sqlite3").exists(), "SQLite under VAR_DIR is the default"
        assert requests.get(f"{base}/glossary/", timeout=10).status_code == 200
        assert requests.get(f"{base}/learn/", timeout=10).status_code == 200

        s = _login(base, "student", "demo-student-pass")
        job = _wait_job(base, s, _submit_tiny_job(base, s), timeout=150)
        assert job["status"] == "succeeded", job
        assert (tmp_path / "var" / "broker" / "queue").is_dir(), (
            "the filesystem transport carried it"
        )
    finally:
        # Ctrl-C, as a person would: the script stops the server and both workers.
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"make run did not stop on Ctrl-C:\n{log.read_text()[-3000:]}")
    assert proc.returncode is not None
    # No server or worker of the run outlives Ctrl-C (pool children get a moment to exit).
    deadline = time.monotonic() + 30
    while _group_alive(proc.pid):
        assert time.monotonic() < deadline, "a process of `make run` outlived Ctrl-C"
        time.sleep(0.2)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
