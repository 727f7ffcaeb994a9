"""Worker-side code: runs a claimed job with torch and answers inference requests.

Imported only inside Celery tasks and the worker warm-up, never by the web process.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol

import torch
from django.conf import settings

from . import conf, datasets, threads
from .training.config import OPTIMIZERS, CnnConfig, TextConfig, config_from
from .training.corpus import platform_text
from .training.data import Corpus, load_mnist, make_corpus
from .training.device import from_env as torch_device
from .training.loop import Hooks, _stopped, train_cnn
from .training.models import CharModel, build_cnn, build_text, make_optimizer
from .training.payloads import EpochPoint, History, Progress, TrainPoint, ValPoint
from .training.textloop import generate, train_text

MAX_POINTS = 300  # history points kept per curve; older ones are thinned out


def warm_up() -> None:
    """Load what every job needs once, so a job starts training at once.

    Runs before the pool forks: one thread here keeps OpenMP from starting a thread team that
    forked children could not use; each child then sets its own thread count (dlplatform.celery).
    """
    torch.set_num_threads(1)
    platform_text()
    if not datasets.problems("mnist10k"):
        load_mnist(datasets.root(), "mnist10k")
    _first_steps()


def _first_steps() -> None:
    """One tiny training step of each model family and optimizer: torch's lazy one-time set-up
    (the first optimizer alone imports for ~1.5 s) happens here instead of in a student's job."""
    cnn = build_cnn(CnnConfig())
    torch.nn.functional.cross_entropy(
        cnn(torch.zeros(2, 1, 28, 28)), torch.zeros(2, dtype=torch.long)
    ).backward()
    for name in OPTIMIZERS:
        make_optimizer(name, cnn.parameters(), 0.01).step()
    for cell in ("lstm", "gru", "rnn"):
        logits, _ = build_text(TextConfig(cell=cell, hidden=8, embedding=4), 4)(
            torch.zeros(1, 3, dtype=torch.long)
        )
        logits.sum().backward()


class ProgressWriter(Protocol):
    def __call__(
        self, *, job_id: int, progress: Progress, point: TrainPoint | None = None
    ) -> None: ...


class PointWriter(Protocol):
    def __call__(self, *, job_id: int, curve: str, point: ValPoint) -> None: ...


class FlagsReader(Protocol):
    def __call__(self, *, job_id: int) -> tuple[bool, bool]: ...


class Reporter:
    """Turns training callbacks into throttled row updates and cheap cancel checks.

    The writes and reads are passed in (`tasks` passes `services.job_progress` and
    `services.job_flags`), so the runner does not import `services`."""

    def __init__(
        self,
        job_id: int,
        kind: str = "cnn",
        config: dict[str, Any] | None = None,
        *,
        soft_limit_s: float | None = None,
        job_progress: ProgressWriter,
        job_flags: FlagsReader,
        job_point: PointWriter,
    ) -> None:
        self.job_id, self.kind, self.config = job_id, kind, config or {}
        self.job_progress, self.job_flags = job_progress, job_flags
        self.job_point = job_point
        self.history: History = {"train": [], "val": []}
        self.seq = 0  # numbers the points of both curves in the order they were measured
        self.last_check = 0.0
        self.cancelled = self.stop = False
        self.deadline = perf_deadline(soft_limit_s)
        self.kept: dict[str, Any] | None = None  # results of the last checkpoint
        self.saved_extra: dict[str, Any] = {}  # what loading needs besides the weights (chars)

    def _seq(self) -> int:
        self.seq += 1
        return self.seq

    def on_progress(self, p: Progress) -> None:
        point: TrainPoint = {
            "seq": self._seq(),
            "step": p["step"],
            "loss": p["loss"],
            "acc": p["acc"],
        }
        train = self.history["train"]
        train.append(point)
        if len(train) > MAX_POINTS:  # thins the history stored at the end, not the live rows
            self.history["train"] = train[::2]
        self.job_progress(job_id=self.job_id, progress=p, point=point)

    def on_epoch(self, ev: EpochPoint) -> None:
        point: ValPoint = {"seq": self._seq(), **ev}
        self.history["val"].append(point)
        self.job_point(job_id=self.job_id, curve="val", point=point)

    def should_stop(self) -> bool:
        now = time.monotonic()
        if now - self.last_check >= 0.3:
            self.last_check = now
            self.cancelled, self.stop = self.job_flags(job_id=self.job_id)
        return self.cancelled

    def keep_reason(self) -> str | None:
        return "requested" if self.stop else None

    def on_checkpoint(self, model: torch.nn.Module, results: dict[str, Any]) -> None:
        """Each epoch end: the weights on disk and the results in memory, so a run killed by
        the soft time limit still ends with the last completed epoch."""
        path = weights_path(self.job_id)
        state = {"kind": self.kind, "config": self.config, "state": model.state_dict()}
        torch.save({**state, **self.saved_extra}, path)
        self.kept = results

    def stopped_results(self, reason: str) -> tuple[dict[str, Any], str] | None:
        """(results, weights) of the last checkpoint, marked as stopped; None without one."""
        if self.kept is None:
            return None
        stop = _stopped(reason, self.kept.get("epochs_done", 0), self.config.get("epochs", 0))
        return {**self.kept, "stopped": stop}, str(weights_path(self.job_id))

    def hooks(self) -> Hooks:
        return Hooks(
            on_progress=self.on_progress,
            on_epoch=self.on_epoch,
            should_stop=self.should_stop,
            keep_reason=self.keep_reason,
            deadline=self.deadline,
            on_checkpoint=self.on_checkpoint,
        )


