"""Every page: happy path, another user's job (404), anonymous (login redirect), wrong method (405)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from playground.models import Job
from playground.tests.conftest import TINY_CNN, cnn_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(student):
    return Job.objects.create(user=student, kind="cnn", config=TINY_CNN, title="mine")


def test_index_lists_only_my_jobs(student_client, job, other_student):
    Job.objects.create(user=other_student, kind="cnn", config=TINY_CNN, title="theirs")
    body = student_client.get(reverse("playground:index")).content.decode()
    assert "mine" in body and "theirs" not in body


@pytest.mark.parametrize(
    "query, marker",
    [
        ("?experiment=cnn", 'id="block-list"'),
        ("?experiment=text&cell=gru", '<option value="gru" selected>'),
    ],
)
def test_new_form_for_each_experiment(student_client, query, marker):
    resp = student_client.get(reverse("playground:new") + query)
    assert resp.status_code == 200 and marker in resp.content.decode()


def test_job_page_and_share_link_clone(student_client, job):
    resp = student_client.get(reverse("playground:job", args=[job.pk]))
    assert resp.status_code == 200
    share = resp.context["share"]
    clone = student_client.get(share)
    assert json.loads(clone.context["form"].initial["blocks"]) == TINY_CNN["blocks"]
    assert clone.context["form"].initial["lr"] == TINY_CNN["lr"]


def test_a_text_jobs_prompt_controls_have_the_apis_bounds(student_client, student):
    from playground.api.serializers import PromptSerializer

    text = Job.objects.create(user=student, kind="text", config={}, title="text")
    body = student_client.get(reverse("playground:job", args=[text.pk])).content.decode()
    api = PromptSerializer().fields
    temperature = api["temperature"]
    assert f'maxlength="{api["prompt"].max_length}"' in body
    assert (
        f'type="range" min="{temperature.min_value}" max="{temperature.max_value}" step="0.05" '
        f'value="{temperature.default}"'
    ) in body


def test_another_users_job_is_404(other_client, job):
    assert other_client.get(reverse("playground:job", args=[job.pk])).status_code == 404
    assert other_client.post(reverse("playground:cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "queued"


@pytest.mark.parametrize(
    "name, args",
    [
        ("playground:index", []),
        ("playground:new", []),
        ("playground:compare", []),
        ("playground:queue", []),
        ("playground:job", [1]),
    ],
)
def test_anonymous_is_sent_to_login(anon_client, name, args):
    resp = anon_client.get(reverse(name, args=args))
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]


def test_wrong_methods_are_405(student_client, job):
    assert student_client.get(reverse("playground:cancel", args=[job.pk])).status_code == 405
    assert student_client.get(reverse("playground:estimate")).status_code == 405
    assert student_client.post(reverse("playground:job", args=[job.pk])).status_code == 405
    assert student_client.delete(reverse("playground:new")).status_code == 405


def test_queue_page_is_for_instructors(student_client, instructor_client, job):
    assert student_client.get(reverse("playground:queue")).status_code == 403
    resp = instructor_client.get(reverse("playground:queue"))
    assert resp.status_code == 200 and "alice" in resp.content.decode()
    assert resp.context["state"]["counts"]["queued"] == 1


def test_compare_overlays_only_my_runs(student_client, job, other_student):
    theirs = Job.objects.create(user=other_student, kind="cnn", config=TINY_CNN)
    job.history = {"val": [{"epoch": 1, "val_loss": 0.5}]}
    job.save()
    resp = student_client.get(reverse("playground:compare"), {"ids": [job.pk, theirs.pk]})
    assert [c["id"] for g in resp.context["groups"] for c in g["curves"]] == [job.pk]


def test_cancel_a_queued_job_from_the_page(student_client, job):
    resp = student_client.post(reverse("playground:cancel", args=[job.pk]))
    assert resp.status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled" and job.finished is not None


def test_estimate_endpoint_counts_parameters(student_client):
    data = {**cnn_form_data(), "blocks": json.dumps(TINY_CNN["blocks"])}
    body = student_client.post(reverse("playground:estimate"), data).json()
    # conv 1->4 3x3: 4*9+4 = 40; classifier 4*14*14*10+10 = 7850
    assert body["valid"] and body["estimate"]["params"] == 40 + 7850
    data["lr"] = "0"
    body = student_client.post(reverse("playground:estimate"), data).json()
    assert not body["valid"] and "lr" in body["errors"]
