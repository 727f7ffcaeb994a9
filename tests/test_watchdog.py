"""The worker watchdog's verdicts (dlplatform/watchdog.py) and the alive-file check that compose
and scripts/supervise.sh run (dlplatform/worker_alive.py). The real thing, a wedged worker
restarted, is in tests/faults/test_worker_supervision.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dlplatform import watchdog, worker_alive
from dlplatform.watchdog import Assessor, Snapshot

ROOT = Path(__file__).resolve().parent.parent


def _snap(**kw) -> Snapshot:
    base = dict(
        connected=True, broker_answers=True, messages_waiting=0, running=[], waiting=[], slots=1
    )
    return Snapshot(**{**base, **kw})


def _assessor() -> Assessor:
    return Assessor(stuck_s=60, broker_lost_s=60, overdue_grace_s=30)


def test_a_healthy_worker_is_left_alone_however_long_it_works():
    a = _assessor()
    busy = _snap(running=[("playground.tasks.run_training", 500.0, 630.0)], messages_waiting=3)
    assert all(a.assess(busy, t) is None for t in range(0, 10_000, 5))


def test_a_task_well_past_its_hard_time_limit_is_a_wedged_pool():
    a = _assessor()
    assert a.assess(_snap(running=[("t", 650.0, 630.0)]), 0) is None  # within the grace
    reason = a.assess(_snap(running=[("t", 661.0, 630.0)]), 5)
    assert reason and "past its hard time limit" in reason


def test_a_message_no_free_process_takes_is_a_wedged_pool():
    a = _assessor()
    assert a.assess(_snap(waiting=[59.0]), 0) is None
    assert "waited 61 s for a free pool process" in a.assess(_snap(waiting=[61.0]), 1)
    # Waiting behind a running task on a one-process pool is normal, however long.
    busy = _snap(waiting=[500.0], running=[("t", 500.0, 630.0)])
    assert _assessor().assess(busy, 2) is None


def test_idle_while_messages_wait_must_last_the_deadline():
    a = _assessor()
    assert a.assess(_snap(messages_waiting=2), 0) is None
    assert a.assess(_snap(messages_waiting=2), 59) is None
    assert a.assess(_snap(messages_waiting=0), 60) is None  # taken: the clock starts again
    assert a.assess(_snap(messages_waiting=1), 61) is None
    assert "waited 62 s in the queues of an idle worker" in a.assess(_snap(messages_waiting=1), 123)


def test_messages_waiting_while_the_worker_warms_up_are_not_a_wedge():
    """The playground's calibration runs in the main thread before the consumer starts: on a
    busy machine longer than the deadline. It must not end the worker (it did: a queued job then
    never ran, and a supervised worker would restart into the same calibration forever)."""
    a = _assessor()
    with watchdog.warming_up():
        assert all(a.assess(_snap(messages_waiting=3), t) is None for t in range(0, 600, 30))
    assert a.assess(_snap(messages_waiting=3), 600) is None  # the clock starts now
    assert "in the queues of an idle worker" in a.assess(_snap(messages_waiting=3), 662)


def test_disconnected_counts_only_while_the_broker_answers():
    a = _assessor()
    down = _snap(connected=False, broker_answers=False, messages_waiting=None)
    # A long outage: nothing a restart could fix, and Celery keeps retrying.
    assert all(a.assess(down, t) is None for t in range(0, 600, 5))
    back = _snap(connected=False, broker_answers=True)
    assert a.assess(back, 600) is None  # Celery retries at most 30 s apart: give it time
    assert a.assess(back, 655) is None
    assert "no broker connection for 61 s" in a.assess(back, 661)
    a = _assessor()
    assert a.assess(back, 0) is None
    assert a.assess(_snap(), 30) is None  # reconnected: forgiven
    assert a.assess(back, 40) is None and a.assess(back, 95) is None


@pytest.mark.subprocess
def test_alive_file_check(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    assert worker_alive.alive([], 60)[0] is False  # no worker has ever written one
    path = watchdog.alive_path("inference@host")
    path.parent.mkdir(parents=True)
    path.touch()
    assert worker_alive.alive(["inference@host"], 60) == (True, "inference@host: 0 s ago")
    assert worker_alive.alive([], 60)[0] is True
    old = time.time() - 120
    os.utime(path, (old, old))
    ok, detail = worker_alive.alive(["inference@host"], 60)
    assert not ok and "120 s ago" in detail
    assert worker_alive.alive(["training@host"], 60) == (False, "training@host: no file")
    # As compose runs it: the exit status is the verdict.
    env = {**os.environ, "VAR_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "dlplatform.worker_alive", "--max-age", "60", "inference@host"]
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "NOT alive" in run.stdout
    path.touch()
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.redis  # the Redis transport's options
def test_celery_reads_the_supervision_settings():
    """A misspelt CELERY_* setting is silently ignored: check that Celery sees each one."""
    from dlplatform.celery import app

    conf = app.conf
    assert conf.broker_connection_retry_on_startup is True
    assert conf.broker_connection_retry is True
    assert conf.broker_connection_max_retries is None  # retry forever; the watchdog decides
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is False
    assert conf.worker_max_tasks_per_child == 100
    assert conf.task_publish_retry_policy["max_retries"] == 2
    options = conf.broker_transport_options
    assert options["socket_timeout"] > 1  # above the consumer's 1 s BRPOP
    assert options["socket_keepalive"] is True and options["health_check_interval"] == 25