def perf_deadline(soft_limit_s: float | None = None) -> float:
    """When the loop stops and keeps its model: a margin before the task's soft time limit
    (the message's, else the setting read now, so a test can shorten it), left for saving and
    writing the results."""
    soft = float(soft_limit_s or conf.get("PLAYGROUND_JOB_SOFT_LIMIT_S"))
    return time.perf_counter() + soft - min(15.0, max(0.5, 0.05 * soft))


def weights_path(job_id: int) -> Path:
    path = Path(settings.PLAYGROUND_DATA_DIR) / "weights" / f"job-{job_id}.pt"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def corpus_for(cfg: TextConfig) -> Corpus:
    return make_corpus(cfg.text if cfg.corpus == "pasted" else platform_text())


def run(
    job_id: int, kind: str, config: dict[str, Any], reporter: Reporter
) -> tuple[dict[str, Any], str]:
    """Train; return (results, weights path). Raises Cancelled or DatasetError.

    A run stopped early (time limit, or "stop and keep") returns normally, with the model and
    results of its last completed epoch and `results["stopped"]`.
    """
    threads.ensure()
    path, device = weights_path(job_id), torch_device()
    cfg = config_from(kind, config)  # the stored row's dict, read once into its dataclass
    if isinstance(cfg, CnnConfig):
        mnist = load_mnist(datasets.root(), cfg.dataset)
        model, results = train_cnn(cfg, mnist, reporter.hooks(), device)
        torch.save({"kind": kind, "config": config, "state": model.state_dict()}, path)
    else:
        corpus = corpus_for(cfg)
        reporter.saved_extra = {"chars": corpus.chars}
        model, results = train_text(cfg, corpus, reporter.hooks(), device)
        torch.save(
            {"kind": kind, "config": config, "state": model.state_dict(), "chars": corpus.chars},
            path,
        )
    return results, str(path)


MODEL_CACHE_SIZE = 8  # models kept warm per worker process: the last few jobs tried
_MODELS: OrderedDict[tuple[int, str], tuple[tuple[int, int], torch.nn.Module, Any]] = OrderedDict()
LOADS = {"count": 0}  # models read from disk by this process (the tests count reloads)


def _version(path: str) -> tuple[int, int]:
    """What identifies one saved model: a rerun or a later checkpoint rewrites the file."""
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def load_model(job_id: int, path: str) -> tuple[torch.nn.Module, Any]:
    """The trained model of a job, kept warm in this process (an LRU of the last few).

    Reading and rebuilding a model costs far more than answering with it, so a second try-it
    of the same job reuses it; the file's version (mtime, size) is in the key, so weights
    written again (a requeued run, a new checkpoint) are read afresh instead of served stale.
    """
    key, version = (job_id, path), _version(path)
    cached = _MODELS.get(key)
    if cached is not None and cached[0] == version:
        _MODELS.move_to_end(key)
        return cached[1], cached[2]
    device = torch_device()
    model: torch.nn.Module
    saved = torch.load(path, map_location=device, weights_only=True)
    LOADS["count"] += 1
    cfg = config_from(saved["kind"], saved["config"])
    if isinstance(cfg, CnnConfig):
        model, extra = build_cnn(cfg), None
    else:
        extra = Corpus(
            saved["chars"], torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64)
        )
        model = build_text(cfg, len(saved["chars"]))
    model.load_state_dict(saved["state"])
    model.to(device).eval()
    _MODELS[key] = (version, model, extra)
    _MODELS.move_to_end(key)
    while len(_MODELS) > MODEL_CACHE_SIZE:
        _MODELS.popitem(last=False)
    return model, extra


def _one_thread() -> None:
    """One sample through a small model: more threads only add OpenMP hand-offs (and on a busy
    machine, waits for a descheduled sibling). A training job later sets its own count again."""
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def infer_digit(job_id: int, path: str, pixels: list[list[float]]) -> dict[str, Any]:
    from .training.data import from_pixels

    _one_thread()
    model, _ = load_model(job_id, path)
    with torch.inference_mode():
        x = from_pixels(pixels).to(next(model.parameters()).device)
        probs = torch.softmax(model(x), dim=1)[0]
    return {"probabilities": [round(float(p), 4) for p in probs], "prediction": int(probs.argmax())}


def infer_text(
    job_id: int, path: str, prompt: str, temperature: float, length: int
) -> dict[str, Any]:
    _one_thread()
    model, corpus = load_model(job_id, path)
    assert isinstance(model, CharModel), "a text job's weights load as a CharModel"
    return {"prompt": prompt, "continuation": generate(model, corpus, prompt, length, temperature)}
