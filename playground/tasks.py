"""Celery tasks. No torch at module level: the web process imports this to enqueue."""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init, worker_ready, worker_shutdown
from django.utils import timezone

from . import conf, services
from .models import Job, WorkerCalibration
from .queue import RUN_TRAINING, TRAINING_QUEUE, broker_task_ids

log = logging.getLogger(__name__)


@worker_init.connect
def _warm_up(**_: object) -> None:
    """Import torch and load the datasets once in the worker's main process, before the pool forks.

    Every pool process inherits them (copy-on-write), so none re-imports or re-reads anything and
    a child is up well within Celery's start-up timeout, even on a busy machine.
    """
    try:
        from .runner import warm_up
    except ImportError:  # a web-only install has no torch
        return
    try:
        warm_up()
    except Exception:  # a missing dataset must not stop the worker; the job will say what to run
        log.warning("playground warm-up incomplete", exc_info=True)


@worker_ready.connect
def _calibrate(sender: Any = None, **_: object) -> None:
    """A training worker measures its per-step cost and FLOP rate once, after the pool started
    (so the measuring cannot disturb the children), and publishes it for the estimates.

    This is the main process, kept at one torch thread for the fork: the figures are those of a
    one-thread run, on the cautious side when the children use more.
    """
    queues = [q.name for q in getattr(getattr(sender, "task_consumer", None), "queues", [])]
    if TRAINING_QUEUE not in queues:
        return
    try:
        from .calibration import publish
    except ImportError:  # a web-only install has no torch
        return
    from dlplatform.watchdog import warming_up

    try:
        with warming_up():  # the consumer starts after this: waiting messages are not a wedge
            publish(
                hostname=sender.hostname, queues=queues, concurrency=sender.pool.num_processes or 1
            )
    except Exception:  # the estimates fall back to the conservative constants
        log.warning("playground calibration failed", exc_info=True)


@worker_shutdown.connect
def _unpublish(sender: Any = None, **_: object) -> None:
    """A worker that stops no longer counts as a slot for the dispatcher."""
    hostname = getattr(sender, "hostname", None)
    if hostname:
        try:
            WorkerCalibration.objects.filter(hostname=hostname).delete()
        except Exception:  # the database may be gone too; the row then ages out
            log.warning("could not unpublish worker %s", hostname, exc_info=True)


def _seen(hostname: str) -> None:
    WorkerCalibration.objects.filter(hostname=hostname).update(seen=timezone.now())


def _hostname(task: Any) -> str:
    return getattr(task.request, "hostname", None) or socket.gethostname()


def _soft_limit(task: Any) -> float:
    """The soft time limit this message runs under: the one the dispatcher gave it from the
    settings when it sent it, or the setting now for a message sent without one."""
    _hard, soft = getattr(task.request, "timelimit", None) or (None, None)
    return float(soft or conf.get("PLAYGROUND_JOB_SOFT_LIMIT_S"))


# No limits on the decorator: they would be frozen at import. Each message is sent with the
# settings' limits (`queue.send_training`); one sent by hand gets Celery's defaults.
@shared_task(name=RUN_TRAINING, bind=True, acks_late=True)
def run_training(self: Any, job_id: int) -> str:
    _seen(_hostname(self))
    job = services.job_mark_running(
        job_id=job_id, worker=_hostname(self), task_id=getattr(self.request, "id", None)
    )
    if job is None:
        return "skipped"  # cancelled while queued, or another delivery already claimed it
    from .runner import Reporter, run
    from .training.files import DatasetError
    from .training.loop import Cancelled

    soft = _soft_limit(self)
    reporter = Reporter(
        job_id,
        job.kind,
        job.config,
        soft_limit_s=soft,
        job_progress=services.job_progress,
        job_flags=services.job_flags,
        job_point=services.job_point,
    )
    try:
        results, weights = run(job_id, job.kind, job.config, reporter)
    except Cancelled:
        services.job_mark_cancelled(job_id=job_id)
        return "cancelled"
    except DatasetError as exc:
        # The exact file, folder and command are for the log and the instructors (the job page
        # shows them the command); the student who owns the run reads a plain sentence.
        log.warning("job %s: %s", job_id, exc)
        services.job_mark_failed(job_id=job_id, reason=services.DATASET_FAILURE, code="dataset")
        return "failed"
    except SoftTimeLimitExceeded:
        kept = reporter.stopped_results("time_limit")  # the loop's own deadline was overrun
        if kept is not None:
            services.job_mark_stopped(
                job_id=job_id, results=kept[0], weights=kept[1], history=reporter.history
            )
            return "stopped"
        services.job_mark_failed(
            job_id=job_id,
            reason=f"The training took longer than the time limit "
            f"of {soft:g} seconds. Try fewer epochs or a smaller network.",
        )
        return "failed"
    except Exception as exc:  # anything else: tell the student plainly, keep the trace in the log
        log.exception("job %s crashed", job_id)
        services.job_mark_failed(
            job_id=job_id, reason=f"The training stopped with an error: {type(exc).__name__}: {exc}"
        )
        return "failed"
    if "stopped" in results:
        services.job_mark_stopped(
            job_id=job_id, results=results, weights=weights, history=reporter.history
        )
        return "stopped"
    services.job_mark_succeeded(
        job_id=job_id, results=results, weights=weights, history=reporter.history
    )
    return "succeeded"


@shared_task(soft_time_limit=60, time_limit=90)
def reap_stale_jobs() -> dict[str, int]:
    try:
        ids = broker_task_ids()
    except Exception:  # the broker is down: reap the dead workers' jobs, re-enqueue nothing
        ids = None
    return services.reap_stale_jobs(broker_ids=ids)


def _answer(ticket: str, job_id: int, work: Any, weights: str = "") -> None:
    """Run `work(weights path)` and answer the ticket; the web sends the path with the message
    (read from the row it checked), so an answer costs no query here. Messages sent before the
    path travelled with them carry none: then the row is read."""
    started, started_at = time.perf_counter(), time.time()
    try:
        path = weights or Job.objects.only("weights").get(pk=job_id).weights
        result = work(path)
    except Exception as exc:  # the browser is polling the ticket: always give it an answer
        log.exception("inference for job %s failed", job_id)
        result = {"error": f"Inference failed: {type(exc).__name__}"}
    services.inference_answer(
        ticket=ticket,
        result=result,
        took_ms=1000 * (time.perf_counter() - started),
        started_at=started_at,
    )


# Routed to the inference queue (name starts with "infer"); sent with `expires`, so a message
# older than its ticket is dropped by the worker instead of run.
@shared_task(soft_time_limit=20, time_limit=30)
def infer_digit(job_id: int, payload: dict[str, Any], ticket: str, weights: str = "") -> None:
    from .runner import infer_digit as run

    _answer(ticket, job_id, lambda path: run(job_id, path, payload["pixels"]), weights)


@shared_task(soft_time_limit=20, time_limit=30)
def infer_text(job_id: int, payload: dict[str, Any], ticket: str, weights: str = "") -> None:
    from .runner import infer_text as run

    _answer(
        ticket,
        job_id,
        lambda path: run(
            job_id, path, payload["prompt"], payload["temperature"], payload["length"]
        ),
        weights,
    )
