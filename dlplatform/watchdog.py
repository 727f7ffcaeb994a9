"""The worker's own watchdog: a thread in the worker's main process that ends the process when it
has stopped doing its work, so that its supervisor (docker compose's `restart: unless-stopped`,
scripts/supervise.sh under `make run`) starts a fresh one.

Celery reconnects to a lost broker by itself, and its pool replaces a child killed at its hard
time limit. What it does not recover from (issue 12: a child left defunct after a Redis restart,
messages stuck in the queue, every try-it timing out until someone ran kill -9) shows as one of:

- overdue: a task still counted as running well past its hard time limit, which the pool should
  have enforced;
- starved: a message received from the broker and handed to no pool process for WORKER_STUCK_S
  although a process is free (a wedged child never acknowledges what it was sent, and a time
  limit starts only at that acknowledgement);
- idle with work waiting: nothing received or running while the worker's queues hold messages,
  for WORKER_STUCK_S;
- disconnected: no broker connection for WORKER_BROKER_LOST_S although the broker answers our
  own ping. While the broker itself is unreachable a new process could do no better, so the
  watchdog waits, and Celery keeps retrying.

While none of these holds, the watchdog touches the worker's alive file (VAR_DIR/health/), which
`python -m dlplatform.worker_alive` reads: the compose healthcheck, and the supervisor's way of
ending a process too hung to run even this thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
EXIT_CODE = 70  # EX_SOFTWARE: the supervisor restarts on any nonzero code; this one says why
ALIVE_DIR_NAME = "health"


def alive_dir() -> Path:
    """Where workers keep their alive files; computed like settings.VAR_DIR, without Django."""
    base = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("VAR_DIR") or base / "var") / ALIVE_DIR_NAME


def alive_path(hostname: str) -> Path:
    return alive_dir() / (re.sub(r"[^A-Za-z0-9_.@-]", "_", hostname) + ".alive")


@dataclass(frozen=True)
class Snapshot:
    """What the worker looks like now (ages in seconds)."""

    connected: bool
    broker_answers: bool | None  # None: not a broker we can ask (the filesystem transport)
    messages_waiting: int | None  # in the worker's queues at the broker; None: unknown
    running: list[tuple[str, float, float]]  # (task name, seconds running, hard time limit)
    waiting: list[float]  # seconds since each received, not yet started message arrived
    slots: int  # pool processes


@dataclass
class Assessor:
    """Turns successive snapshots into a reason to exit (or None): stalls must last a deadline."""

    stuck_s: float
    broker_lost_s: float
    overdue_grace_s: float
    disconnected_since: float | None = None
    idle_since: float | None = None
    notes: list[str] = field(default_factory=list)

    def assess(self, snap: Snapshot, now: float) -> str | None:
        for name, age, limit in snap.running:
            if limit and age > limit + self.overdue_grace_s:
                return f"task {name} has run {age:.0f} s, past its hard time limit of {limit:.0f} s"
        if snap.waiting and len(snap.running) < snap.slots and max(snap.waiting) > self.stuck_s:
            return f"a received task has waited {max(snap.waiting):.0f} s for a free pool process"
        return self._broker(snap, now) or self._idle(snap, now)

    def _broker(self, snap: Snapshot, now: float) -> str | None:
        if snap.connected or snap.broker_answers is False:
            # Connected, or the broker is down: Celery's own retrying is all anyone can do. The
            # clock starts when the broker answers again (Celery retries at most 30 s apart).
            self.disconnected_since = None
            return None
        self.disconnected_since = self.disconnected_since or now
        lost = now - self.disconnected_since
        if snap.broker_answers and lost > self.broker_lost_s:
            return f"no broker connection for {lost:.0f} s although the broker answers"
        return None

    def _idle(self, snap: Snapshot, now: float) -> str | None:
        idle = snap.connected and not snap.running and not snap.waiting and not _warming[0]
        if not (idle and snap.messages_waiting):
            self.idle_since = None
            return None
        self.idle_since = self.idle_since or now
        if now - self.idle_since > self.stuck_s:
            return (
                f"{snap.messages_waiting} messages have waited {now - self.idle_since:.0f} s "
                "in the queues of an idle worker"
            )
        return None


class CeleryProbe:
    """Reads a live Celery consumer into Snapshots (called from the watchdog thread)."""

    def __init__(self, consumer: Any) -> None:
        self.consumer = consumer
        self.received: dict[str, float] = {}  # request id -> monotonic time it arrived
        url = consumer.app.conf.broker_url or ""
        self.redis = None
        if url.startswith(("redis://", "rediss://")):
            import redis

            self.redis = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self.queues = sorted(consumer.app.amqp.queues.consume_from)

    def on_received(self, request_id: str) -> None:
        self.received[request_id] = time.monotonic()

    def _broker(self) -> tuple[bool | None, int | None]:
        if self.redis is None:
            return None, None
        try:
            pipe = self.redis.pipeline(transaction=False)
            for queue in self.queues:
                pipe.llen(queue)
            return True, sum(pipe.execute())
        except Exception:  # any failure to ask is "the broker does not answer"
            return False, None

    def snapshot(self) -> Snapshot:
        # celery-types omits the blueprint state constants (celery/bootsteps.py: RUN = 0x1).
        from celery.bootsteps import RUN  # type: ignore[attr-defined]
        from celery.worker import state

        now_wall, now = time.time(), time.monotonic()
        running, waiting = [], []
        reserved = _copy(state.reserved_requests)
        for request in reserved:
            if request.time_start:
                limit = request.time_limits[0] or request.task.time_limit
                limit = limit or self.consumer.app.conf.task_time_limit or 0
                running.append((request.name, now_wall - request.time_start, float(limit)))
            elif request.id in self.received:
                waiting.append(now - self.received[request.id])
        # Forget finished requests in place (the main thread adds to this dict meanwhile); one
        # received after the copy above is young, so only old entries go.
        ids = {request.id for request in reserved}
        for request_id, at in list(self.received.items()):
            if request_id not in ids and now - at > 60:
                self.received.pop(request_id, None)
        answers, messages = self._broker()
        connected = self.consumer.connection is not None and self.consumer.blueprint.state == RUN
        return Snapshot(
            connected=connected,
            broker_answers=answers,
            messages_waiting=messages,
            running=running,
            waiting=waiting,
            slots=getattr(self.consumer.pool, "num_processes", None) or 1,
        )


def _copy(requests: Any) -> list[Any]:
    """The main thread changes this set while we read it: try again rather than fail the check."""
    for _ in range(5):
        try:
            return list(requests)
        except RuntimeError:  # "Set changed size during iteration"
            continue
    return []


def _children() -> list[int]:
    """This process's direct children (pool processes, an embedded beat)."""
    pids: list[int] = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            pids += [int(p) for p in task.read_text().split()]
        except OSError:
            continue
    return pids


