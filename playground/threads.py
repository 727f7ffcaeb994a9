"""How many torch threads a worker process trains with: measured, never assumed.

On a busy machine more threads can be many times slower than one (OpenMP threads wait at
barriers for a sibling that was descheduled), so each worker process times a few steps of the
default preset at 1 thread and at every core it may use, once, at its first job, and keeps the
faster. `TORCH_THREADS` in settings skips the measurement. Worker-side only (imports torch).
"""

from __future__ import annotations

import logging
import os
import time

import torch
import torch.nn.functional as F
from django.conf import settings

from .training.config import CnnConfig
from .training.models import build_cnn, make_optimizer

log = logging.getLogger(__name__)
_chosen: dict[str, int] = {}  # per process: {"threads": n}


def cores() -> int:
    """The cores this process may run on (a container or `taskset` can allow fewer than exist)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def images_per_s(threads: int, steps: int = 0, batch: int = 0) -> float:
    """Training speed of the default preset at `threads`, on random images (best of 2 tries)."""
    torch.set_num_threads(threads)
    cfg = CnnConfig()
    batch = batch or cfg.batch_size
    steps = steps or max(3, 192 // batch)  # about the same work whatever the default batch
    model = build_cnn(cfg)
    opt = make_optimizer(cfg.optimizer, model.parameters(), cfg.lr)
    x, y = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    best = 0.0
    for attempt in range(3):  # the first try warms up and is not counted
        t0 = time.perf_counter()
        for _ in range(steps):
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        if attempt:
            best = max(best, steps * batch / (time.perf_counter() - t0))
    return best


def choose(candidates: list[int] | None = None, rounds: int = 2) -> tuple[int, dict[int, float]]:
    """The fastest thread count among 1 and all usable cores, and what was measured.

    The counts are timed in turn, `rounds` times, and each keeps its best: a burst of load from
    elsewhere then hurts one try of each count rather than every try of one. More threads must
    be clearly faster (by 10%) to win: a near tie goes to the count that cannot collapse when
    the machine gets busier.
    """
    n = cores()
    counts = candidates or sorted({1, n})
    speed = {t: 0.0 for t in counts}
    for _ in range(rounds):
        for t in counts:
            speed[t] = max(speed[t], images_per_s(t))
    best = 1 if 1 in speed else counts[0]
    for t in counts:
        if speed[t] > 1.1 * speed[best]:
            best = t
    return best, speed


def ensure() -> int:
    """Set this process's torch threads once: TORCH_THREADS, else the measured choice."""
    if "threads" not in _chosen:
        fixed = getattr(settings, "TORCH_THREADS", None)
        if fixed:
            _chosen["threads"] = int(fixed)
        else:
            _chosen["threads"], speed = choose()
            log.info("torch threads: %s (images/s measured %s)", _chosen["threads"], speed)
    torch.set_num_threads(_chosen["threads"])
    return _chosen["threads"]
