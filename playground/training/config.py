"""Dataclass configurations for the two experiments, with presets. Imports no torch."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields
from typing import Any

BLOCK_TYPES = ("conv", "activation", "batchnorm", "pool", "dropout", "dense")
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")
POOLS = ("max", "avg")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")
SCHEDULES = ("none", "step", "cosine")
INITS = ("default", "xavier", "kaiming")
CELLS = ("lstm", "gru", "rnn")
DATASETS = ("mnist10k", "mnist")
CORPORA = ("platform", "pasted")


def conv(channels: int, kernel: int = 3, stride: int = 1, padding: int = 0) -> dict[str, Any]:
    return {
        "type": "conv",
        "channels": channels,
        "kernel": kernel,
        "stride": stride,
        "padding": padding,
    }


def act(fn: str = "relu") -> dict[str, Any]:
    return {"type": "activation", "fn": fn}


def pool(kind: str = "max", size: int = 2) -> dict[str, Any]:
    return {"type": "pool", "kind": kind, "size": size}


BATCHNORM: dict[str, Any] = {"type": "batchnorm"}


def dropout(p: float) -> dict[str, Any]:
    return {"type": "dropout", "p": p}


def dense(units: int) -> dict[str, Any]:
    return {"type": "dense", "units": units}


# The default is sized for the benchmark target: >= 98 % test accuracy on MNIST 10k within 30 s
# of training on two CPU cores (bench/train_cnn.py). Batch norm keeps Adam stable; two cheap
# conv stages keep the forward pass near 6 MFLOP per image.
CNN_PRESETS: dict[str, list[dict[str, Any]]] = {
    "lenet": [
        conv(6, 5, 1, 2),
        act("tanh"),
        pool("avg", 2),
        conv(16, 5),
        act("tanh"),
        pool("avg", 2),
        dense(120),
        act("tanh"),
        dense(84),
        act("tanh"),
    ],
    "small-fast": [
        conv(8, 3, 1, 1),
        act("relu"),
        pool("max", 2),
        conv(16, 3, 1, 1),
        act("relu"),
        pool("max", 2),
        dense(32),
        act("relu"),
    ],
    "default": [
        conv(16, 5, 1, 2),
        BATCHNORM,
        act("relu"),
        pool("max", 2),
        conv(32, 5, 1, 2),
        BATCHNORM,
        act("relu"),
        pool("max", 2),
        dropout(0.25),
        dense(128),
        act("relu"),
        dropout(0.25),
    ],
}


@dataclass
class CnnConfig:
    blocks: list[dict[str, Any]] = field(
        default_factory=lambda: copy.deepcopy(CNN_PRESETS["default"])
    )
    dataset: str = "mnist10k"
    optimizer: str = "adam"
    lr: float = 0.002
    schedule: str = "cosine"
    # Measured (bench/train_cnn.py, 1 thread, README): batch 32 for 2 epochs reaches 98.05 %;
    # batches of 48-128 run 1.3-1.7x more images/s but end at 96.6-97.9 % after 2 epochs (fewer
    # steps). Two epochs, not five: the default run ends with results on a busy machine.
    batch_size: int = 32
    epochs: int = 2
    init: str = "default"
    seed: int = 0
    augment: bool = False
    max_steps: int = 0  # 0: no limit; tests set a few steps
    train_subset: int = 0  # 0: the whole training split; tests train on a few hundred images

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CnnConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: copy.deepcopy(v) for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class TextConfig:
    cell: str = "lstm"
    embedding: int = 32
    hidden: int = 128
    layers: int = 1
    dropout: float = 0.0
    seq_len: int = 64
    batch_size: int = 32
    clip: float = 1.0  # 0: no gradient clipping
    optimizer: str = "adam"
    lr: float = 0.003
    epochs: int = 3  # an epoch is one pass over the training text (~300k characters by default)
    seed: int = 0
    max_steps: int = 0
    corpus: str = "platform"
    text: str = ""  # the pasted corpus when corpus == "pasted"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{k: copy.deepcopy(v) for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def config_from(kind: str, data: dict[str, Any]) -> CnnConfig | TextConfig:
    return CnnConfig.from_dict(data) if kind == "cnn" else TextConfig.from_dict(data)
