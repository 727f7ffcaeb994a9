"""A worker measures its own speed at start and publishes it for the estimates.

Worker code path only (imports torch): `tasks.py` calls `publish` from Celery's worker_ready
signal. One measurement is a few hundred milliseconds: training steps of a small CNN through the
real training loop at batch 1 (nearly all per-step cost) and at batch 64 (mostly FLOPs). Two
equations, two unknowns: time per step = overhead + FLOPs per step / FLOP rate.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch

from .training.config import CnnConfig, TextConfig
from .training.data import Corpus, Split
from .training.device import from_env as torch_device
from .training.estimate import TRAIN_FACTOR, cnn_estimate, text_estimate
from .training.loop import Hooks, Meter, train_one_epoch
from .training.models import build_cnn, build_text, make_optimizer
from .training.textloop import train_text_epoch

log = logging.getLogger(__name__)
# The default preset itself: most runs are it or a variant, and its per-step cost (batch norm,
# dropout, a dozen modules and their optimizer state) is what a smaller probe underestimated.
PROBE = CnnConfig()


Pass = Callable[[], float]  # one timed pass through the loop: seconds per step


def _interleaved(passes: list[Pass], rounds: int = 4) -> list[float]:
    """Seconds per step of each probe: the median of its timed passes after a warm-up round.

    The probes take turns, round by round: a burst of load from elsewhere then slows one pass
    of each probe, instead of all of one probe, which would skew the difference between them
    (the FLOP rate and the overhead come from differences).
    """
    times: list[list[float]] = [[] for _ in passes]
    for r in range(rounds):
        for i, run in enumerate(passes):
            t = run()
            if r:
                times[i].append(t)
    return [statistics.median(t) for t in times]


def _cnn_pass(batch: int, steps: int) -> Pass:
    gen, device = torch.Generator().manual_seed(0), torch_device()  # where the jobs will train
    model = build_cnn(PROBE).to(device)
    opt = make_optimizer("adam", model.parameters(), 0.001)
    n = batch * steps
    x, y = torch.randn(n, 1, 28, 28, generator=gen), torch.zeros(n, dtype=torch.long)
    data = Split(x.to(device), y.to(device))

    def run() -> float:
        meter = Meter(Hooks(), total_steps=steps, epochs=1)
        started = time.perf_counter()
        train_one_epoch(model, opt, None, data, batch, gen, meter, 1, False)
        return (time.perf_counter() - started) / steps

    return run


def measure() -> dict[str, float]:
    """{"step_overhead_s", "gflops"} of this process as it is configured now."""
    per_sample = cnn_estimate(PROBE, 1.0).flops_per_sample * TRAIN_FACTOR
    small_b, big_b = 1, 32
    t_small, t_big = _interleaved([_cnn_pass(small_b, 20), _cnn_pass(big_b, 4)])
    extra_flops = per_sample * (big_b - small_b)
    # Noise can make the big step look no slower; a floor keeps the rate finite and cautious.
    rate = extra_flops / max(t_big - t_small, 1e-6)
    overhead = max(t_small - per_sample * small_b / rate, 1e-5)
    return {"step_overhead_s": overhead, "gflops": max(min(rate / 1e9, 10_000.0), 0.1)}


TEXT_VOCAB = 96


def _text_pass(batch: int, seq_len: int, steps: int, cell: str = "lstm") -> Pass:
    device = torch_device()
    cfg = TextConfig(batch_size=batch, seq_len=seq_len, cell=cell)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    model = build_text(cfg, TEXT_VOCAB).to(device)
    opt = make_optimizer(cfg.optimizer, model.parameters(), cfg.lr)
    ids = torch.randint(0, TEXT_VOCAB, (batch * seq_len * steps + seq_len + 2,), generator=gen)
    corpus = Corpus([chr(32 + i) for i in range(TEXT_VOCAB)], ids.to(device), ids[:0])

    def run() -> float:
        meter = Meter(Hooks(), total_steps=steps, epochs=1, unit="chars")
        started = time.perf_counter()
        train_text_epoch(model, opt, cfg, corpus, gen, meter, 1)
        return (time.perf_counter() - started) / steps

    return run


def measure_text() -> dict[str, Any]:
    """{"text_step_overhead_s", "text_timestep_overhead_s", "text_gflops", "text_cell_gflops"}.

    A recurrent step runs its cell once per time step, so its fixed cost grows with the
    sequence length: the LSTM at batch 1 at two lengths separates the part per time step from
    the part per step, and at batch 32 gives the FLOP rate. Each other cell gets its own rate
    from one pass at batch 32 (GRU and plain RNN run far fewer FLOPs per second than the LSTM's
    fused kernel: bench/train_lstm.py).
    """

    def flops(cell: str) -> float:
        cfg = TextConfig(cell=cell)
        return text_estimate(cfg, 1.0, 10**6, TEXT_VOCAB).flops_per_sample * TRAIN_FACTOR

    long_t, short_t, big_b = 64, 16, 32
    others = ["gru", "rnn"]
    t_long, t_short, t_big, *t_cells = _interleaved(
        [_text_pass(1, long_t, 8), _text_pass(1, short_t, 8), _text_pass(big_b, long_t, 3)]
        + [_text_pass(big_b, long_t, 3, cell) for cell in others]
    )
    per_char = flops("lstm")
    rate = per_char * long_t * (big_b - 1) / max(t_big - t_long, 1e-6)
    per_t = max((t_long - t_short - per_char * (long_t - short_t) / rate) / (long_t - short_t), 0)
    fixed = max(t_short - per_t * short_t - per_char * short_t / rate, 1e-5)
    overhead = fixed + per_t * long_t  # what a step at this length costs beyond its FLOPs

    def bounded(r: float) -> float:
        return max(min(r / 1e9, 10_000.0), 0.1)

    cells = {"lstm": bounded(rate)}
    for cell, t in zip(others, t_cells, strict=True):
        cells[cell] = bounded(flops(cell) * long_t * big_b / max(t - overhead, 1e-6))
    return {
        "text_step_overhead_s": fixed,
        "text_timestep_overhead_s": per_t,
        "text_gflops": cells["lstm"],
        "text_cell_gflops": cells,
    }


def publish(*, hostname: str, queues: list[str], concurrency: int) -> dict[str, Any]:
    """Measure and store this worker's calibration (one row per worker hostname)."""
    from django.utils import timezone  # here: bench/estimate_vs_actual.py measures without Django

    from .models import WorkerCalibration

    started = time.perf_counter()
    figures = {**measure(), **measure_text()}
    now = timezone.now()
    WorkerCalibration.objects.update_or_create(
        hostname=hostname[:200],
        defaults={
            **figures,
            "queues": sorted(queues),
            "concurrency": concurrency,
            "threads": torch.get_num_threads(),
            "measured_at": now,
            "seen": now,
        },
    )
    log.info(
        "calibrated in %.0f ms: %.3f ms per step, %.1f GFLOP/s; text: %.3f ms per step "
        "+ %.3f ms per time step, %.1f GFLOP/s",
        1000 * (time.perf_counter() - started),
        1000 * figures["step_overhead_s"],
        figures["gflops"],
        1000 * figures["text_step_overhead_s"],
        1000 * figures["text_timestep_overhead_s"],
        figures["text_gflops"],
    )
    return figures
