"""Try-it keeps each job's model warm in the worker process: a second request of the same job
does not read the file again, new weights on disk are read afresh, and only the last few stay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from playground import runner
from playground.tests.conftest import TINY_CNN
from playground.training.config import CnnConfig
from playground.training.models import build_cnn

BLANK = [[0.0] * 28 for _ in range(28)]


def _save(path: Path, fill: float | None = None) -> None:
    model = build_cnn(CnnConfig.from_dict(TINY_CNN))
    if fill is not None:
        with torch.no_grad():
            for p in model.parameters():
                p.fill_(fill)
    torch.save({"kind": "cnn", "config": TINY_CNN, "state": model.state_dict()}, path)


@pytest.fixture(autouse=True)
def _empty_cache(monkeypatch) -> None:
    monkeypatch.setattr(runner, "_MODELS", type(runner._MODELS)())


def test_a_second_request_does_not_reload_the_model(tmp_path):
    path = tmp_path / "job-1.pt"
    _save(path)
    before = runner.LOADS["count"]
    first = runner.infer_digit(1, str(path), BLANK)
    second = runner.infer_digit(1, str(path), BLANK)
    assert runner.LOADS["count"] == before + 1
    assert first == second and len(first["probabilities"]) == 10


def test_new_weights_on_disk_are_read_again(tmp_path):
    path = tmp_path / "job-2.pt"
    _save(path, fill=0.0)  # every class equally likely
    old = runner.infer_digit(2, str(path), BLANK)
    assert len(set(old["probabilities"])) == 1
    _save(path)  # a rerun of the job wrote other weights under the same name
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # even within one tick
    before = runner.LOADS["count"]
    new = runner.infer_digit(2, str(path), BLANK)
    assert runner.LOADS["count"] == before + 1
    assert len(set(new["probabilities"])) > 1  # the new model answered, not the cached one


def test_only_the_last_few_models_stay_warm(tmp_path):
    paths = []
    for job in range(runner.MODEL_CACHE_SIZE + 1):
        paths.append(tmp_path / f"job-{job}.pt")
        _save(paths[-1])
        runner.load_model(job, str(paths[-1]))
    assert len(runner._MODELS) == runner.MODEL_CACHE_SIZE
    before = runner.LOADS["count"]
    runner.load_model(runner.MODEL_CACHE_SIZE, str(paths[-1]))  # the newest: still warm
    assert runner.LOADS["count"] == before
    runner.load_model(0, str(paths[0]))  # the oldest was dropped
    assert runner.LOADS["count"] == before + 1


def test_inference_runs_on_one_thread(tmp_path):
    path = tmp_path / "job-3.pt"
    _save(path)
    torch.set_num_threads(2)
    try:
        runner.infer_digit(3, str(path), BLANK)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(1)
