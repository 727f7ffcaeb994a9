"""A running job's curves are appended, never rewritten: each progress report adds its point as
a row, earlier points are not written again, and the page asks only for the points after the
last one it has (`?since=`). The finished history is stored once on the job."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from playground import services
from playground.models import Job, JobPoint
from playground.runner import Reporter
from playground.tests.conftest import TINY_CNN


def _reporter(job_id: int) -> Reporter:
    """The runner's reporter wired to the services, as the training task wires it."""
    return Reporter(
        job_id,
        job_progress=services.job_progress,
        job_flags=services.job_flags,
        job_point=services.job_point,
    )


pytestmark = pytest.mark.django_db
API = "/api/playground/jobs/"


@pytest.fixture
def running(student) -> Job:
    return Job.objects.create(
        user=student, kind="cnn", config=TINY_CNN, status="running", started=timezone.now()
    )


def _report(reporter: Reporter, step: int) -> None:
    reporter.on_progress({"step": step, "total_steps": 100, "loss": 1.0 / step, "acc": 0.5})


def test_progress_writes_append_and_never_rewrite_earlier_points(running):
    reporter = _reporter(running.pk)
    for step in range(1, 6):
        _report(reporter, step)
    reporter.on_epoch({"epoch": 1, "step": 5, "val_loss": 0.4, "val_acc": 0.9})
    earlier = {p.pk: p.data for p in JobPoint.objects.filter(job=running)}
    with CaptureQueriesContext(connection) as writes:
        for step in range(6, 16):
            _report(reporter, step)
    sql = [q["sql"] for q in writes.captured_queries]
    assert not any('"history"' in q for q in sql), sql  # the stored history is not touched
    assert not any(
        "UPDATE playground_jobpoint" in q or 'UPDATE "playground_jobpoint"' in q for q in sql
    ), sql
    assert not any("DELETE" in q for q in sql), sql
    assert len(sql) == 10  # one statement per report: the heartbeat stays one round trip
    assert {p.pk: p.data for p in JobPoint.objects.filter(pk__in=earlier)} == earlier
    points = list(JobPoint.objects.filter(job=running).order_by("seq"))
    assert [p.seq for p in points] == list(range(1, 17))
    assert [p.curve for p in points].count("val") == 1
    running.refresh_from_db()
    assert running.progress["step"] == 15 and running.history == {}


def test_since_returns_only_the_new_points(student_client, running):
    reporter = _reporter(running.pk)
    for step in range(1, 4):
        _report(reporter, step)
    url = f"{API}{running.pk}/progress/"
    first = student_client.get(url).json()
    assert [p["step"] for p in first["history"]["train"]] == [1, 2, 3]
    assert first["history_last"] == 3
    reporter.on_epoch({"epoch": 1, "step": 3, "val_loss": 0.4, "val_acc": 0.9})
    for step in range(4, 6):
        _report(reporter, step)
    new = student_client.get(url, {"since": first["history_last"]}).json()
    assert [p["step"] for p in new["history"]["train"]] == [4, 5]
    assert [p["epoch"] for p in new["history"]["val"]] == [1]
    assert new["history_last"] == 6
    same = student_client.get(url, {"since": new["history_last"]}).json()
    assert same["history"] == {"train": [], "val": []} and same["history_last"] == 6
    # Without `since` (or with nonsense) the whole history, as before.
    assert len(student_client.get(url, {"since": "x"}).json()["history"]["train"]) == 5


def test_the_finished_history_is_stored_once_and_since_still_works(student_client, running):
    reporter = _reporter(running.pk)
    for step in range(1, 5):
        _report(reporter, step)
    services.job_mark_succeeded(job_id=running.pk, results={}, weights="", history=reporter.history)
    running.refresh_from_db()
    assert [p["seq"] for p in running.history["train"]] == [1, 2, 3, 4]
    assert not JobPoint.objects.filter(job=running).exists()  # the rows were only the draft
    url = f"{API}{running.pk}/progress/"
    assert [p["step"] for p in student_client.get(url).json()["history"]["train"]] == [1, 2, 3, 4]
    after = student_client.get(url, {"since": 2}).json()
    assert [p["step"] for p in after["history"]["train"]] == [3, 4]
    assert after["history_last"] == 4


def test_a_failed_run_keeps_its_points_and_a_rerun_starts_afresh(student_client, running):
    reporter = _reporter(running.pk)
    for step in range(1, 4):
        _report(reporter, step)
    services.job_mark_failed(job_id=running.pk, reason="boom")
    url = f"{API}{running.pk}/progress/"
    assert len(student_client.get(url).json()["history"]["train"]) == 3
    Job.objects.filter(pk=running.pk).update(status="queued", attempts=1)  # ran once
    assert services.job_mark_running(job_id=running.pk, worker="w") is not None
    assert not JobPoint.objects.filter(job=running).exists()


def test_points_of_a_job_not_running_are_not_stored(student, running):
    Job.objects.filter(pk=running.pk).update(status="cancelled")
    reporter = _reporter(running.pk)
    _report(reporter, 1)
    reporter.on_epoch({"epoch": 1, "step": 1, "val_loss": 0.4, "val_acc": 0.9})
    assert not JobPoint.objects.filter(job=running).exists()


def test_another_users_progress_is_404(other_client, running):
    assert other_client.get(f"{API}{running.pk}/progress/", {"since": 1}).status_code == 404
