"""Worker-side code: runs a claimed job with torch and answers inference requests.

Imported only inside Celery tasks and the worker warm-up, never by the web process.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import torch
from django.conf import settings

from . import conf, datasets, services, threads
from .training.config import OPTIMIZERS, CnnConfig, TextConfig
from .training.corpus import platform_text
from .training.data import Corpus, load_mnist, make_corpus
from .training.loop import Hooks, _no_checkpoint, _stopped, train_cnn
from .training.models import CharModel, build_cnn, build_text, make_optimizer
from .training.payloads import EpochPoint, History, Progress
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


class Reporter:
    """Turns training callbacks into throttled row updates and cheap cancel checks."""

    def __init__(
        self, job_id: int, kind: str = "cnn", config: dict[str, Any] | None = None
    ) -> None:
        self.job_id, self.kind, self.config = job_id, kind, config or {}
        self.history: History = {"train": [], "val": []}
        self.last_check = 0.0
        self.cancelled = self.stop = False
        self.deadline = perf_deadline()
        self.kept: dict[str, Any] | None = None  # results of the last checkpoint

    def on_progress(self, p: Progress) -> None:
        train = self.history["train"]
        train.append({"step": p["step"], "loss": p["loss"], "acc": p["acc"]})
        if len(train) > MAX_POINTS:
            self.history["train"] = train[::2]
        services.job_progress(job_id=self.job_id, progress=p, history=self.history)

    def on_epoch(self, ev: EpochPoint) -> None:
        self.history["val"].append(ev)

    def should_stop(self) -> bool:
        now = time.monotonic()
        if now - self.last_check >= 0.3:
            self.last_check = now
            self.cancelled, self.stop = services.job_flags(job_id=self.job_id)
        return self.cancelled

    def keep_reason(self) -> str | None:
        return "requested" if self.stop else None

    def on_checkpoint(self, model: torch.nn.Module, results: dict[str, Any]) -> None:
        """Each epoch end: the weights on disk and the results in memory, so a run killed by
        the soft time limit still ends with the last completed epoch."""
        path = weights_path(self.job_id)
        torch.save({"kind": self.kind, "config": self.config, "state": model.state_dict()}, path)
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
            on_checkpoint=self.on_checkpoint if self.kind == "cnn" else _no_checkpoint,
        )


def perf_deadline() -> float:
    """When the loop stops and keeps its model: a margin before the task's soft time limit
    (read now, so a test can shorten it), left for saving and writing the results."""
    soft = float(conf.get("PLAYGROUND_JOB_SOFT_LIMIT_S"))
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
    path = weights_path(job_id)
    if kind == "cnn":
        cfg = CnnConfig.from_dict(config)
        model, results = train_cnn(cfg, load_mnist(datasets.root(), cfg.dataset), reporter.hooks())
        torch.save({"kind": kind, "config": config, "state": model.state_dict()}, path)
    else:
        tcfg = TextConfig.from_dict(config)
        corpus = corpus_for(tcfg)
        model, results = train_text(tcfg, corpus, reporter.hooks())
        torch.save(
            {"kind": kind, "config": config, "state": model.state_dict(), "chars": corpus.chars},
            path,
        )
    return results, str(path)


_MODELS: OrderedDict[tuple[int, str], tuple[torch.nn.Module, Any]] = OrderedDict()


def load_model(job_id: int, path: str) -> tuple[torch.nn.Module, Any]:
    """The trained model of a job, cached per process (a few most recent)."""
    key = (job_id, path)
    if key in _MODELS:
        _MODELS.move_to_end(key)
        return _MODELS[key]
    saved = torch.load(path, map_location="cpu", weights_only=True)
    model: torch.nn.Module
    if saved["kind"] == "cnn":
        model, extra = build_cnn(CnnConfig.from_dict(saved["config"])), None
    else:
        extra = Corpus(
            saved["chars"], torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64)
        )
        model = build_text(TextConfig.from_dict(saved["config"]), len(saved["chars"]))
    model.load_state_dict(saved["state"])
    model.eval()
    _MODELS[key] = (model, extra)
    if len(_MODELS) > 8:
        _MODELS.popitem(last=False)
    return model, extra


def infer_digit(job_id: int, path: str, pixels: list[list[float]]) -> dict[str, Any]:
    from .training.data import from_pixels

    model, _ = load_model(job_id, path)
    with torch.inference_mode():
        probs = torch.softmax(model(from_pixels(pixels)), dim=1)[0]
    return {"probabilities": [round(float(p), 4) for p in probs], "prediction": int(probs.argmax())}


def infer_text(
    job_id: int, path: str, prompt: str, temperature: float, length: int
) -> dict[str, Any]:
    model, corpus = load_model(job_id, path)
    assert isinstance(model, CharModel), "a text job's weights load as a CharModel"
    return {"prompt": prompt, "continuation": generate(model, corpus, prompt, length, temperature)}