def end_process(reason: str) -> None:
    """Exit now, children first: a wedged pool would not answer a warm shutdown, and a child
    left behind would hold its task's slot (and its memory) after the restart."""
    log.critical("watchdog: %s; exiting so that the supervisor starts a fresh worker", reason)
    for pid in _children():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    # No logging.shutdown(): a wedged main thread may hold a handler's lock; each line is
    # flushed as it is written anyway.
    os._exit(EXIT_CODE)


# Work the worker's main thread does before it consumes (the playground's calibration at
# worker_ready, seconds on a quiet machine and a minute or more on a busy one): while it runs,
# messages waiting in the queues are not an idle worker's, and must not end it.
_warming = [0]


@contextmanager
def warming_up() -> Iterator[None]:
    """Tell the watchdog that the main thread is busy starting up, not wedged."""
    _warming[0] += 1
    try:
        yield
    finally:
        _warming[0] -= 1


def start(
    *,
    consumer: Any,
    every_s: float,
    stuck_s: float,
    broker_lost_s: float,
    overdue_grace_s: float,
    exit_fn: Callable[[str], None] = end_process,
    on_healthy: Callable[[], None] | None = None,
) -> CeleryProbe:
    """Start the watchdog thread; `on_healthy` runs after each check that passed."""
    from celery.signals import task_received

    probe = CeleryProbe(consumer)

    def received(request: Any = None, **_: Any) -> None:
        if request is not None:
            probe.on_received(request.id)

    task_received.connect(received, weak=False)
    assessor = Assessor(
        stuck_s=stuck_s, broker_lost_s=broker_lost_s, overdue_grace_s=overdue_grace_s
    )
    alive = alive_path(consumer.hostname)
    try:
        alive.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # the checks still run; only the healthcheck's file is missing
        log.warning("watchdog: cannot create %s", alive.parent)

    def watch() -> None:
        while True:
            try:
                reason = assessor.assess(probe.snapshot(), time.monotonic())
            except Exception:  # a bug here must not end a healthy worker
                log.exception("watchdog check failed")
                reason = None
            if reason:
                exit_fn(reason)
                return
            try:
                alive.touch()
                if on_healthy is not None:
                    on_healthy()
            except Exception:  # the alive file or the heartbeat; the next round tries again
                log.warning("watchdog: could not record a passing check", exc_info=True)
            time.sleep(every_s)

    threading.Thread(target=watch, name="worker-watchdog", daemon=True).start()
    return probe


def forget(hostname: str) -> None:
    """A worker that stops cleanly removes its alive file: nothing stale is left to read."""
    with contextlib.suppress(OSError):
        alive_path(hostname).unlink(missing_ok=True)
