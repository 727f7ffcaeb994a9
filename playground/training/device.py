"""Which torch device a worker trains and answers on: `TORCH_DEVICE`. No Django here.

"cpu" (the default, and the tested path), "cuda" or "cuda:N" (a GPU worker), or "auto" (CUDA
when this process sees a GPU, else the CPU). A worker asked for CUDA that has none (driver
missing, the CPU build of torch, no GPU passed into the container) falls back to the CPU and
says so in the log once: the student's job still trains, slowly, instead of failing, and the
operator finds the reason in the worker's log. A value that names no device is an error.
"""

from __future__ import annotations

import logging
import os

import torch

log = logging.getLogger(__name__)
_warned: set[str] = set()


def resolve(requested: str | None) -> torch.device:
    name = (requested or "cpu").strip().lower()
    if name == "cpu":
        return torch.device("cpu")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" or name.startswith("cuda:"):
        index = name.partition(":")[2]
        if index and not index.isdigit():
            raise ValueError(f"TORCH_DEVICE={requested!r}: the GPU index must be a number")
        if torch.cuda.is_available() and int(index or 0) < torch.cuda.device_count():
            return torch.device(name)
        if name not in _warned:
            _warned.add(name)
            log.warning(
                "TORCH_DEVICE=%s but this process sees no such CUDA device (torch %s, CUDA "
                "build %s, %d GPUs): training and inference run on the CPU",
                requested,
                torch.__version__,
                torch.version.cuda or "none",
                torch.cuda.device_count() if torch.cuda.is_available() else 0,
            )
        return torch.device("cpu")
    raise ValueError(f"TORCH_DEVICE={requested!r}: use cpu, cuda, cuda:N or auto")


def from_env() -> torch.device:
    return resolve(os.environ.get("TORCH_DEVICE"))
