"""The JSON API: scoped to the user, validates configs per field, limits submissions, in the schema."""

from __future__ import annotations

import pytest
from django.urls import reverse

from playground.models import Job
from playground.tests.conftest import TINY_CNN, TINY_TEXT

pytestmark = pytest.mark.django_db
LIST = "/api/playground/jobs/"


@pytest.fixture
def job(student):
    return Job.objects.create(user=student, kind="cnn", config=TINY_CNN)


def test_create_validates_and_queues(student_client, settings):
    resp = student_client.post(
        LIST,
        {"kind": "text", "config": {**TINY_TEXT, "cell": "gru"}},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.json()
    job = Job.objects.get(pk=resp.json()["id"])
    assert job.status == "queued" and job.config["cell"] == "gru"


def test_create_refuses_bad_fields_per_field(student_client):
    resp = student_client.post(
        LIST,
        {"kind": "text", "config": {"hidden": 10**9, "lr": 0}},
        content_type="application/json",
    )
    assert resp.status_code == 400
    errors = resp.json()["config"]
    assert set(errors) == {"hidden", "lr"} and "1024" in errors["hidden"][0]
    assert not Job.objects.exists()


def test_active_job_limit_and_rate_limit(student_client, student, settings):
    settings.PLAYGROUND_MAX_ACTIVE_JOBS = 2
    body = {"kind": "cnn", "config": TINY_CNN}
    codes = [
        student_client.post(LIST, body, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]
    Job.objects.update(status="succeeded")
    settings.PLAYGROUND_SUBMIT_LIMIT = 2  # two submissions counted so far in this window
    resp = student_client.post(LIST, body, content_type="application/json")
    assert resp.status_code == 429 and "too quickly" in resp.json()["detail"]


def test_list_and_retrieve_are_scoped(student_client, other_client, job):
    assert [j["id"] for j in student_client.get(LIST).json()["results"]] == [job.pk]
    assert other_client.get(LIST).json()["results"] == []
    assert other_client.get(f"{LIST}{job.pk}/").status_code == 404
    assert other_client.get(f"{LIST}{job.pk}/progress/").status_code == 404
    assert other_client.post(f"{LIST}{job.pk}/cancel/").status_code == 404
    assert student_client.get(f"{LIST}{job.pk}/progress/").json()["status"] == "queued"


def test_cancel_action(student_client, job):
    resp = student_client.post(f"{LIST}{job.pk}/cancel/")
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"


def test_anonymous_403_and_wrong_method_405(anon_client, student_client, job):
    assert anon_client.get(LIST).status_code == 403
    assert anon_client.post(f"{LIST}{job.pk}/cancel/").status_code == 403
    assert student_client.delete(f"{LIST}{job.pk}/").status_code == 405
    assert student_client.get(f"{LIST}{job.pk}/cancel/").status_code == 405
    assert (
        student_client.put(f"{LIST}{job.pk}/", {}, content_type="application/json").status_code
        == 405
    )


def test_inference_needs_a_trained_model_of_the_right_kind(student_client, job):
    pixels = [[0.0] * 28] * 28
    resp = student_client.post(
        f"{LIST}{job.pk}/predict-digit/", {"pixels": pixels}, content_type="application/json"
    )
    assert resp.status_code == 409 and "no trained model" in resp.json()["detail"]
    resp = student_client.post(
        f"{LIST}{job.pk}/generate/", {"prompt": "a"}, content_type="application/json"
    )
    assert resp.status_code == 409
    bad = student_client.post(
        f"{LIST}{job.pk}/predict-digit/", {"pixels": [[2.0] * 28]}, content_type="application/json"
    )
    assert bad.status_code == 400


def test_endpoints_are_in_the_schema(student_client):
    schema = student_client.get(reverse("schema"), HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/playground/jobs/",
        "/api/playground/jobs/{id}/cancel/",
        "/api/playground/jobs/{id}/progress/",
        "/api/playground/jobs/{id}/predict-digit/",
        "/api/playground/jobs/{id}/generate/",
    ):
        assert path in schema
