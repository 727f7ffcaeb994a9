"""The time estimate the form shows against the time the run really takes, for every preset,
every text cell and batch size 1, with the calibration measured in the same run.

    .venv/bin/python bench/estimate_vs_actual.py [--threads 1] [--data ../shared/data/mnist]

This process calibrates itself exactly as a worker does at start (playground/calibration.py:
the CNN probe, and the character-model probe for text), then trains each case through the real
loops at the same thread count and prints estimate, actual and their ratio. Runs are kept short
(one epoch, or a step limit for batch size 1): the estimate is linear in epochs and steps. The
"text with CNN figures" column is what the estimate said before text had its own calibration.
Exit status 1 when a ratio is outside 0.5-1.5 (the aim on a quiet machine).
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from playground.calibration import measure, measure_text  # noqa: E402
from playground.training.config import CELLS, CNN_PRESETS, CnnConfig, TextConfig  # noqa: E402
from playground.training.corpus import platform_text  # noqa: E402
from playground.training.data import load_mnist, make_corpus  # noqa: E402
from playground.training.estimate import cnn_estimate, text_estimate  # noqa: E402
from playground.training.loop import Hooks, train_cnn  # noqa: E402
from playground.training.textloop import train_text  # noqa: E402


def cases() -> list[tuple[str, CnnConfig | TextConfig]]:
    out: list[tuple[str, CnnConfig | TextConfig]] = []
    for name in sorted(CNN_PRESETS):
        out.append((f"cnn {name}", CnnConfig(blocks=copy.deepcopy(CNN_PRESETS[name]), epochs=1)))
    out.append(("cnn default, batch 1", CnnConfig(batch_size=1, epochs=1, max_steps=1500)))
    for cell in CELLS:
        out.append((f"text {cell}", TextConfig(cell=cell, epochs=1)))
    out.append(("text lstm, batch 1", TextConfig(batch_size=1, epochs=1, max_steps=300)))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    cnn, text = measure(), measure_text()
    print(
        f"threads={args.threads}; load average {os.getloadavg()[0]:.1f}; calibrated in "
        f"{time.perf_counter() - started:.1f} s: CNN {1000 * cnn['step_overhead_s']:.2f} ms/step, "
        f"{cnn['gflops']:.1f} GFLOP/s; text {1000 * text['text_step_overhead_s']:.2f} ms/step + "
        f"{1000 * text['text_timestep_overhead_s']:.3f} ms per time step, "
        f"GFLOP/s {text['text_cell_gflops']}"
    )
    mnist = load_mnist(Path(args.data), "mnist10k")
    corpus_text = platform_text()
    corpus = make_corpus(corpus_text)
    print(
        "| case | steps | estimate | actual | estimate / actual | text with CNN figures |\n"
        "|---|---:|---:|---:|---:|---:|"
    )
    ok = True
    for label, cfg in cases():
        old = ""
        if isinstance(cfg, CnnConfig):
            est = cnn_estimate(cfg, cnn["gflops"], cnn["step_overhead_s"])
            t0 = time.perf_counter()
            train_cnn(cfg, mnist, Hooks())
        else:
            vocab = len(corpus.chars)
            est = text_estimate(
                cfg,
                text["text_cell_gflops"][cfg.cell],
                len(corpus_text),
                vocab,
                text["text_step_overhead_s"],
                text["text_timestep_overhead_s"],
            )
            before = text_estimate(
                cfg, cnn["gflops"], len(corpus_text), vocab, cnn["step_overhead_s"]
            )
            t0 = time.perf_counter()
            train_text(cfg, corpus, Hooks())
        actual = time.perf_counter() - t0
        if not isinstance(cfg, CnnConfig):
            old = f"{before.seconds:.1f} s ({before.seconds / actual:.2f})"
        ratio = est.seconds / actual
        ok &= 0.5 <= ratio <= 1.5
        print(
            f"| {label} | {est.steps} | {est.seconds:.1f} s | {actual:.1f} s | {ratio:.2f} | {old} |",
            flush=True,
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
