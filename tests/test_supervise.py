"""scripts/supervise.sh, which runs `make run`'s workers: it starts a command again when it exits,
kills one that stopped touching its alive file, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import wait_for
from dlplatform.watchdog import alive_path

pytestmark = pytest.mark.subprocess  # each test runs scripts/supervise.sh

ROOT = Path(__file__).resolve().parent.parent


def _supervise(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            ["./scripts/supervise.sh", *args],
            cwd=ROOT,
            env={**os.environ, "PY": sys.executable, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def _starts(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_a_command_that_exits_is_started_again_and_sigterm_stops_it(tmp_path):
    starts = tmp_path / "starts"
    command = f"echo start >> {starts}; sleep 0.2; exit 3"
    proc = _supervise(["--", "sh", "-c", command], {}, tmp_path / "log")
    try:
        wait_for(lambda: _starts(starts) >= 3, timeout=30, message="three starts")
    finally:
        assert _stop(proc) == 0
    log = (tmp_path / "log").read_text()
    assert "exited with status 3; starting it again in 1 s" in log
    assert "starting it again in 2 s" in log  # the pause doubles while it keeps failing


def test_sigterm_reaches_the_command(tmp_path):
    marker, ready = tmp_path / "got-term", tmp_path / "ready"
    command = (
        f"trap 'echo term > {marker}; exit 0' TERM; touch {ready}; while :; do sleep 0.1; done"
    )
    proc = _supervise(["--", "sh", "-c", command], {}, tmp_path / "log")
    wait_for(ready.exists, timeout=30, message="the command's trap")
    assert _stop(proc) == 0
    assert marker.read_text().strip() == "term"


def test_a_command_that_stops_touching_its_alive_file_is_killed(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    alive = alive_path("hung@box")
    alive.parent.mkdir(parents=True)
    starts = tmp_path / "starts"
    # Touches its alive file once (it became ready), then hangs without touching it again.
    command = f"echo start >> {starts}; touch {alive}; exec sleep 1000"
    args = ["--alive", "hung@box", "--max-age", "2", "--", "sh", "-c", command]
    proc = _supervise(args, {"VAR_DIR": str(tmp_path)}, tmp_path / "log")
    try:
        wait_for(lambda: _starts(starts) >= 2, timeout=60, message="a restart of the hung one")
    finally:
        assert _stop(proc) == 0
    assert "has not touched" in (tmp_path / "log").read_text()
