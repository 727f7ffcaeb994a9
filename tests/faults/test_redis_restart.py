"""Redis restarted while jobs are queued: every queued job still runs; none silently vanishes.

The broker is a private Redis that keeps nothing on disk (like the machine's own), so the restart
really loses every queued message. The job rows in PostgreSQL are the source of truth: the periodic
reaper notices queued jobs that the broker no longer holds and enqueues them again.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest
import redis

from conftest import ROOT, _worker_env, require, start_worker, stop_worker
from playground.models import Job
from tests.faults.servers import PrivateRedis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.subprocess]
JOBS = 3
TINY_TEXT = {
    "cell": "gru",
    "embedding": 8,
    "hidden": 16,
    "layers": 1,
    "dropout": 0.0,
    "seq_len": 16,
    "batch_size": 8,
    "clip": 1.0,
    "optimizer": "adam",
    "lr": 0.01,
    "epochs": 1,
    "seed": 0,
    "max_steps": 5,
    "corpus": "platform",
    "text": "",
}
SUBMIT = """
import json
from dlplatform.accounts.models import User
from playground.services import job_submit
user = User.objects.get(pk={user})
ids = [job_submit(user=user, kind="text", config=json.loads('{config}')).pk for _ in range({n})]
print(json.dumps(ids))
"""


@pytest.fixture
def private_redis():
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis.create()
    yield server
    server.stop()


def _env(broker: str) -> dict[str, str]:
    env = _worker_env()
    env.update(
        CELERY_BROKER_URL=broker,
        PLAYGROUND_MAX_ACTIVE_JOBS="10",
        PLAYGROUND_QUEUED_REQUEUE_S="2",
        PLAYGROUND_REAP_EVERY_S="2",
        TORCH_THREADS="1",
    )
    return env


def test_jobs_queued_before_a_redis_restart_still_run(private_redis, student, tmp_path):
    env = _env(private_redis.url)
    code = SUBMIT.format(user=student.pk, config=json.dumps(TINY_TEXT), n=JOBS)
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    job_ids = json.loads(out.stdout.strip().splitlines()[-1])
    broker = redis.Redis.from_url(private_redis.url)
    # The fair dispatcher sends one job per free worker slot (one, with no worker seen yet); the
    # others wait in PostgreSQL. The one message in the broker is what a restart loses.
    assert broker.llen("training") == 1, "the dispatched job waits in the broker"
    assert Job.objects.filter(pk__in=job_ids, status=Job.Status.QUEUED).count() == JOBS

    private_redis.stop()
    private_redis.start()
    assert broker.llen("training") == 0, "the restart lost every queued message"

    time.sleep(2)  # the jobs are now older than PLAYGROUND_QUEUED_REQUEUE_S
    worker = start_worker(tmp_path, concurrency=1, env=env, beat=True)
    try:
        deadline = time.monotonic() + 150
        while Job.objects.filter(pk__in=job_ids, status__in=Job.FINISHED).count() < JOBS:
            if time.monotonic() > deadline:
                pytest.fail(f"queued jobs never ran after the restart:\n{worker.log()[-3000:]}")
            time.sleep(0.5)
    finally:
        stop_worker(worker)
    statuses = list(Job.objects.filter(pk__in=job_ids).values_list("status", flat=True))
    assert statuses == ["succeeded"] * JOBS, statuses  # what was lost: nothing
