"""`make run` on its embedded defaults: PostgreSQL from pip, Celery's filesystem transport, no Redis.

The test runs the very script `make run` runs (scripts/run.sh) with a private VAR_DIR and port,
twice, as a newcomer would. The first run, offline and with no MNIST folder: the embedded server
is created, migrate, content load, demo users, the web server and both workers, pages served,
the one-line dataset message, and the playground telling a student to ask; Ctrl-C stops all of
it, PostgreSQL included. The second run reuses the data, starts in under a minute, installs the
digits from ../shared/data/mnist and trains a tiny model to completion.
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

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parent.parent
MNIST = ROOT.parent / "shared" / "data" / "mnist"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bare_env(var_dir: Path, port: int, **extra: str) -> dict[str, str]:
    # Nothing of the test settings (PostgreSQL, Redis) may leak in: these are the defaults.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(VAR_DIR=str(var_dir), PORT=str(port), PYTHONUNBUFFERED="1", TORCH_THREADS="1")
    return {**env, **extra}


def _wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"make run exited early:\n{log.read_text()[-4000:]}"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            # Refused, or listening with no worker ready to answer within 2 s (gunicorn binds
            # before its workers have imported Django): both mean "not yet" on a busy machine.
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


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            ["./scripts/run.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # A terminal's Ctrl-C: a suite started in the background (`nohup ... &`) has SIGINT
            # ignored, which the script would inherit and could not trap.
            preexec_fn=_default_sigint,
        )


def _ctrl_c(proc: subprocess.Popen, log: Path, pgdata: Path) -> None:
    """Ctrl-C, as a person would: the script stops the server, both workers and PostgreSQL."""
    from dlplatform import embedded_db

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(f"make run did not stop on Ctrl-C:\n{log.read_text()[-3000:]}")
    # No server or worker of the run outlives Ctrl-C (pool children get a moment to exit).
    deadline = time.monotonic() + 30
    while _group_alive(proc.pid):
        assert time.monotonic() < deadline, "a process of `make run` outlived Ctrl-C"
        time.sleep(0.2)
    if embedded_db.running(pgdata):
        embedded_db.stop(pgdata)
        pytest.fail("the embedded PostgreSQL outlived Ctrl-C")


def _first_run_lines(text: str) -> None:
    assert "PostgreSQL created in" in text, text[:2000]
    assert "MNIST is not installed: no " in text and "(make mnist)" in text
    assert text.count("glossary: ") == 1, "the glossary load line is printed once"
    assert "student" in text and "demo-student-pass" in text, "demo credentials are printed"
    assert "/mail/" in text, "where password-reset mail goes is printed"
    if os.geteuid() == 0:
        assert text.count("Running as root") == 1
        assert "superuser privileges" not in text, "Celery's warning is replaced by one line"


def _playground_without_digits(base: str) -> None:
    student = _login(base, "student", "demo-student-pass").get(
        f"{base}/playground/new/", timeout=10
    )
    assert "the digits data set is not installed yet; ask your instructor" in student.text.lower()
    assert 'type="submit" disabled>Start training' in student.text
    teacher = _login(base, "instructor", "demo-instructor-pass")
    assert "<code>make mnist</code>" in teacher.get(f"{base}/playground/", timeout=10).text


@pytest.mark.slow
@pytest.mark.timeout(720)
def test_make_run_twice_from_a_fresh_clone_on_embedded_defaults(tmp_path):
    assert MNIST.exists(), "../shared/data/mnist is part of the checkout's neighbourhood"
    var, port = tmp_path / "var", _free_port()
    base = f"http://127.0.0.1:{port}"
    # First run: offline (every download goes to a closed port) and no MNIST folder.
    offline = {"https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}
    env = _bare_env(var, port, MNIST_DIR=str(tmp_path / "nowhere"), MNIST_TIMEOUT_S="5", **offline)
    log = tmp_path / "first-run.log"
    proc = _start(env, log)
    try:
        _wait_for_http(f"{base}/healthz", proc, log, timeout=300)
        _first_run_lines(log.read_text())
        assert (var / "pg" / "PG_VERSION").exists() and not (var / "db.sqlite3").exists()
        assert requests.get(f"{base}/glossary/", timeout=10).status_code == 200
        assert requests.get(f"{base}/learn/", timeout=10).status_code == 200
        _playground_without_digits(base)
    finally:
        _ctrl_c(proc, log, var / "pg")

    # Second run: the same data folder; the digits come from ../shared/data/mnist.
    log = tmp_path / "second-run.log"
    began = time.monotonic()
    proc = _start(_bare_env(var, port), log)
    try:
        _wait_for_http(f"{base}/healthz", proc, log, timeout=120)
        assert time.monotonic() - began < 60, "a second run starts in under a minute"
        text = log.read_text()
        assert "PostgreSQL started in" in text and "Installing the MNIST digits from" in text
        assert "study content is unchanged since the last run" in text
        s = _login(base, "student", "demo-student-pass")
        job = _wait_job(base, s, _submit_tiny_job(base, s), timeout=150)
        assert job["status"] == "succeeded", job
        assert (var / "broker" / "queue").is_dir(), "the filesystem transport carried it"
    finally:
        _ctrl_c(proc, log, var / "pg")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _make_dry_run(*args: str) -> str:
    done = subprocess.run(
        ["make", "-n", "-B", ".venv/.installed", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_first_install_says_what_it_does_and_picks_the_cpu_torch():
    plan = _make_dry_run()
    assert "First run: installing" in plan and "5-8 minutes" in plan
    # The local wheel first (pip's configured find-links), else PyTorch's CPU index.
    assert 'pip install -q --no-index --no-deps "torch==2.13.0"' in plan
    assert "--index-url https://download.pytorch.org/whl/cpu" in plan
    cuda = _make_dry_run("TORCH_INDEX=")
    # A CUDA build skips the local (CPU) wheel and takes pip's default index.
    assert "--index-url" not in cuda and "--no-index" not in cuda
    assert '.venv/bin/pip install "torch==2.13.0"' in cuda


def test_make_mnist_installs_the_digits_without_a_secret(tmp_path):
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(DEBUG="1", VAR_DIR=str(tmp_path))
    first = subprocess.run(
        ["./scripts/mnist.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0 and "Installed the MNIST digits." in first.stdout, first.stderr
    assert (tmp_path / "data" / "mnist" / "t10k-images-idx3-ubyte.gz").exists()
    again = subprocess.run(
        ["./scripts/mnist.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0 and again.stdout == "", "installed: nothing more to say"
