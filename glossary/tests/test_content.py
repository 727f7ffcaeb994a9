"""glossary.content.load: idempotent upsert, symmetrical related links, clear validation errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from glossary.content import TERMS_DIR, ContentError, load
from glossary.models import Term

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db
SAMPLE = (FIXTURES / "terms" / "sample.yaml").read_text()


def _load(directory: Path) -> str:
    return load(stdout=io.StringIO(), directory=directory)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text)
    return tmp_path


def test_load_is_idempotent_and_updates(tmp_path):
    _write(tmp_path, "a.yaml", SAMPLE)
    assert "13 created" in _load(tmp_path)
    assert "13 unchanged" in _load(tmp_path)
    _write(tmp_path, "a.yaml", SAMPLE.replace("Randomly silencing units", "Randomly muting units"))
    assert "1 updated" in _load(tmp_path)
    assert Term.objects.count() == 13
    assert Term.objects.get(slug="dropout").definition.startswith("Randomly muting")


def test_related_is_symmetrical_whatever_the_order(tmp_path):
    _load(_write(tmp_path, "a.yaml", SAMPLE))
    kernel = Term.objects.get(slug="kernel")  # lists nothing itself, is listed by two terms
    assert set(kernel.related.values_list("slug", flat=True)) == {
        "convolutional-neural-network",
        "convolution",
    }


def test_search_vector_filled(tmp_path):
    _load(_write(tmp_path, "a.yaml", SAMPLE))
    assert not Term.objects.filter(search_vector__isnull=True).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {slug: a, name: A, category: nonsense, definition: d}\n",
            "bad.yaml: term 'a': unknown category 'nonsense'",
        ),
        ("- {slug: a, name: A, category: data}\n", "bad.yaml: term 'a': missing ['definition']"),
        (
            "- {slug: a, name: A, category: data, definition: d, colour: red}\n",
            "unknown keys ['colour']",
        ),
        (
            "- {slug: a, name: A, category: data, definition: d, related: [ghost]}\n",
            "bad.yaml: term 'a': related slug 'ghost' does not exist",
        ),
        (
            "- {slug: dropout, name: D, category: data, definition: d}\n",
            "bad.yaml: duplicate slug 'dropout' (also in a.yaml)",
        ),
        ("slug: a\n", "bad.yaml: expected a list of terms"),
    ],
)
def test_validation_errors_name_file_and_slug_and_write_nothing(tmp_path, text, message):
    _write(tmp_path, "a.yaml", SAMPLE)
    _write(tmp_path, "bad.yaml", text)
    with pytest.raises(ContentError) as excinfo:
        _load(tmp_path)
    assert message in str(excinfo.value.message)
    assert Term.objects.count() == 0


@pytest.mark.slow
def test_bundled_content_is_valid_when_present(db):
    files = sorted(TERMS_DIR.glob("*.yaml"))
    if not files:
        pytest.skip("bundled glossary terms not written yet")
    summary = _load(TERMS_DIR)
    assert Term.objects.count() >= 1 and "terms from" in summary
