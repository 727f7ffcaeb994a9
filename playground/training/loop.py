"""Training and evaluation loops with progress and cancel callbacks. No Django here."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import torch
import torch.nn.functional as F
from torch import nn

from .config import CnnConfig
from .data import Mnist, Split, to_pixels
from .models import build_cnn, count_params, make_optimizer, make_schedule
from .payloads import EpochPoint, Progress


class Cancelled(Exception):
    """Raised between batches when `should_stop` says the job was cancelled."""


class Stopped(Exception):
    """Raised between batches to end a run early but keep what it learned: the deadline
    (`reason` "time_limit") or the student's "stop and keep" (`reason` "requested")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _never() -> bool:
    return False


def _ignore(_: object) -> None:
    return None


def _no_reason() -> str | None:
    return None


def _no_checkpoint(_: nn.Module, __: dict[str, Any]) -> None:
    return None


@dataclass
class Hooks:
    on_progress: Callable[[Progress], None] = _ignore  # about twice a second
    on_epoch: Callable[[EpochPoint], None] = _ignore  # validation figures after each epoch
    should_stop: Callable[[], bool] = _never
    interval_s: float = 0.5
    # A reason to stop and keep the model ("requested"), or None; checked with should_stop.
    keep_reason: Callable[[], str | None] = _no_reason
    deadline: float | None = None  # time.perf_counter() at which the run stops and keeps
    # After each epoch: the model and the results as they would be if the run ended there.
    on_checkpoint: Callable[[nn.Module, dict[str, Any]], None] = _no_checkpoint


