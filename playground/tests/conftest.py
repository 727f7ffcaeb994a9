"""Playground fixtures: MNIST installed in a private data folder that the test worker sees too."""

from __future__ import annotations

from pathlib import Path

import pytest

# ../shared/data/mnist beside the checkout; a git worktree (one folder deeper) finds it further up.
SHARED_MNIST = next(
    (
        parent / "shared" / "data" / "mnist"
        for parent in Path(__file__).resolve().parents[2:5]
        if (parent / "shared" / "data" / "mnist").is_dir()
    ),
    Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist",
)

TINY_CNN = {
    "blocks": [
        {"type": "conv", "channels": 4, "kernel": 3, "stride": 1, "padding": 1},
        {"type": "activation", "fn": "relu"},
        {"type": "pool", "kind": "max", "size": 2},
    ],
    "dataset": "mnist10k",
    "optimizer": "adam",
    "lr": 0.01,
    "schedule": "none",
    "batch_size": 32,
    "epochs": 1,
    "init": "default",
    "seed": 0,
    "augment": False,
    "max_steps": 0,
    "train_subset": 320,
}
FORM_FIELDS = ("dataset", "optimizer", "lr", "schedule", "batch_size", "epochs", "init", "seed")


def cnn_form_data() -> dict[str, str]:
    """TINY_CNN's scalar fields as the run form posts them (blocks left to the caller)."""
    return {"kind": "cnn", **{name: str(TINY_CNN[name]) for name in FORM_FIELDS}}


TINY_TEXT = {
    "cell": "lstm",
    "embedding": 8,
    "hidden": 16,
    "layers": 1,
    "dropout": 0.0,
    "seq_len": 16,
    "batch_size": 8,
    "clip": 1.0,
    "optimizer": "adam",
    "lr": 0.01,
    "epochs": 1,
    "seed": 0,
    "max_steps": 10,
    "corpus": "platform",
    "text": "",
}


@pytest.fixture(scope="session")
def _data_dir(tmp_path_factory) -> Path:
    from playground.training.files import FILES

    root = tmp_path_factory.mktemp("playground-data")
    (root / "mnist").mkdir()
    for name in FILES:
        if (SHARED_MNIST / name).exists():
            (root / "mnist" / name).write_bytes((SHARED_MNIST / name).read_bytes())
    return root


@pytest.fixture(autouse=True)
def playground_data(_data_dir, settings, monkeypatch) -> Path:
    """Both this process (settings) and a worker started by the test (environment) use it."""
    settings.PLAYGROUND_DATA_DIR = _data_dir
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(_data_dir))
    return _data_dir
