"""`playground_data`: install verifies checksums, refuses corrupt files, status says what to run."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from playground.tests.conftest import SHARED_MNIST

NAMES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("playground_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def empty_data(settings, tmp_path):
    settings.PLAYGROUND_DATA_DIR = tmp_path / "data"
    return tmp_path


def test_install_from_folder_then_ready(empty_data):
    assert "MNIST 10k (official test set, seeded 8k/2k split): not available" in _run("status")
    out = _run("install", "--from", str(SHARED_MNIST))
    assert "Installed t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz" in out
    assert "MNIST 10k (official test set, seeded 8k/2k split): ready" in out
    assert "MNIST (60k train / 10k test): not available" in out and "make mnist" in out


def test_corrupt_file_is_refused_and_nothing_installed(empty_data):
    src = empty_data / "src"
    src.mkdir()
    for name in NAMES:
        shutil.copy(SHARED_MNIST / name, src / name)
    raw = bytearray((src / NAMES[0]).read_bytes())
    raw[5000] ^= 0xFF
    (src / NAMES[0]).write_bytes(bytes(raw))
    with pytest.raises(CommandError, match="is corrupt: its md5 is .* nothing was installed"):
        _run("install", "--from", str(src))
    assert not (empty_data / "data" / "mnist" / NAMES[1]).exists()


def test_corrupt_installed_file_is_reported_by_status_and_training(empty_data):
    _run("install", "--from", str(SHARED_MNIST))
    target = empty_data / "data" / "mnist" / NAMES[1]
    target.write_bytes(target.read_bytes()[:-10])
    assert "is corrupt (checksum mismatch). Reinstall it: make mnist" in _run("status")
    from playground.training.data import DatasetError, load_mnist

    with pytest.raises(DatasetError, match="corrupt"):
        load_mnist(empty_data / "data" / "mnist", "mnist10k")


def test_missing_folder_and_help(empty_data):
    with pytest.raises(CommandError, match="is not a folder"):
        _run("install", "--from", str(empty_data / "nowhere"))
    from playground.management.commands.playground_data import Command

    assert "install --from DIR" in Command.help and "download" in Command.help
