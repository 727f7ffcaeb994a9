"""The official MNIST files and their published md5 checksums. No torch: the web uses this too."""

from __future__ import annotations

import hashlib
from pathlib import Path

FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
NEEDS = {
    "mnist10k": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
    "mnist": tuple(FILES),
}
LABELS = {
    "mnist10k": "MNIST 10k (official test set, seeded 8k/2k split)",
    "mnist": "MNIST (60k train / 10k test)",
}
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
INSTALL_HINT = "make mnist (from the platform's folder)"


class DatasetError(RuntimeError):
    """A dataset is missing or corrupt; the message says what to run."""


def md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verified_path(root: Path, name: str) -> Path:
    path = root / name
    if not path.exists():
        raise DatasetError(f"The MNIST file {name} is not installed in {root}. Run: {INSTALL_HINT}")
    if md5(path) != FILES[name]:
        raise DatasetError(
            f"The MNIST file {name} in {root} is corrupt (checksum mismatch). Reinstall it: {INSTALL_HINT}"
        )
    return path


def problems(root: Path, dataset: str) -> list[str]:
    """What is wrong with `dataset` under `root`, in words; empty when it is ready."""
    found = []
    for name in NEEDS[dataset]:
        try:
            verified_path(root, name)
        except DatasetError as exc:
            found.append(str(exc))
    return found
