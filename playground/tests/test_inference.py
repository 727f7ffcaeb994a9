"""Try it: the trained CNN classifies a drawn digit and the trained LSTM continues a prompt,
answered by a real worker on the inference queue. The request returns a ticket at once; the
answer is fetched from the ticket; limits answer 429 with Retry-After; old messages are dropped."""

from __future__ import annotations

import threading
import time

import pytest

from conftest import start_worker, stop_worker, wait_for
from playground import answers, services
from playground.models import Job
from playground.services import job_submit
from playground.tests.conftest import TINY_CNN, TINY_TEXT

API = "/api/playground/jobs/"
BLANK = [[0.0] * 28 for _ in range(28)]


def _done(job: Job) -> bool:
    job.refresh_from_db()
    return job.status in Job.FINISHED


def _a_test_digit(data_dir) -> tuple[list[list[float]], int]:
    from playground.training.data import load_mnist, to_pixels

    test = load_mnist(data_dir / "mnist", "mnist10k").test
    return [[v / 255 for v in row] for row in to_pixels(test.x[0])], int(test.y[0])


def _answer(client, url: str, timeout: float = 60) -> dict:
    """Poll the ticket as the page does; every poll is answered at once (202 or 200)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = client.get(url)
        assert resp.status_code in (200, 202), resp.content
        if resp.status_code == 200:
            return resp.json()
        time.sleep(0.05)
    pytest.fail(f"no answer at {url}")


@pytest.fixture
def trained(student) -> Job:
    """A succeeded job row (its weights file is never read: no worker answers in these tests)."""
    return Job.objects.create(
        user=student, kind="cnn", config=TINY_CNN, status="succeeded", weights="/nowhere.pt"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_digit_and_text_inference_through_tickets(
    celery_worker, student, student_client, other_client, anon_client, playground_data
):
    cnn = job_submit(
        user=student, kind="cnn", config={**TINY_CNN, "train_subset": 2000, "epochs": 2}
    )
    text = job_submit(user=student, kind="text", config=TINY_TEXT)
    wait_for(lambda: _done(cnn) and _done(text), timeout=180, message="both jobs to finish")
    assert cnn.status == text.status == "succeeded", celery_worker.log()

    pixels, label = _a_test_digit(playground_data)
    resp = student_client.post(
        f"{API}{cnn.pk}/predict-digit/", {"pixels": pixels}, content_type="application/json"
    )
    assert resp.status_code == 202, resp.content
    url = resp.json()["url"]
    assert resp["Location"] == url and url.endswith(f"/inference/{resp.json()['ticket']}/")
    assert other_client.get(url).status_code == 404  # a ticket is its owner's alone
    assert anon_client.get(url).status_code == 403
    assert student_client.get(url.replace(f"/{cnn.pk}/", f"/{text.pk}/")).status_code == 404
    body = _answer(student_client, url)
    assert body["status"] == "done"
    probs = body["result"]["probabilities"]
    assert len(probs) == 10 and abs(sum(probs) - 1) < 0.01
    assert body["result"]["prediction"] == label  # a 2,000-image CNN gets this clear digit right

    resp = student_client.post(
        f"{API}{text.pk}/generate/",
        {"prompt": "The network ", "temperature": 0.5, "length": 40},
        content_type="application/json",
    )
    assert resp.status_code == 202, resp.content
    result = _answer(student_client, resp.json()["url"])["result"]
    assert result["prompt"] == "The network " and len(result["continuation"]) == 40
    assert "infer_text" in celery_worker.log() and "infer_digit" in celery_worker.log()


@pytest.mark.django_db
def test_request_returns_a_ticket_without_any_worker(student_client, trained):
    # No worker consumes the inference queue here: an answer of 202 proves nothing waited for one.
    resp = student_client.post(
        f"{API}{trained.pk}/predict-digit/", {"pixels": BLANK}, content_type="application/json"
    )
    assert resp.status_code == 202 and resp.json()["status"] == "pending"
    poll = student_client.get(resp.json()["url"])
    assert poll.status_code == 202 and poll.json()["status"] == "pending"
    assert poll.json()["retry_ms"] >= 0
    assert student_client.post(resp.json()["url"]).status_code == 405


@pytest.mark.django_db
def test_concurrency_limit_answers_429_with_retry_after(student_client, trained, settings):
    settings.PLAYGROUND_INFER_CONCURRENCY = 2
    codes = []
    for _ in range(3):
        resp = student_client.post(
            f"{API}{trained.pk}/predict-digit/", {"pixels": BLANK}, content_type="application/json"
        )
        codes.append(resp.status_code)
    assert codes == [202, 202, 429]
    assert int(resp["Retry-After"]) >= 1 and "still being answered" in resp.json()["detail"]


@pytest.mark.django_db
def test_rate_limit_answers_429_with_retry_after(
    student_client, other_client, trained, settings, other_student
):
    settings.PLAYGROUND_INFER_CONCURRENCY = 100
    settings.PLAYGROUND_INFER_LIMIT = 3
    url = f"{API}{trained.pk}/predict-digit/"
    codes = [
        student_client.post(url, {"pixels": BLANK}, content_type="application/json").status_code
        for _ in range(4)
    ]
    assert codes == [202, 202, 202, 429]
    resp = student_client.post(url, {"pixels": BLANK}, content_type="application/json")
    assert resp.status_code == 429 and 1 <= int(resp["Retry-After"]) <= 60
    theirs = Job.objects.create(
        user=other_student, kind="cnn", config=TINY_CNN, status="succeeded", weights="/x.pt"
    )
    ok = other_client.post(
        f"{API}{theirs.pk}/predict-digit/", {"pixels": BLANK}, content_type="application/json"
    )
    assert ok.status_code == 202  # the limit is per user


@pytest.mark.django_db(transaction=True)
@pytest.mark.worker
def test_expired_message_is_dropped_not_run(student, student_client, trained, tmp_path, settings):
    import redis
    from django.conf import settings as dj

    from playground import services

    client = redis.Redis.from_url(dj.CELERY_BROKER_URL)
    client.delete("inference")  # what earlier tests on this broker database left unconsumed
    settings.PLAYGROUND_INFER_TIMEOUT_S = 1
    resp = student_client.post(
        f"{API}{trained.pk}/predict-digit/", {"pixels": BLANK}, content_type="application/json"
    )
    assert resp.status_code == 202
    ticket = resp.json()["ticket"]
    # The ticket's state lives PLAYGROUND_INFER_TIMEOUT_S + 60 s; a busy machine can take longer
    # than that to start the worker below, and a state gone from the cache would say nothing
    # about what the worker did. Kept longer here; its "expires" time is untouched.
    assert services.cache.touch(services.TICKET_KEY.format(ticket), 600)
    time.sleep(1.5)  # the message is now older than its deadline; no worker has seen it yet
    # start_worker empties the broker, so the message is put back as it was sent.
    queued = client.lrange("inference", 0, -1)
    assert len(queued) == 1
    worker = start_worker(tmp_path, queues="inference")
    try:
        client.rpush("inference", *queued)
        wait_for(
            lambda: "Discarding revoked task: playground.tasks.infer_digit" in worker.log(),
            timeout=30,
            message="the worker to drop the expired message",
        )
    finally:
        stop_worker(worker)
    assert "succeeded in" not in worker.log() and "raised" not in worker.log()  # never ran
    state = services.cache.get(services.TICKET_KEY.format(ticket))
    assert state["state"] == "pending"
    time.sleep(services.TICKET_GRACE_S)
    late = student_client.get(resp.json()["url"])
    assert late.status_code == 409 and "did not answer in time" in late.json()["detail"]


@pytest.mark.django_db
def test_a_refused_request_gives_its_slot_back(student_client, other_client, trained, settings):
    settings.PLAYGROUND_INFER_CONCURRENCY = 1
    url = f"{API}{trained.pk}/predict-digit/"
    bad = student_client.post(url, {"pixels": [[2.0] * 28]}, content_type="application/json")
    assert bad.status_code == 400
    assert (
        other_client.post(url, {"pixels": BLANK}, content_type="application/json").status_code
        == 404
    )
    wrong_kind = student_client.post(
        f"{API}{trained.pk}/generate/", {"prompt": "a"}, content_type="application/json"
    )
    assert wrong_kind.status_code == 409
    ok = student_client.post(url, {"pixels": BLANK}, content_type="application/json")
    assert ok.status_code == 202  # none of the refusals kept the one slot
    again = student_client.post(url, {"pixels": BLANK}, content_type="application/json")
    assert again.status_code == 429


@pytest.mark.django_db
def test_a_flood_is_refused_before_the_session_or_user_is_read(
    student_client, trained, settings, django_assert_num_queries
):
    settings.PLAYGROUND_INFER_LIMIT = 2
    settings.PLAYGROUND_INFER_CONCURRENCY = 100
    url = f"{API}{trained.pk}/predict-digit/"
    for _ in range(2):
        assert (
            student_client.post(url, {"pixels": BLANK}, content_type="application/json").status_code
            == 202
        )
    with django_assert_num_queries(0):  # not even the user: the brake runs before sessions
        resp = student_client.post(url, {"pixels": BLANK}, content_type="application/json")
    assert resp.status_code == 429 and int(resp["Retry-After"]) >= 1


@pytest.mark.django_db
def test_ticket_polling_is_bounded_per_session(student_client, trained, settings, monkeypatch):
    from dlplatform import ratelimit

    settings.PLAYGROUND_INFER_WAIT_MS = 0  # polls that answer at once: the brake counts them
    settings.PLAYGROUND_INFER_POLLS_PER_S = 3
    # One window for all the polls, however slowly a busy machine sends them.
    monkeypatch.setattr(ratelimit, "_now", lambda: 1_000_000.0)
    resp = student_client.post(
        f"{API}{trained.pk}/predict-digit/", {"pixels": BLANK}, content_type="application/json"
    )
    codes = [student_client.get(resp.json()["url"]).status_code for _ in range(4)]
    assert codes == [202, 202, 202, 429]


@pytest.mark.django_db
def test_unknown_tickets_and_bad_ids_are_404(student_client, trained):
    ticket = "0" * 32
    assert student_client.get(f"{API}{trained.pk}/inference/{ticket}/").status_code == 404
    assert student_client.get(f"{API}null,null/inference/{ticket}/").status_code == 404


def _post(client, job: Job):
    resp = client.post(
        f"{API}{job.pk}/predict-digit/", {"pixels": BLANK}, content_type="application/json"
    )
    assert resp.status_code == 202, resp.content
    return resp.json()


@pytest.fixture
def outcomes(monkeypatch) -> list[str]:
    """What each poll's wait came to: woken by the answer, timed out, or skipped."""
    seen: list[str] = []
    real = answers.wait

    def spy(ticket: str) -> tuple[str, dict | None]:
        how, answer = real(ticket)
        seen.append(how)
        return how, answer

    monkeypatch.setattr(answers, "wait", spy)
    return seen


