"""TORCH_DEVICE: the CPU unless asked; CUDA asked for but missing falls back to the CPU with one
log line (the job still trains); a value naming no device is an error. The CPU path is the
tested one; the CUDA test runs only where a GPU is present."""

from __future__ import annotations

import logging

import pytest
import torch

from playground.training import device as dev
from playground.training.config import CnnConfig, TextConfig
from playground.training.data import Mnist, Split, make_corpus
from playground.training.loop import Hooks, train_cnn
from playground.training.textloop import generate, train_text


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)
    monkeypatch.setattr(dev, "_warned", set())


@pytest.mark.parametrize("value", [None, "", "cpu", " CPU "])
def test_cpu_is_the_default(value, monkeypatch):
    if value is None:
        monkeypatch.delenv("TORCH_DEVICE", raising=False)
    else:
        monkeypatch.setenv("TORCH_DEVICE", value)
    assert dev.from_env() == torch.device("cpu")


def test_cuda_without_a_gpu_falls_back_to_the_cpu_and_says_so_once(no_gpu, caplog):
    with caplog.at_level(logging.WARNING, logger=dev.__name__):
        assert dev.resolve("cuda") == torch.device("cpu")
        assert dev.resolve("cuda") == torch.device("cpu")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and "TORCH_DEVICE=cuda" in lines[0] and "on the CPU" in lines[0]


def test_auto_picks_cuda_only_when_present(no_gpu, monkeypatch, caplog):
    assert dev.resolve("auto") == torch.device("cpu")
    assert not caplog.records  # nothing was asked for that is missing
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert dev.resolve("auto") == torch.device("cuda")
    assert dev.resolve("cuda:1") == torch.device("cuda:1")
    assert dev.resolve("cuda:2") == torch.device("cpu")  # no third GPU


@pytest.mark.parametrize("value", ["tpu", "cuda:x", "gpu"])
def test_a_value_naming_no_device_is_an_error(value):
    with pytest.raises(ValueError, match="TORCH_DEVICE"):
        dev.resolve(value)


def _mnist(n: int = 64) -> Mnist:
    gen = torch.Generator().manual_seed(0)
    split = Split(
        torch.randn(n, 1, 28, 28, generator=gen), torch.randint(0, 10, (n,), generator=gen)
    )
    return Mnist(split, split)


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.slow  # trains both loops for real: 3 s on 2 cores
@pytest.mark.parametrize("name", DEVICES)
def test_both_loops_train_and_answer_on_the_device(name):
    device = torch.device(name)
    model, results = train_cnn(CnnConfig(epochs=1, augment=True), _mnist(), Hooks(), device)
    assert next(model.parameters()).device.type == device.type
    assert len(results["confusion"]) == 10
    corpus = make_corpus("abcd efgh " * 300)
    cfg = TextConfig(hidden=8, embedding=4, seq_len=8, batch_size=4, epochs=1, max_steps=3)
    text_model, _ = train_text(cfg, corpus, Hooks(), device)
    assert next(text_model.parameters()).device.type == device.type
    assert len(generate(text_model, corpus, "ab", 5, seed=0)) == 5
