"""Where the MNIST files live and whether they are usable; install and download them. No torch."""

from __future__ import annotations

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
