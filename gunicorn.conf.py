"""gunicorn settings for the web process: the Dockerfile, docker compose and bench/web.py use them.

Threaded workers (gthread) rather than sync ones: a sync worker closes the connection after every
response (a new TCP handshake per request) and, having accepted a connection, waits on it until
its request arrives, so a client that opens a connection early or slowly holds a whole worker.
gthread keeps connections alive and parks idle ones in a poller (tests/test_gunicorn.py); on the
bench the minimal view went from about 3,400 to 4,300 requests/s.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count())
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
keepalive = 5  # seconds an idle connection is kept
timeout = 60
backlog = 2048
