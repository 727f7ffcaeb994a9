"""Character-level language model training: LSTM, GRU or plain RNN. No Django here."""

from __future__ import annotations

import math
import time
from typing import Any

import torch
import torch.nn.functional as F

from .config import GENERATE, TextConfig
from .data import Corpus
from .loop import Hooks, Meter, Stopped, _stopped
from .models import CharModel, build_text, count_params, make_optimizer

LN2 = math.log(2)


def _batch(
    ids: torch.Tensor, n: int, seq_len: int, gen: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` random windows: inputs (n, T) and next-character targets (n, T), gathered in one index op."""
    starts = torch.randint(0, len(ids) - seq_len - 1, (n,), generator=gen)
    window = ids[starts[:, None] + torch.arange(seq_len + 1)]
    return window[:, :-1], window[:, 1:]


def train_text_epoch(
    model: CharModel,
    opt: torch.optim.Optimizer,
    cfg: TextConfig,
    corpus: Corpus,
    gen: torch.Generator,
    meter: Meter,
    epoch: int,
) -> float:
    model.train()
    steps = max(1, len(corpus.train) // (cfg.batch_size * cfg.seq_len))
    total, done = 0.0, 0
    for _ in range(steps):
        if meter.step >= meter.total_steps:
            break
        x, y = _batch(corpus.train, cfg.batch_size, cfg.seq_len, gen)
        logits, _ = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.clip:
            # Clipping keeps one exploding gradient from wrecking a recurrent net's weights.
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        opt.step()
        total, done = total + loss.item(), done + 1
        meter.batch(epoch, x.numel(), loss.item(), None)
    return total / max(1, done)


def evaluate_text(model: CharModel, ids: torch.Tensor, seq_len: int) -> dict[str, float]:
    """Mean next-character loss over the validation text in consecutive windows."""
    model.eval()
    n = (len(ids) - 1) // seq_len
    if n < 1:
        return {"loss": float("nan"), "bpc": float("nan"), "perplexity": float("nan")}
    x = ids[: n * seq_len].view(n, seq_len)
    y = ids[1 : n * seq_len + 1].view(n, seq_len)
    with torch.inference_mode():
        logits, _ = model(x)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1)).item()
    return {
        "loss": round(loss, 4),
        "bpc": round(loss / LN2, 4),
        "perplexity": round(math.exp(loss), 3),
    }


def generate(
    model: CharModel,
    corpus: Corpus,
    prompt: str,
    length: int = GENERATE["length"].default,
    temperature: float = GENERATE["temperature"].default,
    seed: int | None = None,
) -> str:
    """Continue `prompt` one sampled character at a time; lower temperature means safer picks."""
    model.eval()
    device = next(model.parameters()).device
    gen = torch.Generator().manual_seed(seed) if seed is not None else None
    ids = corpus.encode(prompt) if prompt else torch.tensor([0])
    if len(ids) == 0:
        ids = torch.tensor([0])
    out: list[int] = []
    with torch.inference_mode():
        logits, state = model(ids.view(1, -1).to(device))
        for _ in range(length):
            # Sampled on the CPU with the CPU generator: the same text for a seed on any device.
            probs = F.softmax(logits[0, -1].float().cpu() / max(temperature, 1e-3), dim=-1)
            nxt = int(torch.multinomial(probs, 1, generator=gen))
            out.append(nxt)
            logits, state = model(torch.tensor([[nxt]], device=device), state)
    return corpus.decode(out)


def train_text(
    cfg: TextConfig, corpus: Corpus, hooks: Hooks, device: torch.device | None = None
) -> tuple[CharModel, dict[str, Any]]:
    """Train on `device` (the CPU by default); stopped early, keep the last completed epoch."""
    device = device or torch.device("cpu")
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    corpus = Corpus(corpus.chars, corpus.train.to(device), corpus.val.to(device))
    model = build_text(cfg, len(corpus.chars)).to(device)
    opt = make_optimizer(cfg.optimizer, model.parameters(), cfg.lr)
    per_epoch = max(1, len(corpus.train) // (cfg.batch_size * cfg.seq_len))
    total = (
        per_epoch * cfg.epochs if not cfg.max_steps else min(cfg.max_steps, per_epoch * cfg.epochs)
    )
    meter, started = Meter(hooks, total, cfg.epochs, unit="chars"), time.perf_counter()
    samples: list[dict[str, Any]] = []
    stopped: dict[str, Any] | None = None
    done, kept = 0, None
    try:
        for epoch in range(1, cfg.epochs + 1):
            loss = train_text_epoch(model, opt, cfg, corpus, gen, meter, epoch)
            ev = _text_epoch_end(model, cfg, corpus, meter, epoch, loss, started, samples)
            done, kept = epoch, {k: v.detach().clone() for k, v in model.state_dict().items()}
            hooks.on_checkpoint(
                model, _text_results(model, corpus, meter, started, ev, samples, done)
            )
            if meter.step >= total:
                break
            if meter.past_deadline(time.perf_counter()):
                raise Stopped("time_limit")
    except Stopped as stop:  # keep the last completed epoch, or the partial first one
        if kept is not None:
            model.load_state_dict(kept)
        else:
            ev = _text_epoch_end(model, cfg, corpus, meter, 1, None, started, samples)
        stopped = _stopped(stop.reason, done, cfg.epochs)
    results = _text_results(model, corpus, meter, started, ev, samples, done)
    return model, {**results, **({"stopped": stopped} if stopped else {})}


def _text_results(
    model: CharModel,
    corpus: Corpus,
    meter: Meter,
    started: float,
    ev: dict[str, float],
    samples: list[dict[str, Any]],
    done: int,
) -> dict[str, Any]:
    """The results as they stand: at the end, or at an epoch's checkpoint."""
    secs = time.perf_counter() - started
    return {
        "params": count_params(model),
        "val_loss": ev["loss"],
        "bpc": ev["bpc"],
        "perplexity": ev["perplexity"],
        "samples": list(samples),
        "steps": meter.step,
        "train_seconds": round(secs, 2),
        "vocab": len(corpus.chars),
        "chars_per_s": round(meter.seen / max(secs, 1e-6), 1),
        "epochs_done": done,
    }


def _text_epoch_end(
    model: CharModel,
    cfg: TextConfig,
    corpus: Corpus,
    meter: Meter,
    epoch: int,
    loss: float | None,
    started: float,
    samples: list[dict[str, Any]],
) -> dict[str, Any]:
    ev = evaluate_text(model, corpus.val, cfg.seq_len)
    samples.append(
        {
            "epoch": epoch,
            "step": meter.step,
            "text": generate(model, corpus, "The ", 160, 0.8, seed=cfg.seed),
        }
    )
    meter.hooks.on_epoch(
        {
            "epoch": epoch,
            "step": meter.step,
            "train_loss": None if loss is None else round(loss, 4),
            "val_loss": ev["loss"],
            "val_bpc": ev["bpc"],
            "elapsed_s": round(time.perf_counter() - started, 2),
        }
    )
    return ev
