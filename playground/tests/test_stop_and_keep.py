"""A run stopped by its time limit or by the student keeps what its completed epochs learned."""

from __future__ import annotations

import time

import pytest
import torch

from playground.training.config import CnnConfig
from playground.training.data import Mnist, Split
from playground.training.loop import Hooks, train_cnn


def _digits(n: int, seed: int) -> Split:
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 10, (n,), generator=gen)
    # A learnable toy task: each class lights its own row band, plus noise.
    x = torch.randn(n, 1, 28, 28, generator=gen) * 0.3
    for i in range(n):
        x[i, 0, int(y[i]) * 2 : int(y[i]) * 2 + 3, :] += 2.0
    return Split(x, y)


@pytest.fixture(scope="module")
def data() -> Mnist:
    return Mnist(_digits(256, 1), _digits(64, 2))


def _cfg(epochs: int) -> CnnConfig:
    return CnnConfig(epochs=epochs, batch_size=32)


def test_the_time_limit_ends_the_run_with_the_last_completed_epoch(data):
    hooks = Hooks()

    def on_epoch(figures):
        if figures["epoch"] == 2:
            hooks.deadline = time.perf_counter()  # the limit falls during epoch 3

    hooks.on_epoch = on_epoch
    model, results = train_cnn(_cfg(5), data, hooks)

    assert results["stopped"]["reason"] == "time_limit"
    assert results["epochs_done"] == 2 and results["stopped"]["epochs_done"] == 2
    assert results["stopped"]["message"] == "Stopped at the time limit after 2 of 5 epochs."
    assert len(results["confusion"]) == 10 and all(len(row) == 10 for row in results["confusion"])
    assert 0.0 <= results["test_accuracy"] <= 1.0
    assert isinstance(model, torch.nn.Module)


def test_stop_requested_before_any_epoch_keeps_the_partly_trained_model(data):
    hooks = Hooks(keep_reason=lambda: "requested", should_stop=lambda: False)
    model, results = train_cnn(_cfg(3), data, hooks)

    assert results["stopped"]["reason"] == "requested"
    assert results["stopped"]["epochs_done"] == 0
    assert len(results["confusion"]) == 10


def test_an_unstopped_run_is_not_marked_stopped(data):
    _, results = train_cnn(_cfg(1), data, Hooks())
    assert "stopped" not in results or not results["stopped"]
