"""Where the MNIST files live and whether they are usable; install and download them. No torch."""

from __future__ import annotations

import gzip
import shutil
import tempfile
import urllib.request
from pathlib import Path

from django.conf import settings

from .training.files import FILES, MIRRORS, NEEDS, DatasetError, md5
from .training.files import problems as _problems

_CHECKED: dict[tuple[str, float, int], bool] = {}


def root() -> Path:
    return Path(settings.PLAYGROUND_DATA_DIR) / "mnist"


def _file_ok(path: Path, name: str) -> bool:
    """md5 of a file, remembered by (path, mtime, size) so a page view does not re-hash 10 MB."""
    if not path.exists():
        return False
    stat = path.stat()
    key = (str(path), stat.st_mtime, stat.st_size)
    if key not in _CHECKED:
        _CHECKED[key] = md5(path) == FILES[name]
    return _CHECKED[key]


def problems(dataset: str) -> list[str]:
    base = root()
    if all(_file_ok(base / name, name) for name in NEEDS[dataset]):
        return []
    return _problems(base, dataset)


def available() -> list[str]:
    return [name for name in NEEDS if not problems(name)]


def install(*, source: Path) -> list[str]:
    """Copy every official file found in `source`; a file with a wrong checksum is refused."""
    if not source.is_dir():
        raise DatasetError(f"{source} is not a folder.")
    found = [name for name in FILES if (source / name).exists()]
    if not found:
        raise DatasetError(f"No official MNIST files (e.g. t10k-images-idx3-ubyte.gz) in {source}.")
    for name in found:
        if md5(source / name) != FILES[name]:
            raise DatasetError(
                f"{source / name} is corrupt: its md5 is {md5(source / name)}, the official file's is "
                f"{FILES[name]}. Download it again; nothing was installed."
            )
    root().mkdir(parents=True, exist_ok=True)
    for name in found:
        shutil.copyfile(source / name, root() / name)
    return found


def download(*, timeout_s: float = 60) -> list[str]:
    """Fetch the four official files from the first mirror that answers, verifying each."""
    with tempfile.TemporaryDirectory() as tmp:
        errors = []
        for mirror in MIRRORS:
            try:
                for name in FILES:
                    with urllib.request.urlopen(mirror + name, timeout=timeout_s) as resp:
                        (Path(tmp) / name).write_bytes(resp.read())
                return install(source=Path(tmp))
            except (OSError, DatasetError) as exc:
                errors.append(f"{mirror}: {exc}")
        raise DatasetError("Download failed (is this machine online?). " + "; ".join(errors))


_EXAMPLES: dict[tuple[float, float], list[dict[str, object]]] = {}


def example_digits() -> list[dict[str, object]]:
    """The first test image of each digit 0-9 (28 rows of 0-255), for "try it" by keyboard: a
    reader who cannot draw picks one. Read straight from the gzip'd idx files (no torch); empty
    when the test files are missing or unreadable."""
    base = root()
    images, labels = base / "t10k-images-idx3-ubyte.gz", base / "t10k-labels-idx1-ubyte.gz"
    try:
        key = (images.stat().st_mtime, labels.stat().st_mtime)
        if key not in _EXAMPLES:
            _EXAMPLES[key] = _read_examples(images, labels)
        return _EXAMPLES[key]
    except (OSError, EOFError, ValueError):
        return []


def _read_examples(images: Path, labels: Path) -> list[dict[str, object]]:
    with gzip.open(labels, "rb") as fh:
        if int.from_bytes(fh.read(4), "big") != 2049:
            raise ValueError(f"{labels} is not an idx label file")
        fh.read(4)
        found: dict[int, int] = {}
        for index, label in enumerate(fh.read(2000)):  # every digit appears in the first 2,000
            found.setdefault(label, index)
    last = max(found.values(), default=-1)
    with gzip.open(images, "rb") as fh:
        if int.from_bytes(fh.read(4), "big") != 2051:
            raise ValueError(f"{images} is not an idx image file")
        fh.read(12)
        raw = fh.read(784 * (last + 1))
    return [
        {
            "label": label,
            "index": index,
            "pixels": [
                list(raw[(index * 28 + row) * 28 : (index * 28 + row + 1) * 28])
                for row in range(28)
            ],
        }
        for label, index in sorted(found.items())
    ]
