"""The job list costs a fixed number of queries whether a user has 10 or 1000 jobs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import SCALES
from playground.models import Job
from playground.tests.conftest import TINY_CNN

pytestmark = pytest.mark.django_db


def _make(user, n: int) -> None:
    big = {"train": [{"step": i, "loss": 1.0, "acc": 0.5} for i in range(300)]}
    Job.objects.bulk_create(
        Job(user=user, kind="cnn", config=TINY_CNN, history=big, status="succeeded")
        for _ in range(n)
    )


@pytest.mark.parametrize("n", SCALES)
def test_page_and_api_list_queries_are_bounded(student, student_client, n):
    _make(student, n)
    with CaptureQueriesContext(connection) as page:
        assert student_client.get(reverse("playground:index")).status_code == 200
    with CaptureQueriesContext(connection) as api:
        resp = student_client.get("/api/playground/jobs/")
    assert resp.json()["count"] == n
    assert len(page) <= 6, [q["sql"] for q in page]
    assert len(api) <= 5, [q["sql"] for q in api]
    # the list never loads the curves
    assert all('"history"' not in q["sql"] for q in page.captured_queries + api.captured_queries)


def test_instructor_queue_page_queries_are_bounded(instructor_client, student, other_student):
    _make(student, 50)
    _make(other_student, 50)
    with CaptureQueriesContext(connection) as ctx:
        assert instructor_client.get(reverse("playground:queue")).status_code == 200
    assert len(ctx) <= 8