ANSWER = {"prediction": 7, "probabilities": [0.1] * 10}


def _answer_once_a_poll_waits(ticket: str, result: dict = ANSWER) -> threading.Thread:
    def worker() -> None:
        deadline = time.monotonic() + 20
        while answers.waiting() == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        services.inference_answer(ticket=ticket, result=result)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    return thread


@pytest.mark.redis  # the poll blocks on a Redis list
@pytest.mark.django_db
def test_a_waiting_poll_is_woken_by_the_answer(student_client, trained, settings, outcomes):
    # A bound far longer than the test: only the worker's answer can end this wait early.
    settings.PLAYGROUND_INFER_WAIT_MS = 30_000
    ticket = _post(student_client, trained)
    thread = _answer_once_a_poll_waits(ticket["ticket"])
    poll = student_client.get(ticket["url"])  # one request, blocked until the answer came
    thread.join(timeout=30)
    assert poll.status_code == 200 and poll.json() == {"status": "done", "result": ANSWER}
    assert outcomes == ["woken"]


@pytest.mark.redis  # the poll blocks on a Redis list
@pytest.mark.django_db
def test_a_failure_reaches_the_waiting_poll_as_409(student_client, trained, settings, outcomes):
    settings.PLAYGROUND_INFER_WAIT_MS = 30_000
    ticket = _post(student_client, trained)
    thread = _answer_once_a_poll_waits(ticket["ticket"], {"error": "Inference failed: OSError"})
    poll = student_client.get(ticket["url"])
    thread.join(timeout=30)
    assert poll.status_code == 409 and poll.json()["detail"] == "Inference failed: OSError"
    assert outcomes == ["woken"]


