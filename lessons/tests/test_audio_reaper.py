"""Renders nobody makes (lessons/audio_reaper.py): a send that failed, a message the broker lost,
a queue no worker serves, a worker that died mid-render, a stale duplicate message; the page
says what is true at each step. The broker is faked here; test_audio_reaper_broker.py uses a
real Redis with no worker, and one that is stopped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from lessons import audio_queue, audio_reaper, services, tasks, tts
from lessons.models import AudioKind, AudioStatus, AudioTrack, Topic

S = AudioStatus


@pytest.fixture
def sent(monkeypatch, settings) -> list[dict]:
    """Sends recorded instead of reaching a broker; `sent.down = True` makes them fail."""
    monkeypatch.setattr(tts.shutil, "which", lambda name: f"/usr/bin/{name}")
    settings.LESSONS_TTS_BACKEND = "espeak-ng"
    settings.LESSONS_AUDIO_STALE_S = 600
    settings.LESSONS_AUDIO_MAX_ATTEMPTS = 1
    record = _Sent()

    def send_task(name: str, **kw) -> None:
        record.tries += 1
        if record.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")
        record.append(kw)

    monkeypatch.setattr(audio_queue.app, "send_task", send_task)
    return record


class _Sent(list):
    down = False
    tries = 0


def _dialogue(course, sent, django_capture_on_commit_callbacks) -> AudioTrack:
    topic = Topic.objects.get(slug="perceptron")
    with django_capture_on_commit_callbacks(execute=True):
        services.audio_schedule(topics=[topic])
    return AudioTrack.objects.get(topic=topic, kind=AudioKind.DIALOGUE)


def _age(track: AudioTrack, **fields) -> AudioTrack:
    """Make the track's clock readings an hour old."""
    old = timezone.now() - timedelta(hours=1)
    AudioTrack.objects.filter(pk=track.pk).update(**{f: old for f in fields} or {"queued_at": old})
    track.refresh_from_db()
    return track


def _reap(django_capture_on_commit_callbacks, **kw) -> dict[str, int]:
    with django_capture_on_commit_callbacks(execute=True):
        return audio_reaper.reap(**kw)


def _page(client) -> str:
    return client.get(reverse("lessons:section", args=["9.1"])).content.decode()


def test_a_send_while_the_broker_is_down_loses_nothing_and_the_reaper_sends_it(
    course, sent, django_capture_on_commit_callbacks, anon_client
):
    sent.down = True
    track = _dialogue(course, sent, django_capture_on_commit_callbacks)  # no exception
    assert track.status == S.QUEUED and track.task_id == "" and sent == []
    assert sent.tries == 1  # four tracks, but one timeout: the first failure ends the sending
    assert set(AudioTrack.objects.values_list("task_id", flat=True)) == {""}
    assert "The recording is waiting for the audio worker." in _page(anon_client)
    # still down: the reaper tries, the row still waits
    counts = _reap(django_capture_on_commit_callbacks, broker_ids=None, worker_alive=None)
    assert counts["sent"] == 4 and sent.tries == 2
    track.refresh_from_db()
    assert track.status == S.QUEUED and track.task_id == ""
    sent.down = False
    _reap(django_capture_on_commit_callbacks, broker_ids=None, worker_alive=None)
    track.refresh_from_db()
    assert track.task_id and track.attempts == 0  # a broker outage is not the render's fault
    assert len(sent) == 4 and "" not in set(AudioTrack.objects.values_list("task_id", flat=True))
    assert track.task_id in {kw["task_id"] for kw in sent}
    assert [kw["args"] for kw in sent if kw["task_id"] == track.task_id] == [[track.pk]]


