"""Text runs keep what they learned like CNN runs: a checkpoint at each epoch end, and a run
stopped by the time limit or the student ends with its last completed epoch and a model that
answers try-it."""

from __future__ import annotations

import time

import pytest

from playground import runner
from playground.training.config import TextConfig
from playground.training.data import make_corpus
from playground.training.loop import Hooks
from playground.training.textloop import train_text

TEXT = "the quick brown fox jumps over the lazy dog. " * 60  # ~2,700 characters


def _cfg(epochs: int) -> TextConfig:
    return TextConfig(hidden=16, embedding=8, seq_len=16, batch_size=8, epochs=epochs)


def test_each_epoch_end_is_checkpointed_with_its_results():
    corpus, kept = make_corpus(TEXT), []
    hooks = Hooks(on_checkpoint=lambda model, results: kept.append(results))
    _, results = train_text(_cfg(3), corpus, hooks)
    assert [r["epochs_done"] for r in kept] == [1, 2, 3]
    assert kept[-1]["val_loss"] == results["val_loss"] and "stopped" not in results
    assert [len(r["samples"]) for r in kept] == [1, 2, 3]  # each a snapshot, not one shared list


def test_the_time_limit_ends_a_text_run_with_its_last_completed_epoch():
    corpus, kept = make_corpus(TEXT), []
    hooks = Hooks(on_checkpoint=lambda model, results: kept.append(results))

    def on_epoch(figures):
        if figures["epoch"] == 2:
            hooks.deadline = time.perf_counter()  # the limit falls during epoch 3

    hooks.on_epoch = on_epoch
    _, results = train_text(_cfg(5), corpus, hooks)
    assert results["stopped"]["message"] == "Stopped at the time limit after 2 of 5 epochs."
    assert results["epochs_done"] == 2 and results["val_loss"] == kept[-1]["val_loss"]
    assert len(kept) == 2


def test_stop_requested_keeps_a_text_model():
    hooks = Hooks(keep_reason=lambda: "requested")
    _, results = train_text(_cfg(3), make_corpus(TEXT), hooks)
    assert results["stopped"]["reason"] == "requested" and results["stopped"]["epochs_done"] == 0
    assert results["samples"]  # the partial epoch was still evaluated and sampled


@pytest.mark.slow  # trains a text model until a real soft time limit: 1.7 s
@pytest.mark.django_db
def test_a_text_job_killed_by_the_soft_limit_keeps_a_working_checkpoint(settings, tmp_path):
    """The task's SoftTimeLimitExceeded path: the reporter's last checkpoint must load and
    generate (it carries the vocabulary), not just exist."""
    settings.PLAYGROUND_DATA_DIR = str(tmp_path)
    cfg = _cfg(2)

    def nothing(**_: object) -> None:  # no job row behind this reporter
        return None

    reporter = runner.Reporter(
        987654,
        "text",
        cfg.to_dict(),
        job_progress=nothing,
        job_flags=lambda **_: (False, False),
        job_point=nothing,
    )
    corpus = make_corpus(TEXT)
    reporter.saved_extra = {"chars": corpus.chars}
    hooks = reporter.hooks()
    hooks.on_progress = lambda p: None  # no job row behind this reporter
    hooks.should_stop = lambda: False
    train_text(cfg, corpus, hooks)

    kept = reporter.stopped_results("time_limit")
    assert kept is not None
    results, weights = kept
    assert results["stopped"]["message"] == "Stopped at the time limit after 2 of 2 epochs."
    answer = runner.infer_text(987654, weights, "the ", 0.5, 20)
    assert len(answer["continuation"]) == 20
