"""How long `make run` takes to be ready, and how much of it is the embedded PostgreSQL.

Prints: the embedded server's create (initdb + start + database + extensions), start with its
data kept, reuse of a running one, and stop (median of 3 each, in a fresh temporary folder);
then scripts/run.sh from nothing (server created, migrate, content, demo users, workers) and
a second time on the same var/ folder, each until /healthz answers. The virtualenv must exist
(pip's part of a first `make run` is not measured here: it depends on the network).

    .venv/bin/python bench/startup.py
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlplatform import embedded_db  # noqa: E402


def _timed(fn, data: Path) -> float:
    began = time.monotonic()
    fn(data)
    return time.monotonic() - began


def server_cycles(rounds: int = 3) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"create": [], "start": [], "reuse": [], "stop": []}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "pg"
            figures["create"].append(_timed(embedded_db.start, data))
            figures["reuse"].append(_timed(embedded_db.start, data))
            figures["stop"].append(_timed(embedded_db.stop, data))
            figures["start"].append(_timed(embedded_db.start, data))
            embedded_db.stop(data)
    return figures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_until_ready(var: Path) -> float:
    port = _free_port()
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(VAR_DIR=str(var), PORT=str(port), TORCH_THREADS="1")
    began = time.monotonic()
    proc = subprocess.Popen(
        ["./scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    return time.monotonic() - began
            except OSError:
                if proc.poll() is not None or time.monotonic() - began > 600:
                    raise RuntimeError("scripts/run.sh did not become ready") from None
                time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=90)


def main() -> None:
    print(f"machine: {os.cpu_count()} CPUs")
    for name, values in server_cycles().items():
        print(
            f"embedded PostgreSQL {name:<6}: median {statistics.median(values):.2f} s  "
            f"(runs: {', '.join(f'{v:.2f}' for v in values)})"
        )
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp) / "var"
        print(
            f"scripts/run.sh first run (from an empty var/) to /healthz: {run_until_ready(var):.1f} s"
        )
        print(f"scripts/run.sh second run (same var/) to /healthz: {run_until_ready(var):.1f} s")


if __name__ == "__main__":
    main()
