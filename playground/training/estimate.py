"""Parameter count, compute and time estimates computed from a config by arithmetic alone.

No torch here: the web process calls this for the live estimate and for validation. The numbers
match the modules that `models.py` builds (a test checks the parameter count against torch).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import Any

from .config import CNN_CLASSES, CNN_INPUT, CnnConfig, ShapeError, TextConfig, block_output

__all__ = ["Estimate", "ShapeError", "cnn_estimate", "text_estimate", "text_params"]

TRAIN_SIZES = {"mnist10k": 8000, "mnist": 60000}
TEST_SIZES = {"mnist10k": 2000, "mnist": 10000}
DEFAULT_VOCAB = 96
# Backward costs about twice the forward pass, so a training step is ~3x the forward FLOPs.
TRAIN_FACTOR = 3


@dataclass
class Estimate:
    params: int
    flops_per_sample: int  # forward pass, multiply-add counted as 2
    flops_per_epoch: int  # training: forward + backward over the training split
    seconds: float
    shapes: list[str]
    memory_bytes: int = 0  # activations and their gradients for one training batch
    steps: int = 0  # optimizer steps the run will take
    overhead_seconds: float = 0.0  # the part of `seconds` that is per-step cost, not FLOPs
    # What one sample is, as the shape line of the form shows it.
    input_shape: str = "x".join(map(str, CNN_INPUT))

    def as_dict(self) -> dict[str, Any]:
        return {
            "params": self.params,
            "flops_per_sample": self.flops_per_sample,
            "flops_per_epoch": self.flops_per_epoch,
            "seconds": round(self.seconds, 1),
            "shapes": self.shapes,
            "memory_mb": round(self.memory_bytes / 2**20, 1),
            "steps": self.steps,
            "overhead_seconds": round(self.overhead_seconds, 1),
            "input_shape": self.input_shape,
        }


def _walk_cnn(blocks: list[dict[str, Any]]) -> tuple[int, int, list[str], int, int]:
    """Return (params, forward MACs, shape notes, features before the classifier, activations).

    The shapes come from `block_output`, the rule the model builder follows too."""
    shape: tuple[int, ...] = CNN_INPUT
    params = macs = 0
    shapes: list[str] = []
    acts = 0  # values each sample keeps for the backward pass, one per block output
    for i, b in enumerate(blocks):
        t, before = b["type"], shape
        shape = block_output(i, b, shape)
        size = prod(shape)
        if t == "conv":
            k = b["kernel"]
            params += shape[0] * before[0] * k * k + shape[0]
            macs += size * before[0] * k * k
        elif t == "batchnorm":
            params += 2 * shape[0]
        elif t == "dense":
            params, macs = params + prod(before) * size + size, macs + prod(before) * size
        shapes.append(f"{t}: {'x'.join(map(str, shape))}")
        acts += size
    return params, macs, shapes, prod(shape), acts


def _share(max_steps: int, steps: int) -> float:
    """The part of the planned steps that `max_steps` lets run."""
    return min(1.0, max_steps / steps) if max_steps else 1.0


def _run_steps(max_steps: int, steps: int) -> int:
    return min(max_steps, steps) if max_steps else steps


def cnn_estimate(cfg: CnnConfig, gflops: float, step_overhead_s: float = 0.0) -> Estimate:
    """`step_overhead_s`: what one step costs beyond its FLOPs (a worker measures it)."""
    params, macs, shapes, features, acts = _walk_cnn(cfg.blocks)
    params += features * CNN_CLASSES + CNN_CLASSES  # the classifier every network ends with
    macs += features * CNN_CLASSES
    shapes.append(f"classifier: {CNN_CLASSES}")
    per_sample = 2 * macs
    samples = cfg.train_subset or TRAIN_SIZES.get(cfg.dataset, 8000)
    per_epoch = TRAIN_FACTOR * per_sample * samples
    steps = -(-samples // cfg.batch_size) * cfg.epochs
    total = per_epoch * cfg.epochs * _share(cfg.max_steps, steps)
    total += per_sample * TEST_SIZES.get(cfg.dataset, 2000) * cfg.epochs
    memory = (
        2 * 4 * (acts + prod(CNN_INPUT) + CNN_CLASSES) * cfg.batch_size
    )  # float32 values and their gradients
    run = _run_steps(cfg.max_steps, steps)
    overhead = run * step_overhead_s
    seconds = total / (gflops * 1e9) + overhead
    return Estimate(params, per_sample, per_epoch, seconds, shapes, memory, run, overhead)


def text_params(cfg: TextConfig, vocab: int) -> int:
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cfg.cell]
    total = vocab * cfg.embedding + cfg.hidden * vocab + vocab
    size_in = cfg.embedding
    for _ in range(cfg.layers):
        # PyTorch keeps two bias vectors per gate (input-hidden and hidden-hidden).
        total += gates * (cfg.hidden * (size_in + cfg.hidden) + 2 * cfg.hidden)
        size_in = cfg.hidden
    return total


def text_estimate(
    cfg: TextConfig,
    gflops: float,
    corpus_chars: int,
    vocab: int = DEFAULT_VOCAB,
    step_overhead_s: float = 0.0,
    timestep_overhead_s: float = 0.0,
) -> Estimate:
    """`step_overhead_s` per step and `timestep_overhead_s` per time step and layer: what a
    step costs beyond its FLOPs (a worker measures both on a character model)."""
    params = text_params(cfg, vocab)
    gates = {"lstm": 4, "gru": 3, "rnn": 1}[cfg.cell]
    macs = cfg.hidden * vocab
    size_in = cfg.embedding
    for _ in range(cfg.layers):
        macs += gates * cfg.hidden * (size_in + cfg.hidden)
        size_in = cfg.hidden
    per_char = 2 * macs
    per_epoch = TRAIN_FACTOR * per_char * int(corpus_chars * 0.9)
    steps = max(1, int(corpus_chars * 0.9) // (cfg.batch_size * cfg.seq_len)) * cfg.epochs
    run = _run_steps(cfg.max_steps, steps)
    overhead = run * (step_overhead_s + timestep_overhead_s * cfg.seq_len * cfg.layers)
    seconds = per_epoch * cfg.epochs * _share(cfg.max_steps, steps) / (gflops * 1e9) + overhead
    shapes = [
        f"embedding: {vocab}->{cfg.embedding}",
        f"{cfg.cell} x{cfg.layers}: {cfg.hidden}",
        f"output: {vocab}",
    ]
    per_step = cfg.embedding + cfg.layers * cfg.hidden * (gates + 2) + 2 * vocab
    memory = 2 * 4 * per_step * cfg.seq_len * cfg.batch_size
    # A text sample is a window of characters, not an image.
    shape_in = f"{cfg.seq_len} characters"
    return Estimate(params, per_char, per_epoch, seconds, shapes, memory, run, overhead, shape_in)
