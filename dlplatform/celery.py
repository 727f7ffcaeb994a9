"""The Celery application. Importing this module never imports torch."""

import os
import time
import warnings

from celery import Celery
from celery.signals import worker_process_init, worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlplatform.settings")
# Read by OpenMP when torch first loads, which in a worker happens after this module: idle
# OpenMP threads then sleep instead of spinning, so a thread that waits at a barrier for a
# descheduled sibling gives its core back (bench/busy_train.py measures the difference).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Printed at every broker reconnection while worker_cancel_long_running_tasks_on_connection_loss
# is False, which settings.py chooses on purpose (and says why).
warnings.filterwarnings("ignore", message=r"\s*In Celery 5.1 we introduced an optional breaking")

app = Celery("dlplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _set_torch_threads(**_: object) -> None:
    """Start each worker process at one torch thread (or TORCH_THREADS): the right count for
    inference, and safe for training, whose first job measures its own (playground.threads)."""
    from django.conf import settings

    threads = settings.TORCH_THREADS or 1
    try:
        import torch
    except ImportError:  # a web-only install has no torch; such a worker runs no training
        return
    torch.set_num_threads(threads)


@worker_ready.connect
def _start_watchdog(sender: object, **_: object) -> None:
    """Self-supervision: a worker whose pool or broker connection is stuck ends itself, and its
    supervisor starts a fresh one (dlplatform/watchdog.py). The heartbeat that /healthz reads
    (dlplatform/health.py) is written from the watchdog's loop after a check that passed: it
    says the worker's checks pass, not merely that some thread of the process still runs."""
    from django.conf import settings

    from dlplatform import health, watchdog

    hostname = sender.hostname  # type: ignore[attr-defined]
    queues = sorted(sender.app.amqp.queues.consume_from)  # type: ignore[attr-defined]
    last = [-health.HEARTBEAT_EVERY_S]

    def beat() -> None:
        now = time.monotonic()
        if now - last[0] >= health.HEARTBEAT_EVERY_S:
            last[0] = now
            health.heartbeat_write(hostname=hostname, queues=queues)

    watchdog.start(
        consumer=sender,
        every_s=settings.WORKER_WATCHDOG_EVERY_S,
        stuck_s=settings.WORKER_STUCK_S,
        broker_lost_s=settings.WORKER_BROKER_LOST_S,
        overdue_grace_s=settings.WORKER_OVERDUE_GRACE_S,
        on_healthy=beat,
    )


@worker_shutdown.connect
def _forget_alive_file(sender: object = None, **_: object) -> None:
    from dlplatform import watchdog

    hostname = getattr(sender, "hostname", None)
    if hostname:
        watchdog.forget(hostname)
