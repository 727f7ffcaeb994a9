"""The audio reaper against a real Redis broker: with no worker at all (the message is never
consumed), and with the broker stopped while an instructor asks for renders (a private Redis,
so stopping it hurts no other test): a clear message, no 500, nothing lost."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from conftest import _empty_broker, require
from lessons import audio_queue, audio_reaper, services, tasks, tts
from lessons.models import AudioKind, AudioStatus, AudioTrack, Topic
from tests.faults.servers import PrivateRedis

S = AudioStatus


@pytest.fixture
def tts_on(monkeypatch, settings) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda name: f"/usr/bin/{name}")
    settings.LESSONS_TTS_BACKEND = "espeak-ng"
    settings.LESSONS_AUDIO_STALE_S = 600
    settings.LESSONS_AUDIO_MAX_ATTEMPTS = 1


def _age(*tracks: AudioTrack) -> None:
    old = timezone.now() - timedelta(hours=1)
    AudioTrack.objects.filter(pk__in=[t.pk for t in tracks]).update(queued_at=old)


def _reap_now(django_capture_on_commit_callbacks) -> dict[str, int]:
    with django_capture_on_commit_callbacks(execute=True):
        return tasks.reap_audio.run()


@pytest.mark.redis
def test_with_no_worker_a_lost_message_is_resent_and_a_waiting_one_fails_saying_so(
    course, tts_on, django_capture_on_commit_callbacks, anon_client
):
    require(not audio_queue.app.conf.broker_url.startswith("memory"), "needs the Redis broker")
    _empty_broker()
    cache.delete("health:workers:audio")  # no audio worker has ever been seen
    topic = Topic.objects.get(slug="perceptron")
    with django_capture_on_commit_callbacks(execute=True):
        services.audio_schedule(topics=[topic])
    track = AudioTrack.objects.get(topic=topic, kind=AudioKind.DIALOGUE)
    held = audio_queue.waiting_ids()
    assert held is not None and track.task_id in held  # really in Redis, and nobody takes it
    _empty_broker()  # the broker loses every message (a restart without persistence)
    _age(track)
    _reap_now(django_capture_on_commit_callbacks)
    track.refresh_from_db()
    assert track.status == S.QUEUED and track.attempts == 1
    assert track.task_id in (audio_queue.waiting_ids() or set())  # sent again, for real
    _age(track)
    counts = _reap_now(django_capture_on_commit_callbacks)
    track.refresh_from_db()
    assert counts["failed"] >= 1 and track.status == S.FAILED
    assert track.error == audio_reaper.no_worker_reason()
    assert track.task_id in (audio_queue.waiting_ids() or set())  # kept for a late worker
    page = anon_client.get(reverse("lessons:section", args=["9.1"])).content.decode()
    assert "The recording could not be made." in page


@pytest.fixture
def private_broker(settings) -> Iterator[PrivateRedis]:
    """Point this process's Celery app (and the reaper's look into Redis) at a private Redis."""
    require(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = PrivateRedis.create()
    app = audio_queue.app
    before = app.conf.broker_url

    def point(url: str) -> None:
        app.conf.broker_url = app.conf.broker_write_url = app.conf.broker_read_url = url
        app._pool = None
        app.amqp._producer_pool = None

    settings.CELERY_BROKER_URL = server.url
    point(server.url)
    yield server
    server.stop()
    point(before)


def _held(server: PrivateRedis) -> set[str]:
    ids = audio_queue.waiting_ids()
    assert ids is not None, f"Redis at {server.url} did not answer"
    return ids


@pytest.mark.subprocess
@pytest.mark.redis
def test_render_requests_while_the_broker_is_down_warn_keep_every_track_and_go_out_later(
    course, tts_on, private_broker, admin_client, django_capture_on_commit_callbacks
):
    topic = Topic.objects.get(slug="perceptron")
    with django_capture_on_commit_callbacks(execute=True):
        services.audio_schedule(topics=[topic])
    tracks = list(AudioTrack.objects.filter(topic=topic))
    assert {t.task_id for t in tracks} <= _held(private_broker)
    private_broker.stop()
    assert audio_queue.waiting_ids() is None  # unknown, not "empty"
    # an instructor asks for renders again: a warning that says what happens, not a 500
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:lessons_audiotrack_changelist"),
            {"action": "render_again", "_selected_action": [t.pk for t in tracks]},
            follow=True,
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert "4 tracks queued for the audio worker." in text
    assert "The message broker (Redis) is unreachable: the tracks stay queued" in text
    # a topic saved inside a transaction (the admin's change form) sends at commit: no raise
    topic.dialogue[1]["line"] = "It weighs each input and adds the products up."
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        topic.save()
        services.audio_schedule(topics=[topic])
    rows = AudioTrack.objects.filter(topic=topic)
    assert rows.count() == 4 and {(r.status, r.task_id) for r in rows} == {(S.QUEUED, "")}
    down = _reap_now(django_capture_on_commit_callbacks)  # the reaper tries: still down
    assert down["sent"] == 4 and set(rows.values_list("task_id", flat=True)) == {""}
    private_broker.start()  # an empty Redis: everything sent before the outage is gone too
    _reap_now(django_capture_on_commit_callbacks)
    ids = set(rows.values_list("task_id", flat=True))
    assert "" not in ids and ids <= _held(private_broker)  # nothing lost
    assert set(rows.values_list("status", flat=True)) == {S.QUEUED}
    assert redis.Redis.from_url(private_broker.url).llen(audio_queue.AUDIO_QUEUE) == 4
