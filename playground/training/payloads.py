"""The shapes of what a training run reports: progress (about twice a second), the points of its
curves (history) and the validation figures of each epoch. Stored as JSON on the Job row and read
by the job page's script (playground/static/playground/job.js), so keys are part of that contract.
"""

from __future__ import annotations

from typing import TypedDict


class Progress(TypedDict, total=False):
    step: int
    total_steps: int
    epoch: int
    epochs: int
    loss: float
    acc: float | None  # None for the text models
    samples_per_s: float  # CNN runs
    chars_per_s: float  # text runs
    elapsed_s: float
    eta_s: float | None
    time_left_s: float | None  # before the run stops at its time limit


class TrainPoint(TypedDict):
    seq: int  # numbers the points of both curves in the order they were measured (JobPoint.seq)
    step: int
    loss: float
    acc: float | None


class EpochPoint(TypedDict, total=False):
    epoch: int
    step: int
    train_loss: float | None
    train_acc: float | None  # CNN runs
    val_loss: float
    val_acc: float  # CNN runs
    val_bpc: float  # text runs
    elapsed_s: float


class ValPoint(EpochPoint):
    """An epoch's figures as the history stores them: numbered like the training points."""

    seq: int


class History(TypedDict):
    train: list[TrainPoint]
    val: list[ValPoint]
