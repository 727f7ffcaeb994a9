"""The keyboard alternative to drawing: one test image per digit, read without torch, and the job
page offers them in a labelled list (none when the MNIST files are missing)."""

from __future__ import annotations

import gzip

import pytest

from playground import datasets
from playground.models import Job
from playground.tests.conftest import TINY_CNN


def test_one_image_of_each_digit_with_its_label(playground_data):
    examples = datasets.example_digits()
    assert [d["label"] for d in examples] == list(range(10))
    with gzip.open(playground_data / "mnist" / "t10k-labels-idx1-ubyte.gz", "rb") as fh:
        labels = fh.read()[8:]
    with gzip.open(playground_data / "mnist" / "t10k-images-idx3-ubyte.gz", "rb") as fh:
        images = fh.read()[16:]
    for example in examples:
        index = example["index"]
        assert labels[index] == example["label"]
        assert labels.index(example["label"]) == index  # the first of its digit
        pixels = example["pixels"]
        assert len(pixels) == 28 and all(len(row) == 28 for row in pixels)
        assert bytes(v for row in pixels for v in row) == images[index * 784 : (index + 1) * 784]


def test_no_examples_without_the_files(settings, tmp_path):
    settings.PLAYGROUND_DATA_DIR = tmp_path
    assert datasets.example_digits() == []


@pytest.mark.django_db
def test_the_job_page_lists_them_for_a_cnn_run(student, student_client, settings, tmp_path):
    job = Job.objects.create(user=student, kind="cnn", config=TINY_CNN, status="succeeded")
    html = student_client.get(f"/playground/jobs/{job.pk}/").content.decode()
    assert '<label for="example-digit">Or pick a test digit</label>' in html
    assert html.count("A handwritten ") == 10 and 'id="pg-digits"' in html
    settings.PLAYGROUND_DATA_DIR = tmp_path  # no MNIST files: no list, drawing only
    assert (
        'id="example-digit"'
        not in student_client.get(f"/playground/jobs/{job.pk}/").content.decode()
    )