@dataclass
class Meter:
    """Counts steps and samples; reports throttled progress with speed and ETA."""

    hooks: Hooks
    total_steps: int
    epochs: int
    unit: Literal["samples", "chars"] = "samples"
    step: int = 0
    seen: int = 0
    started: float = field(default_factory=time.perf_counter)
    last_report: float = 0.0

    def batch(self, epoch: int, n: int, loss: float, acc: float | None) -> None:
        self.step, self.seen = self.step + 1, self.seen + n
        if self.hooks.should_stop():
            raise Cancelled
        now = time.perf_counter()
        reason = "time_limit" if self.past_deadline(now) else self.hooks.keep_reason()
        if reason:
            raise Stopped(reason)
        if now - self.last_report >= self.hooks.interval_s or self.step == self.total_steps:
            self.last_report = now
            self.hooks.on_progress(self.snapshot(epoch, loss, acc, now))

    def past_deadline(self, now: float) -> bool:
        return self.hooks.deadline is not None and now >= self.hooks.deadline

    def snapshot(self, epoch: int, loss: float, acc: float | None, now: float) -> Progress:
        elapsed = max(now - self.started, 1e-6)
        rate = self.step / elapsed
        left = None if self.hooks.deadline is None else max(self.hooks.deadline - now, 0.0)
        progress: Progress = {
            "step": self.step,
            "total_steps": self.total_steps,
            "epoch": epoch,
            "epochs": self.epochs,
            "loss": round(loss, 4),
            "acc": None if acc is None else round(acc, 4),
            "elapsed_s": round(elapsed, 2),
            "eta_s": round((self.total_steps - self.step) / rate, 1) if rate else None,
            "time_left_s": None if left is None else round(left, 1),  # before the run stops
        }
        if self.unit == "chars":
            progress["chars_per_s"] = round(self.seen / elapsed, 1)
        else:
            progress["samples_per_s"] = round(self.seen / elapsed, 1)
        return progress


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random shifts of up to 2 px and rotations of up to 10 degrees, on the whole batch at once."""
    n = x.shape[0]
    angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(10)
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * (2 / 14)  # grid units: 1.0 = 14 px
    cos, sin = angle.cos(), angle.sin()
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )
    grid = F.affine_grid(theta.to(x.device), list(x.shape), align_corners=False)
    # Padding with the normalised background value keeps shifted-in borders "blank paper".
    bg = float(x.min())
    return F.grid_sample(x - bg, grid, align_corners=False, padding_mode="zeros") + bg


def train_one_epoch(
    model: nn.Module,
    opt: torch.optim.Optimizer,
    sched: Any,
    data: Split,
    batch_size: int,
    gen: torch.Generator,
    meter: Meter,
    epoch: int,
    use_augment: bool,
) -> tuple[float, float]:
    """One pass over `data` in a seeded random order; returns (mean loss, accuracy)."""
    model.train()
    order = torch.randperm(len(data.y), generator=gen)
    total_loss = correct = seen = 0.0
    for start in range(0, len(order), batch_size):
        if meter.step >= meter.total_steps:
            break
        idx = order[start : start + batch_size]
        x, y = data.x[idx], data.y[idx]
        if use_augment:
            x = augment(x, gen)
        logits = model(x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        hits = (logits.argmax(1) == y).sum().item()
        total_loss, correct, seen = total_loss + loss.item() * len(y), correct + hits, seen + len(y)
        meter.batch(epoch, len(y), loss.item(), hits / len(y))
    return total_loss / max(seen, 1), correct / max(seen, 1)


def evaluate(model: nn.Module, data: Split, batch_size: int = 1000) -> dict[str, Any]:
    """Loss, accuracy and predictions on `data`, without gradients and with dropout/BN in eval mode."""
    model.eval()
    preds, total = [], 0.0
    with torch.inference_mode():
        for start in range(0, len(data.y), batch_size):
            logits = model(data.x[start : start + batch_size])
            total += F.cross_entropy(
                logits, data.y[start : start + batch_size], reduction="sum"
            ).item()
            preds.append(logits.argmax(1))
    pred = torch.cat(preds)
    return {
        "loss": total / len(data.y),
        "acc": (pred == data.y).float().mean().item(),
        "pred": pred,
    }


def cnn_report(data: Split, pred: torch.Tensor, max_examples: int = 24) -> dict[str, Any]:
    """Per-class accuracy, the 10x10 confusion matrix (rows: true class) and misclassified images."""
    pred = pred.cpu()  # the report is small and goes to JSON: build it on the CPU
    confusion = torch.zeros(10, 10, dtype=torch.int64)
    confusion.index_put_((data.y, pred), torch.ones_like(pred), accumulate=True)
    per_class = (confusion.diag().float() / confusion.sum(1).clamp(min=1)).tolist()
    wrong = (pred != data.y).nonzero().flatten()[:max_examples].tolist()
    examples = [
        {"pixels": to_pixels(data.x[i]), "label": int(data.y[i]), "pred": int(pred[i])}
        for i in wrong
    ]
    return {
        "per_class": [round(a, 4) for a in per_class],
        "confusion": confusion.tolist(),
        "misclassified": examples,
    }


def _stopped(reason: str, epochs_done: int, epochs: int) -> dict[str, Any]:
    why = "at the time limit" if reason == "time_limit" else "on request"
    return {
        "reason": reason,
        "epochs_done": epochs_done,
        "epochs": epochs,
        "message": f"Stopped {why} after {epochs_done} of {epochs} epochs.",
    }


def _epoch_end(
    model: nn.Module,
    mnist: Mnist,
    meter: Meter,
    epoch: int,
    loss: float | None,
    acc: float | None,
    t0: float,
    test: Split | None = None,
) -> dict[str, Any]:
    """Validate (on `test`, the test split on the training device), report the epoch, and
    return the results as they stand after it."""
    ev = evaluate(model, test or mnist.test)
    meter.hooks.on_epoch(
        {
            "epoch": epoch,
            "step": meter.step,
            "train_loss": None if loss is None else round(loss, 4),
            "train_acc": None if acc is None else round(acc, 4),
            "val_loss": round(ev["loss"], 4),
            "val_acc": round(ev["acc"], 4),
            "elapsed_s": round(time.perf_counter() - t0, 2),
        }
    )
    return {
        "params": count_params(model),
        "test_accuracy": round(ev["acc"], 4),
        "val_loss": round(ev["loss"], 4),
        "train_seconds": round(time.perf_counter() - t0, 2),
        "steps": meter.step,
        "epochs_done": epoch,
        **cnn_report(mnist.test, ev["pred"]),
    }


def on_device(data: Split, device: torch.device) -> Split:
    """The split moved to `device` once, so no batch is copied (a no-op on the CPU)."""
    return Split(data.x.to(device), data.y.to(device))


def train_cnn(
    cfg: CnnConfig, mnist: Mnist, hooks: Hooks, device: torch.device | None = None
) -> tuple[nn.Module, dict[str, Any]]:
    """Train on `device` (the CPU by default); a run stopped early (deadline or request)
    returns the model and results of its last completed epoch, or of the partial first epoch
    when none completed."""
    device = device or torch.device("cpu")
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)  # on the CPU: the same order on any device
    train = mnist.train
    if cfg.train_subset:
        train = Split(train.x[: cfg.train_subset], train.y[: cfg.train_subset])
    train, test = on_device(train, device), on_device(mnist.test, device)
    model = build_cnn(cfg).to(device)
    per_epoch = math.ceil(len(train.y) / cfg.batch_size)
    total = (
        per_epoch * cfg.epochs if not cfg.max_steps else min(cfg.max_steps, per_epoch * cfg.epochs)
    )
    opt = make_optimizer(cfg.optimizer, model.parameters(), cfg.lr)
    sched = make_schedule(cfg.schedule, opt, total)
    meter, started = Meter(hooks, total, cfg.epochs), time.perf_counter()
    kept: tuple[dict[str, Any], dict[str, Any]] | None = None  # (state, results) at epoch end
    epoch = 0
    try:
        for epoch in range(1, cfg.epochs + 1):
            loss, acc = train_one_epoch(
                model, opt, sched, train, cfg.batch_size, gen, meter, epoch, cfg.augment
            )
            result = _epoch_end(model, mnist, meter, epoch, loss, acc, started, test)
            kept = ({k: v.detach().clone() for k, v in model.state_dict().items()}, result)
            hooks.on_checkpoint(model, result)
            if meter.step >= total:
                break
            if meter.past_deadline(time.perf_counter()):
                raise Stopped("time_limit")
    except Stopped as stop:
        if kept is None:  # not one epoch done: the partly trained model is still worth keeping
            ended = _epoch_end(model, mnist, meter, epoch, None, None, started, test)
            kept = (model.state_dict(), ended)
            kept[1]["epochs_done"] = 0
        model.load_state_dict(kept[0])
        result = {**kept[1], "stopped": _stopped(stop.reason, kept[1]["epochs_done"], cfg.epochs)}
    return model, result
