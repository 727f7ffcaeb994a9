"""The `make run` lane: the platform on the stack `make run` starts, not on the production one.

Run with DLP_TEST_STACK=makerun (`make test-makerun`, part of `make test` and so of .ci/run): the
embedded PostgreSQL from pip, no Redis (the locked file cache), Celery's filesystem transport and
a real worker. What failed on the old SQLite default is asserted here: the statistics reports,
the admin's question filters, the answer autosave, a training job, glossary search; and what
Redis does in production (rate limits, content versions, the sessions' read copy) without it.
"""

from __future__ import annotations

import html
import io
import re
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import wait_for

pytestmark = pytest.mark.makerun
ROOT = Path(__file__).resolve().parent.parent
MNIST = ROOT.parent / "shared" / "data" / "mnist"


@pytest.fixture(scope="module")
def content(django_db_setup, django_db_blocker):
    """The bundled content, loaded once for the module (the worker test, last, flushes it)."""
    with django_db_blocker.unblock():
        call_command("load_content", stdout=io.StringIO())


def test_the_lane_runs_on_the_make_run_stack():
    from django.db import connection

    assert Path(connection.settings_dict["HOST"]).is_dir(), "the embedded server's unix socket"
    assert settings.REDIS_URL == "" and settings.CELERY_BROKER_URL.startswith("filesystem://")
    assert settings.CACHES["default"]["BACKEND"] == "dlplatform.filecache.LockedFileBasedCache"
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_statistics_report_and_csv_answer_for_every_bundled_quiz(
    content, student, instructor_client
):
    from quizzes import services
    from quizzes.models import Quiz

    quizzes = list(Quiz.objects.all())
    assert len(quizzes) >= 8
    for quiz in quizzes:  # one graded attempt each, so the aggregates have rows to work on
        attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
        services.attempt_submit(attempt=attempt, now=timezone.now())
    for quiz in quizzes:
        report = instructor_client.get(reverse("quizzes:report", args=[quiz.pk]))
        csv = instructor_client.get(reverse("quizzes:report-statistics-csv", args=[quiz.pk]))
        assert report.status_code == 200, (quiz.pk, report.content[:300])
        assert csv.status_code == 200 and b"".join(csv.streaming_content).count(b"\n") > 1


