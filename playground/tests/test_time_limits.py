"""The training time limits are read when a job is sent, not frozen when the code is imported,
so a settings override reaches Celery and the worker; every PLAYGROUND_* setting lives in
settings.py alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from conftest import wait_for
from playground import queue, services
from playground.models import Job
from playground.tests.conftest import TINY_CNN

LONG_CNN = {**TINY_CNN, "train_subset": 0, "epochs": 20, "max_steps": 0}


@pytest.mark.django_db
def test_each_message_carries_the_limits_of_the_settings_now(
    student, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[dict] = []
    monkeypatch.setattr(queue.app, "send_task", lambda name, **kw: sent.append(kw))
    for soft, hard in ((7, 9), (40, 50)):
        with (
            override_settings(PLAYGROUND_JOB_SOFT_LIMIT_S=soft, PLAYGROUND_JOB_HARD_LIMIT_S=hard),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.job_submit(user=student, kind="cnn", config=TINY_CNN)
        Job.objects.update(status="succeeded")  # frees the slot for the next one
    assert [(m["soft_time_limit"], m["time_limit"]) for m in sent] == [(7, 9), (40, 50)]


def test_every_playground_setting_is_in_settings_py():
    """conf.get has no defaults of its own any more: a name missing from settings.py fails."""
    root = Path(__file__).resolve().parents[1]
    used = {
        name
        for path in root.rglob("*.py")
        for name in re.findall(r'conf\.get\("(PLAYGROUND_\w+)"\)', path.read_text())
    }
    assert used and not {n for n in used if not hasattr(django_settings, n)}
    assert "DEFAULTS" not in (root / "conf.py").read_text()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_shorter_soft_limit_set_in_a_test_reaches_the_worker(celery_worker, student, settings):
    """The worker's own settings say 600 s; the message sent under the override says 6 s, and
    the run stops there, keeping what it learned, instead of training all 20 epochs."""
    settings.PLAYGROUND_JOB_SOFT_LIMIT_S = 6
    settings.PLAYGROUND_JOB_HARD_LIMIT_S = 120
    job = services.job_submit(user=student, kind="cnn", config=LONG_CNN)
    job = wait_for(
        lambda: Job.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).first(),
        timeout=120,
        message="the job to end at its soft limit",
    )
    if job.status == "succeeded":
        assert job.results["stopped"]["reason"] == "time_limit", job.results.get("stopped")
        assert job.results["stopped"]["epochs_done"] < 20
    else:  # the soft limit struck before the loop's own deadline saved anything
        assert "time limit of 6 seconds" in job.failure_reason, job.failure_reason
