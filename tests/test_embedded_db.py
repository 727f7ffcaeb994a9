"""The embedded PostgreSQL (`dlplatform/embedded_db.py`): what `make run` and a machine without a
system PostgreSQL use. Started, reused, stopped and started again with its data; and the suite
itself passes on it when nothing answers on the usual port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from dlplatform import embedded_db

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.subprocess]


def _connect(url: str) -> psycopg.Connection:
    return psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True)


def test_start_reuse_stop_and_start_again_keeps_the_data(tmp_path):
    data = tmp_path / "pg"
    url = embedded_db.start(data, "dlp_probe")
    try:
        assert embedded_db.running(data) and url == embedded_db.url_for(data, "dlp_probe")
        assert "%2F" in url, "a unix socket inside the data folder, no TCP port"
        with _connect(url) as conn:
            names = {row[0] for row in conn.execute("SELECT extname FROM pg_extension")}
            assert set(embedded_db.EXTENSIONS) <= names
            conn.execute("CREATE TABLE kept (n int)")
            conn.execute("INSERT INTO kept VALUES (42)")
            # The StdDev and trigram functions the platform relies on are there.
            assert conn.execute("SELECT stddev_samp(x) FROM (VALUES (1), (3)) v(x)").fetchone()
            assert conn.execute("SELECT similarity('dropout', 'drop out')").fetchone()[0] > 0.3
        assert embedded_db.start(data, "dlp_probe") == url, "a second start reuses the server"
        assert embedded_db.stop(data) and not embedded_db.running(data)
        assert embedded_db.stop(data) is False
        with _connect(embedded_db.start(data, "dlp_probe")) as conn:
            assert conn.execute("SELECT n FROM kept").fetchone() == (42,)
    finally:
        embedded_db.stop(data)


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.timeout(600)
def test_the_suite_runs_on_the_embedded_server_when_no_system_server_answers(tmp_path):
    data = tmp_path / "pg"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # Nothing listens on this port, so the settings must choose the embedded server.
    env.update(TEST_PG_PORT=str(_unused_port()), TEST_PG_DATA=str(data))
    env["TEST_DB_NAME"] = env.get("TEST_DB_NAME", "test_dlp") + "_embedded"
    subset = ["quizzes/tests/test_autosave.py", "quizzes/tests/test_statistics.py"]
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "from django.db import connection\n"
        "def test_on_the_embedded_socket(db):\n"
        f"    assert connection.settings_dict['HOST'] == {str(data.resolve())!r}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *subset, str(probe)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
    assert (data / "PG_VERSION").exists(), "the session created the embedded server"
    assert not embedded_db.running(data), "and stopped it at the end of the session"