@pytest.mark.django_db
def test_admin_question_tag_filters_and_show_counts_answer(content, admin_client):
    url = reverse("admin:quizzes_question_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    links = {html.unescape(h) for h in re.findall(r'href="(\?[^"]*tag=[^"]*)"', page.text)}
    assert len(links) > 20, "the bundled questions carry tags"
    for query in sorted(links):
        assert admin_client.get(url + query).status_code == 200, query
    counts = admin_client.get(url + "?_facets=True")
    assert counts.status_code == 200 and re.search(r"\(\d+\)", counts.text)


@pytest.mark.django_db
def test_answer_autosave_through_the_api(content, student, student_client):
    from quizzes import services
    from quizzes.models import Quiz
    from quizzes.tests.factories import as_sent

    attempt = services.attempt_start(quiz=Quiz.objects.first(), user=student, now=timezone.now())
    item = next(i for i in attempt.items.all() if i.choice_order)
    response = student_client.post(
        f"/api/quizzes/attempts/{attempt.pk}/answer/",
        # Sent as the browser sends it: in the attempt's tokens, never database ids.
        {"question_id": item.question_id, "response": as_sent(item, item.choice_order[0])},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.response in (item.choice_order[0], [item.choice_order[0]])


@pytest.mark.django_db
def test_glossary_search_finds_terms(content, anon_client):
    found = anon_client.get("/api/glossary/terms/", {"search": "dropout"}).json()
    rows = found["results"] if isinstance(found, dict) else found
    assert rows and rows[0]["slug"] == "dropout"
    page = anon_client.get(reverse("glossary:index"), {"q": "batch normalization"})
    assert page.status_code == 200 and "/glossary/batch-normalization/" in page.text


def test_rate_limits_count_exactly_across_threads_without_redis():
    from dlplatform.ratelimit import hit

    allowed: list[bool] = []

    def burst() -> None:
        allowed.extend(hit(key="lane", limit=60, window_s=60) for _ in range(40))

    threads = [threading.Thread(target=burst) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert allowed.count(True) == 60 and len(allowed) == 160


def test_a_content_version_is_shared_by_every_process(tmp_path):
    import subprocess
    import sys

    from django.core.cache import cache

    from lessons.caches import content

    content.bump()
    mine = cache.get(content.name)
    code = "import django; django.setup(); from django.core.cache import cache; "
    code += f"print(cache.get({content.name!r}))"
    other = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert mine and other.stdout.strip() == str(mine), other.stderr[-2000:]


@pytest.mark.django_db
def test_the_session_is_read_from_the_cache_and_kept_in_the_database(student_client):
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    key = student_client.cookies[settings.SESSION_COOKIE_NAME].value
    assert student_client.get(reverse("home")).status_code == 200
    assert Session.objects.filter(session_key=key).exists()
    assert cache.get("django.contrib.sessions.cached_db" + key) is not None


@pytest.fixture
def digits(settings, tmp_path, monkeypatch) -> Path:
    """MNIST 10k in a private folder that this process and the worker (started after) both see."""
    data = tmp_path / "data"
    (data / "mnist").mkdir(parents=True)
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (data / "mnist" / name).write_bytes((MNIST / name).read_bytes())
    settings.PLAYGROUND_DATA_DIR = data
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(data))
    return data


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_a_training_job_completes_on_a_real_worker_through_the_filesystem_broker(
    digits, celery_worker, student, student_client, settings
):
    from playground.models import Job
    from playground.services import job_submit

    tiny = {
        "dataset": "mnist10k",
        "blocks": [{"type": "conv", "channels": 4, "kernel": 3, "stride": 1, "padding": 1}],
        "epochs": 1,
        "batch_size": 32,
        "max_steps": 5,
        "train_subset": 320,
    }
    job = job_submit(user=student, kind="cnn", config=tiny)
    done = wait_for(
        lambda: Job.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).first(),
        timeout=150,
        message="the job to finish",
    )
    assert done.status == "succeeded", (done.failure_reason, celery_worker.log()[-3000:])
    assert Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).is_dir()
    # Try it without Redis: no poll can block on the answer, so each answers at once and the
    # browser asks again after `retry_ms` (short polling); the answer still arrives.
    blank = [[0.0] * 28 for _ in range(28)]
    ticket = student_client.post(
        f"/api/playground/jobs/{job.pk}/predict-digit/",
        {"pixels": blank},
        content_type="application/json",
    ).json()

    def answered() -> dict | None:
        poll = student_client.get(ticket["url"])
        assert poll.status_code in (200, 202), poll.content
        if poll.status_code == 202:
            assert poll.json()["retry_ms"] > 0  # the file cache: the poll did not wait
            return None
        return poll.json()["result"]

    result = wait_for(answered, timeout=60, interval=0.2, message="the try-it answer")
    assert len(result["probabilities"]) == 10


@pytest.mark.django_db(transaction=True)
def test_quiz_statistics_are_recomputed_by_the_worker_after_a_submit(
    tmp_path, student, instructor_client, settings
):
    """The inference worker of `make run` serves the `reports` queue: a graded attempt queues
    a recompute through the filesystem broker, and the stored result follows."""
    from conftest import start_worker, stop_worker
    from quizzes import services
    from quizzes.models import QuizStatistics
    from quizzes.tests.factories import make_quiz

    settings.QUIZ_STATISTICS_DEBOUNCE_S = 0
    quiz = make_quiz(["single", "truefalse"])
    url = reverse("quizzes:report", args=[quiz.pk])
    assert "being computed" not in instructor_client.get(url).content.decode()  # 0 attempts
    worker = start_worker(tmp_path, queues="inference,reports", concurrency=1)
    try:
        attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
        services.attempt_submit(attempt=attempt, now=timezone.now())  # commits: queues it
        row = wait_for(
            lambda: QuizStatistics.objects.filter(
                quiz=quiz, queued_at__isnull=True, results__all__stats__n=1
            ).first(),
            timeout=90,
            message="the worker's recompute",
        )
    finally:
        stop_worker(worker)
    assert row.results["all"]["changes"] == row.changes == 1
    assert "from 1 attempt (up to date)" in instructor_client.get(url).content.decode()
