"""Characters per second and validation bits per character after a fixed time budget, for LSTM,
GRU and plain RNN on the default corpus (the platform's glossary and lesson YAML, read from files).

    .venv/bin/python bench/train_lstm.py [--budget 60] [--threads 2] [--cells lstm,gru,rnn]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from playground.training.config import TextConfig  # noqa: E402
from playground.training.corpus import platform_text  # noqa: E402
from playground.training.data import make_corpus  # noqa: E402
from playground.training.loop import Cancelled, Hooks, Meter  # noqa: E402
from playground.training.models import build_text, count_params, make_optimizer  # noqa: E402
from playground.training.textloop import evaluate_text, generate, train_text_epoch  # noqa: E402


def run(cell: str, budget: float, corpus) -> dict:
    cfg = TextConfig(cell=cell)
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    model = build_text(cfg, len(corpus.chars))
    opt = make_optimizer(cfg.optimizer, model.parameters(), cfg.lr)
    start, epoch = time.perf_counter(), 0
    # The budget is checked between batches through the same hook that cancels a job.
    hooks = Hooks(should_stop=lambda: time.perf_counter() - start > budget)
    meter = Meter(hooks, total_steps=10**9, epochs=10**6, unit="chars")
    try:
        while True:
            epoch += 1
            train_text_epoch(model, opt, cfg, corpus, gen, meter, epoch)
    except Cancelled:
        pass
    secs = time.perf_counter() - start
    ev = evaluate_text(model, corpus.val, cfg.seq_len)
    return {
        "cell": cell,
        "params": count_params(model),
        "epochs": round(meter.seen / len(corpus.train), 2),
        "steps": meter.step,
        "chars_per_s": meter.seen / secs,
        "bpc": ev["bpc"],
        "seconds": secs,
        "sample": generate(model, corpus, "The ", 80, 0.7, seed=0),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--budget", type=float, default=60.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--cells", default="lstm,gru,rnn")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    text = platform_text()
    corpus = make_corpus(text)
    print(
        f"corpus: {len(text)} chars, vocabulary {len(corpus.chars)}; budget {args.budget:.0f} s per cell; "
        f"threads={args.threads}; config: {TextConfig()}".replace("text=''", "")[:400]
    )
    for cell in args.cells.split(","):
        r = run(cell, args.budget, corpus)
        print(
            f"{cell:>4}: params={r['params']} steps={r['steps']} epochs={r['epochs']} "
            f"chars/s={r['chars_per_s']:.0f} validation bpc={r['bpc']:.3f}  sample: {r['sample']!r}",
            flush=True,
        )


if __name__ == "__main__":
    main()
