"""Issue 17's playground rough edges, as the pages serve them: the text shape line, the preset
box of the default network, and a failed run's words for its student owner and for instructors."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from playground import datasets, services
from playground.models import Job
from playground.tests.conftest import TINY_CNN, TINY_TEXT
from playground.training.config import CNN_PRESETS

pytestmark = pytest.mark.django_db


def _text_form() -> dict[str, str]:
    return {"kind": "text", **{k: str(v) for k, v in TINY_TEXT.items() if k != "text"}}


def test_text_estimate_names_a_text_input_not_an_image(student_client):
    body = student_client.post(reverse("playground:estimate"), _text_form()).json()
    assert body["valid"], body
    assert body["estimate"]["input_shape"] == f"{TINY_TEXT['seq_len']} characters"
    assert "28" not in body["estimate"]["input_shape"]


def test_cnn_estimate_keeps_the_image_shape(student_client):
    data = {
        "kind": "cnn",
        "blocks": json.dumps(TINY_CNN["blocks"]),
        **{k: str(TINY_CNN[k]) for k in ("dataset", "optimizer", "lr", "schedule", "batch_size")},
        **{k: str(TINY_CNN[k]) for k in ("epochs", "init", "seed")},
    }
    body = student_client.post(reverse("playground:estimate"), data).json()
    assert body["estimate"]["input_shape"] == "1x28x28"


def _selected_preset(html: str) -> str:
    select = re.search(r'<select name="preset"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no preset box"
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else ""


def test_the_default_network_is_named_default_in_the_preset_box(student_client):
    html = student_client.get(reverse("playground:new") + "?experiment=cnn").content.decode()
    assert _selected_preset(html) == "default"


def test_a_shared_custom_network_is_custom(student_client):
    from playground.views import share_query

    custom = {**TINY_CNN, "blocks": TINY_CNN["blocks"][:1]}
    assert custom["blocks"] not in CNN_PRESETS.values()
    html = student_client.get(share_query("cnn", custom)).content.decode()
    assert _selected_preset(html) == ""


def _failed_dataset_job(user) -> Job:
    job = Job.objects.create(user=user, kind="cnn", config=TINY_CNN, status="running")
    services.job_mark_failed(job_id=job.pk, reason=services.DATASET_FAILURE, code="dataset")
    job.refresh_from_db()
    return job


def test_a_student_reads_a_plain_sentence_without_path_or_command(student, student_client):
    job = _failed_dataset_job(student)
    html = student_client.get(reverse("playground:job", args=[job.pk])).content.decode()
    assert services.DATASET_FAILURE in html
    assert "make mnist" not in html and "manage.py" not in html
    assert str(datasets.root()) not in html
    api = student_client.get(reverse("playground-api:job-progress", args=[job.pk])).json()
    assert "make mnist" not in json.dumps(api) and "/" not in api["failure_reason"]


def test_an_instructor_gets_the_exact_command(instructor, instructor_client):
    job = _failed_dataset_job(instructor)
    html = instructor_client.get(reverse("playground:job", args=[job.pk])).content.decode()
    assert services.DATASET_FAILURE in html
    assert "<code>make mnist</code>" in html and str(datasets.root()) in html
