"""gunicorn settings for the web process: the Dockerfile, docker compose and bench/web.py use them.

Threaded workers (gthread) because browsers keep connections open between requests: a sync
worker stays blocked on an idle keep-alive connection until its next request arrives, so a few
dozen students reading pages could hold every worker while the CPUs sat idle (bench/web.py's
latency pass showed it). gthread parks idle connections in a poller and keeps them alive, which
also saves a TCP handshake per request.
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