def test_a_lost_message_is_sent_again_once_then_the_track_fails_saying_why(
    course, sent, django_capture_on_commit_callbacks, anon_client
):
    track = _dialogue(course, sent, django_capture_on_commit_callbacks)
    first = track.task_id
    assert first in {kw["task_id"] for kw in sent}
    fresh = _reap(django_capture_on_commit_callbacks, broker_ids=set(), worker_alive=True)
    assert fresh["resent"] == 0  # not stale yet: a message may be on its way
    track = _age(track)
    sent.clear()
    counts = _reap(django_capture_on_commit_callbacks, broker_ids=set(), worker_alive=True)
    assert counts["resent"] == 1
    track.refresh_from_db()
    assert track.status == S.QUEUED and track.attempts == 1 and track.task_id != first
    assert [kw["task_id"] for kw in sent] == [track.task_id]
    # a message the broker still holds is waiting its turn: left alone however old
    track = _age(track)
    _reap(django_capture_on_commit_callbacks, broker_ids={track.task_id}, worker_alive=True)
    assert AudioTrack.objects.get(pk=track.pk).status == S.QUEUED
    counts = _reap(django_capture_on_commit_callbacks, broker_ids=set(), worker_alive=True)
    track.refresh_from_db()
    assert counts["failed"] == 1 and track.status == S.FAILED
    assert track.error == audio_reaper.lost_reason() and "lost" in track.error
    assert "The recording could not be made." in _page(anon_client)


def test_waiting_with_no_audio_worker_fails_saying_so_and_a_late_worker_still_renders_it(
    course, sent, django_capture_on_commit_callbacks, monkeypatch
):
    track = _age(_dialogue(course, sent, django_capture_on_commit_callbacks))
    unknown = _reap(django_capture_on_commit_callbacks, broker_ids=None, worker_alive=None)
    assert unknown["failed"] == 0  # nothing is known: nothing is judged
    _reap(django_capture_on_commit_callbacks, broker_ids={track.task_id}, worker_alive=False)
    track.refresh_from_db()
    assert track.status == S.FAILED and "No audio worker" in track.error
    assert track.error == audio_reaper.no_worker_reason() and "'audio' queue" in track.error
    # the message stayed in the broker: a worker that starts now claims and renders it
    rendered: list[int] = []
    monkeypatch.setattr(services, "audio_render", lambda track: rendered.append(track.pk) or track)
    tasks.render_audio.push_request(id=track.task_id)
    try:
        tasks.render_audio.run(track.pk)
    finally:
        tasks.render_audio.pop_request()
    assert rendered == [track.pk]
    track.refresh_from_db()
    assert track.status == S.RENDERING and track.error == "" and track.started_at


def test_a_stale_duplicate_message_renders_nothing(
    course, sent, django_capture_on_commit_callbacks, monkeypatch
):
    track = _dialogue(course, sent, django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "audio_render", lambda track: pytest.fail("rendered twice"))
    tasks.render_audio.push_request(id="0" * 32)  # the id of a message sent before
    try:
        assert tasks.render_audio.run(track.pk) == "superseded"
    finally:
        tasks.render_audio.pop_request()
    assert AudioTrack.objects.get(pk=track.pk).status == S.QUEUED


def test_a_render_whose_worker_died_is_sent_again_once_then_failed(
    course, sent, django_capture_on_commit_callbacks, settings, anon_client
):
    track = _dialogue(course, sent, django_capture_on_commit_callbacks)
    outcome, claimed = audio_reaper.claim(track_id=track.pk, task_id=track.task_id)
    assert outcome == "claimed" and claimed is not None and claimed.status == S.RENDERING
    assert "The recording is being made." in _page(anon_client)
    # within the hard limit a render is left to finish
    assert _reap(django_capture_on_commit_callbacks, broker_ids=set(), worker_alive=True) == {
        "sent": 0, "resent": 0, "failed": 0, "raced": 0
    }  # fmt: skip
    _age(track, started_at=True)
    assert (
        _reap(django_capture_on_commit_callbacks, broker_ids=None, worker_alive=True)["resent"] == 1
    )
    track.refresh_from_db()
    assert track.status == S.QUEUED and track.attempts == 1
    audio_reaper.claim(track_id=track.pk, task_id=track.task_id)
    _age(track, started_at=True)
    _reap(django_capture_on_commit_callbacks, broker_ids=None, worker_alive=True)
    track.refresh_from_db()
    assert track.status == S.FAILED and track.error == audio_reaper.died_reason()
    assert f"{settings.LESSONS_AUDIO_HARD_LIMIT_S} s" in track.error


def test_the_reaper_runs_from_beat_on_a_queue_that_is_not_the_audio_one(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["lessons-reap-audio"]
    assert entry["task"] == audio_queue.REAP_AUDIO == tasks.reap_audio.name
    assert entry["options"]["queue"] != audio_queue.AUDIO_QUEUE
    assert (
        entry["options"]["queue"] == settings.CELERY_TASK_ROUTES["playground.tasks.infer*"]["queue"]
    )