@pytest.mark.django_db
def test_a_poll_of_an_answered_ticket_does_not_wait(student_client, trained, outcomes):
    ticket = _post(student_client, trained)
    services.inference_answer(ticket=ticket["ticket"], result=ANSWER)
    assert student_client.get(ticket["url"]).json()["result"] == ANSWER
    assert outcomes == []


@pytest.mark.django_db
def test_without_redis_a_poll_answers_at_once_and_says_when_to_ask_again(
    student_client, trained, settings, outcomes
):
    settings.REDIS_URL = ""  # the `make run` stack: nothing to block on
    settings.PLAYGROUND_INFER_WAIT_MS = 30_000
    ticket = _post(student_client, trained)
    pending = student_client.get(ticket["url"])
    assert pending.status_code == 202 and pending.json()["retry_ms"] == answers.RETRY_MS
    services.inference_answer(ticket=ticket["ticket"], result=ANSWER)
    assert student_client.get(ticket["url"]).json()["result"] == ANSWER
    assert outcomes == ["skipped"]


@pytest.mark.django_db
def test_blocked_polls_per_process_are_bounded(student_client, trained, settings, outcomes):
    settings.PLAYGROUND_INFER_WAITERS = 1
    settings.PLAYGROUND_INFER_WAIT_MS = 30_000
    ticket = _post(student_client, trained)
    gate = answers._gate(1)
    assert gate.acquire(blocking=False)  # another poll holds the one place
    try:
        pending = student_client.get(ticket["url"])
    finally:
        gate.release()
    assert pending.status_code == 202 and pending.json()["retry_ms"] == answers.RETRY_MS
    assert outcomes == ["skipped"]


@pytest.mark.redis  # the poll blocks on a Redis list
@pytest.mark.django_db
def test_a_ticket_that_times_out_waiting_is_pending_and_asked_again_at_once(
    student_client, trained, settings, outcomes
):
    settings.PLAYGROUND_INFER_WAIT_MS = 50
    ticket = _post(student_client, trained)
    pending = student_client.get(ticket["url"])
    assert pending.status_code == 202 and pending.json() == {"status": "pending", "retry_ms": 0}
    assert outcomes == ["timeout"]
