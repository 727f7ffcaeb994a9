"""Train the default CNN preset on MNIST 10k on 2 CPU threads and print its figures.

    .venv/bin/python bench/train_cnn.py [--threads 2] [--preset default] [--data ../shared/data/mnist]
        [--batch 128] [--lr 0.004] [--epochs 2] [--channels-last]

Prints the machine's fp32 matmul GFLOP/s, samples/s, test accuracy after each epoch, the seconds
of training until test accuracy first reached 98 %, and the efficiency (achieved training GFLOP/s
over the matmul peak). Target: >= 98 % within 30 s on two cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from playground.training.config import CNN_PRESETS, CnnConfig  # noqa: E402
from playground.training.data import load_mnist  # noqa: E402
from playground.training.estimate import cnn_estimate  # noqa: E402
from playground.training.loop import Hooks, train_cnn  # noqa: E402


def matmul_gflops(n: int = 1024, repeats: int = 20) -> float:
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9


def est_samples(cfg: CnnConfig) -> int:
    from playground.training.estimate import TRAIN_SIZES

    return cfg.train_subset or TRAIN_SIZES[cfg.dataset]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--preset", default="default", choices=sorted(CNN_PRESETS))
    p.add_argument("--epochs", type=int, default=0, help="override the preset's epochs")
    p.add_argument("--batch", type=int, default=0, help="override the default batch size")
    p.add_argument("--lr", type=float, default=0.0, help="override the default learning rate")
    p.add_argument("--channels-last", action="store_true", help="NHWC memory layout")
    p.add_argument(
        "--dropout", type=float, default=-1.0, help="override the dropout rates (0: none)"
    )
    p.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    peak = matmul_gflops()
    print(f"threads={args.threads} fp32 matmul: {peak:.1f} GFLOP/s")
    cfg = CnnConfig(blocks=CNN_PRESETS[args.preset])
    if args.epochs:
        cfg.epochs = args.epochs
    if args.dropout >= 0:
        cfg.blocks = [
            {**b, "p": args.dropout} if b["type"] == "dropout" else b
            for b in cfg.blocks
            if b["type"] != "dropout" or args.dropout > 0
        ]
    if args.batch:
        cfg.batch_size = args.batch
    if args.lr:
        cfg.lr = args.lr
    est = cnn_estimate(cfg, peak)
    print(
        f"preset={args.preset} params={est.params} train GFLOP/epoch={est.flops_per_epoch / 1e9:.1f}"
    )
    print(
        f"batch={cfg.batch_size} lr={cfg.lr} epochs={cfg.epochs} channels_last={args.channels_last}"
    )
    mnist = load_mnist(Path(args.data), "mnist10k")
    if args.channels_last:
        import playground.training.loop as loop_module

        build = loop_module.build_cnn
        loop_module.build_cnn = lambda c: build(c).to(memory_format=torch.channels_last)
        for split in (mnist.train, mnist.test):
            split.x = split.x.contiguous(memory_format=torch.channels_last)
    reached: list[float] = []

    def on_epoch(ev: dict) -> None:
        if ev["val_acc"] >= 0.98 and not reached:
            reached.append(ev["elapsed_s"])
        print(
            f"epoch {ev['epoch']}: test acc {ev['val_acc']:.4f} val loss {ev['val_loss']:.4f} "
            f"train acc {ev['train_acc']:.4f} at {ev['elapsed_s']:.1f} s",
            flush=True,
        )

    _, result = train_cnn(cfg, mnist, Hooks(on_epoch=on_epoch))
    # The load may change during the run: the peak is the mean of a measurement before and after.
    after = matmul_gflops()
    print(f"fp32 matmul after the run: {after:.1f} GFLOP/s")
    peak = (peak + after) / 2
    secs = result["train_seconds"]
    sps = result["steps"] * cfg.batch_size / secs
    # The FLOPs of the steps actually run plus the test passes, over the whole training time.
    achieved = (
        (est.flops_per_epoch * result["steps"] * cfg.batch_size / est_samples(cfg)) / secs / 1e9
    )
    print(
        f"samples/s: {sps:.0f}  total training time: {secs:.1f} s  final test acc: {result['test_accuracy']:.4f}"
    )
    print(f"seconds to 98% test accuracy: {reached[0]:.1f}" if reached else "98% not reached")
    print(f"achieved {achieved:.1f} GFLOP/s = {100 * achieved / peak:.0f}% of the matmul peak")


if __name__ == "__main__":
    main()
