"""Datasets held as whole preprocessed tensors in memory, loaded once per process.

MNIST comes from the official IDX files, verified by md5 before use. "mnist10k" is the official
10k test set split 8000/2000 with a fixed seed; "mnist" is the official 60k/10k split.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .files import NEEDS, DatasetError, verified_path

SPLIT_SEED = 1234
# Normalising with the dataset's mean and std keeps the first layer's inputs centred.
MEAN, STD = 0.1307, 0.3081


@dataclass
class Split:
    x: torch.Tensor  # (N, 1, 28, 28) float32, normalised
    y: torch.Tensor  # (N,) int64


@dataclass
class Mnist:
    train: Split
    test: Split


def read_idx(path: Path) -> np.ndarray:
    """Parse an IDX file: magic (2 zero bytes, dtype 0x08 = ubyte, ndim), big-endian dims, data."""
    raw = gzip.decompress(path.read_bytes())
    if raw[0:2] != b"\x00\x00" or raw[2] != 0x08:
        raise DatasetError(f"{path.name} is not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _split(images: np.ndarray, labels: np.ndarray) -> Split:
    x = torch.from_numpy(images.copy()).float().div_(255.0).sub_(MEAN).div_(STD).unsqueeze(1)
    return Split(x.contiguous(), torch.from_numpy(labels.astype(np.int64)))


_CACHE: dict[tuple[str, str], Mnist] = {}


def load_mnist(root: Path, name: str = "mnist10k") -> Mnist:
    key = (str(root), name)
    if key not in _CACHE:
        _CACHE[key] = _load(Path(root), name)
    return _CACHE[key]


def _load(root: Path, name: str) -> Mnist:
    if name not in NEEDS:
        raise DatasetError(f"Unknown dataset {name!r}")
    paths = {n: verified_path(root, n) for n in NEEDS[name]}
    ti, tl = (
        read_idx(paths["t10k-images-idx3-ubyte.gz"]),
        read_idx(paths["t10k-labels-idx1-ubyte.gz"]),
    )
    if name == "mnist":
        tri = read_idx(paths["train-images-idx3-ubyte.gz"])
        trl = read_idx(paths["train-labels-idx1-ubyte.gz"])
        return Mnist(_split(tri, trl), _split(ti, tl))
    order = np.random.default_rng(SPLIT_SEED).permutation(len(tl))
    train, test = order[:8000], order[8000:]
    return Mnist(_split(ti[train], tl[train]), _split(ti[test], tl[test]))


def to_pixels(x: torch.Tensor) -> list[list[int]]:
    """Undo the normalisation of one (1, 28, 28) image: 28 rows of 0-255 ints for the browser."""
    img = (x.squeeze(0) * STD + MEAN).clamp(0, 1).mul(255).round().to(torch.uint8)
    return img.tolist()


def from_pixels(pixels: list[list[float]]) -> torch.Tensor:
    """A 28x28 drawing with values 0..1 (1 = ink) to a normalised (1, 1, 28, 28) batch."""
    x = torch.tensor(pixels, dtype=torch.float32).clamp(0, 1)
    return x.sub(MEAN).div(STD).view(1, 1, 28, 28)


@dataclass
class Corpus:
    chars: list[str]
    train: torch.Tensor  # (N,) int64 character ids
    val: torch.Tensor

    def encode(self, text: str) -> torch.Tensor:
        index = {c: i for i, c in enumerate(self.chars)}
        return torch.tensor([index[c] for c in text if c in index], dtype=torch.int64)

    def decode(self, ids: list[int]) -> str:
        return "".join(self.chars[i] for i in ids)


def make_corpus(text: str, val_fraction: float = 0.1) -> Corpus:
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.int64)
    cut = int(len(ids) * (1 - val_fraction))
    return Corpus(chars, ids[:cut], ids[cut:])
