"""Every block, activation, pooling, optimizer, schedule and initialization builds and trains a step;
the torch-free estimate counts exactly the parameters torch builds."""

from __future__ import annotations

import pytest
import torch

from conftest import grid
from playground.training.config import (
    ACTIVATIONS,
    CELLS,
    CNN_PRESETS,
    INITS,
    OPTIMIZERS,
    POOLS,
    SCHEDULES,
    CnnConfig,
    TextConfig,
)
from playground.training.data import Split
from playground.training.estimate import cnn_estimate, text_params
from playground.training.loop import Hooks, Meter, augment, evaluate, train_one_epoch
from playground.training.models import (
    build_cnn,
    build_text,
    count_params,
    make_optimizer,
    make_schedule,
)


def _every_block(fn: str, pool: str) -> list[dict]:
    return [
        {"type": "conv", "channels": 4, "kernel": 3, "stride": 2, "padding": 1},
        {"type": "batchnorm"},
        {"type": "activation", "fn": fn},
        {"type": "pool", "kind": pool, "size": 2},
        {"type": "dropout", "p": 0.1},
        {"type": "dense", "units": 12},
        {"type": "batchnorm"},
        {"type": "activation", "fn": fn},
    ]


def _fake_split(n: int = 64) -> Split:
    return Split(torch.randn(n, 1, 28, 28), torch.randint(0, 10, (n,)))


@pytest.mark.parametrize("fn", ACTIVATIONS)
@pytest.mark.parametrize("pool", POOLS)
def test_every_block_builds_and_matches_estimate(fn, pool):
    cfg = CnnConfig(blocks=_every_block(fn, pool))
    model = build_cnn(cfg)
    assert model(torch.randn(3, 1, 28, 28)).shape == (3, 10)
    assert count_params(model) == cnn_estimate(cfg, 10).params


@pytest.mark.parametrize("preset", sorted(CNN_PRESETS))
def test_presets_match_estimate(preset):
    cfg = CnnConfig(blocks=CNN_PRESETS[preset])
    assert count_params(build_cnn(cfg)) == cnn_estimate(cfg, 10).params


@pytest.mark.parametrize(("optimizer", "schedule", "init"), grid(OPTIMIZERS, SCHEDULES, INITS))
def test_every_optimizer_schedule_init_trains(optimizer, schedule, init):
    cfg = CnnConfig(blocks=CNN_PRESETS["small-fast"], init=init)
    model = build_cnn(cfg)
    opt = make_optimizer(optimizer, model.parameters(), 0.01)
    sched = make_schedule(schedule, opt, 4)
    before = [p.detach().clone() for p in model.parameters()]
    meter = Meter(Hooks(), total_steps=4, epochs=1)
    loss, acc = train_one_epoch(
        model, opt, sched, _fake_split(), 16, torch.Generator(), meter, 1, True
    )
    assert meter.step == 4 and loss > 0 and 0 <= acc <= 1
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert 0 <= evaluate(model, _fake_split(32))["acc"] <= 1


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("layers", [1, 2])
def test_text_models_build_and_match_estimate(cell, layers):
    cfg = TextConfig(cell=cell, layers=layers, embedding=8, hidden=16, dropout=0.1)
    model = build_text(cfg, vocab=30)
    logits, _ = model(torch.randint(0, 30, (2, 5)))
    assert logits.shape == (2, 5, 30)
    assert count_params(model) == text_params(cfg, 30)


def test_augment_keeps_shape_and_moves_pixels():
    x = _fake_split(8).x
    y = augment(x, torch.Generator().manual_seed(0))
    assert y.shape == x.shape and not torch.allclose(x, y)


@pytest.mark.parametrize("preset", sorted(CNN_PRESETS))
def test_the_one_shape_rule_matches_torch(preset):
    """`block_output` is what both the estimate and the builder walk the network with."""
    from playground.training.config import block_output

    cfg = CnnConfig(blocks=CNN_PRESETS[preset])
    model = build_cnn(cfg).eval()
    x, shape = torch.zeros(2, 1, 28, 28), (1, 28, 28)
    for i, (block, layer) in enumerate(zip(cfg.blocks, model, strict=False)):
        x, shape = layer(x), block_output(i, block, shape)
        assert tuple(x.shape[1:]) == shape, (i, block)
