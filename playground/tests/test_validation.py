"""Field-level validation with bounds: bad configs are refused at submission, never sent to a worker."""

from __future__ import annotations

import json

import pytest

from playground.forms import CnnForm, TextForm
from playground.training.config import CNN_PRESETS, CnnConfig, TextConfig

pytestmark = pytest.mark.django_db


def cnn_data(**over):
    data = {**CnnConfig().to_dict(), "blocks": json.dumps(CNN_PRESETS["default"])}
    data.update(over)
    return data


def text_data(**over):
    return {**TextConfig().to_dict(), **over}


def test_defaults_are_valid():
    assert CnnForm(cnn_data()).is_valid()
    assert TextForm(text_data()).is_valid()


@pytest.mark.parametrize(
    "field, value",
    [
        ("lr", 0),
        ("lr", 5),
        ("batch_size", 0),
        ("batch_size", 10_000),
        ("epochs", 0),
        ("optimizer", "lbfgs"),
        ("schedule", "warmup"),
        ("init", "zeros"),
        ("seed", -1),
    ],
)
def test_cnn_field_errors(field, value):
    form = CnnForm(cnn_data(**{field: value}))
    assert not form.is_valid() and list(form.errors) == [field]


@pytest.mark.parametrize(
    "field, value",
    [
        ("hidden", 10**9),
        ("lr", 0),
        ("layers", 9),
        ("cell", "transformer"),
        ("dropout", 0.99),
        ("seq_len", 1),
        ("clip", -1),
    ],
)
def test_text_field_errors(field, value):
    form = TextForm(text_data(**{field: value}))
    assert not form.is_valid() and field in form.errors


@pytest.mark.parametrize(
    "blocks, words",
    [
        (
            [{"type": "conv", "channels": 10**6, "kernel": 3, "stride": 1, "padding": 0}],
            "between 1 and 128",
        ),
        (
            [{"type": "conv", "channels": 8, "kernel": 9, "stride": 4, "padding": 0}] * 3,
            "does not fit",
        ),
        (
            [
                {"type": "dense", "units": 8},
                {"type": "conv", "channels": 8, "kernel": 3, "stride": 1, "padding": 0},
            ],
            "cannot follow a dense",
        ),
        ([{"type": "softmax"}], "type must be one of"),
        ([{"type": "dropout", "p": "half"}], "must be a number"),
        (
            [
                {"type": "dense", "units": 1024},
                {"type": "dense", "units": 1024},
                {"type": "dense", "units": 1024},
            ],
            "parameters; the limit",
        ),
        ([], "at least one block"),
    ],
)
def test_block_errors_are_on_the_blocks_field(blocks, words):
    form = CnnForm(cnn_data(blocks=json.dumps(blocks)))
    assert not form.is_valid()
    assert words in " ".join(form.errors["blocks"])


def test_invalid_json_blocks():
    form = CnnForm(cnn_data(blocks="[{"))
    assert not form.is_valid() and "Not valid JSON" in form.errors["blocks"][0]


def test_pasted_text_bounds(settings):
    settings.PLAYGROUND_MAX_TEXT_CHARS = 5000
    assert "text" in TextForm(text_data(corpus="pasted", text="too short")).errors
    assert "text" in TextForm(text_data(corpus="pasted", text="x" * 5001)).errors
    assert TextForm(text_data(corpus="pasted", text="abc " * 1000)).is_valid()


def test_missing_dataset_says_what_to_run(settings, tmp_path):
    settings.PLAYGROUND_DATA_DIR = tmp_path
    form = CnnForm(cnn_data())
    assert not form.is_valid()
    assert "not installed yet; ask your instructor" in form.errors["dataset"][0]
    assert "MNIST (60k" in CnnForm(cnn_data(dataset="mnist")).errors["dataset"][0]


def test_batch_memory_is_bounded():
    wide = [
        {"type": "conv", "channels": 128, "kernel": 3, "stride": 1, "padding": 1},
        {"type": "activation", "fn": "relu"},
    ] * 6 + [{"type": "pool", "kind": "max", "size": 4}]
    form = CnnForm(cnn_data(blocks=json.dumps(wide), batch_size=512))
    assert not form.is_valid() and "MB for its activations" in form.errors["batch_size"][0]
    assert CnnForm(
        cnn_data(blocks=json.dumps(wide), batch_size=16, epochs=1, max_steps=10)
    ).is_valid()
    big = TextForm(text_data(hidden=1024, layers=4, seq_len=256, batch_size=256, embedding=8))
    assert not big.is_valid() and "batch_size" in big.errors


def test_runs_longer_than_the_time_limit_are_refused(settings):
    settings.PLAYGROUND_JOB_SOFT_LIMIT_S = 60
    form = CnnForm(cnn_data(epochs=50))
    assert not form.is_valid() and "a run may take at most 60 s" in form.errors["epochs"][0]
    assert CnnForm(cnn_data(epochs=50, max_steps=100)).is_valid()  # max_steps caps the work
