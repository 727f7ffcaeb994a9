"""Rendering with espeak-ng and ffmpeg, in this process (`manage.py render_audio` does the same)
and on a real Celery worker on the `audio` queue: the file decodes, its duration is the sum of
the line timings, a range request gets 206, and an edited line re-renders only its topic."""

from __future__ import annotations

import io
import itertools
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import require, start_worker, stop_worker, wait_for
from lessons import services
from lessons.models import AudioKind, AudioStatus, AudioTrack, Topic

pytestmark = pytest.mark.subprocess


@pytest.fixture
def espeak(settings, tmp_path: Path) -> Path:
    require(shutil.which("espeak-ng") is not None, "espeak-ng is not installed")
    require(shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None, "no ffmpeg")
    settings.LESSONS_TTS_BACKEND = "espeak-ng"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def probed_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=codec_name",
         "-of", "json", str(path)],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    data = json.loads(out)
    assert data["streams"][0]["codec_name"] == "opus"
    return float(data["format"]["duration"])


def assert_sound(track: AudioTrack) -> None:
    """The file decodes, and the timings (contiguous, one per line) add up to its length."""
    assert track.status == AudioStatus.READY, track.error
    assert len(track.timings) == len(track.lines)
    assert all(a["end"] == b["start"] for a, b in itertools.pairwise(track.timings))
    total = sum(t["end"] - t["start"] for t in track.timings)
    assert total == pytest.approx(track.duration, abs=0.01)
    assert probed_duration(Path(track.file.path)) == pytest.approx(total, rel=0.05)


def _range_206(client, track: AudioTrack) -> None:
    url = reverse("lessons:audio-file", args=[track.pk, track.content_hash])
    response = client.get(url, HTTP_RANGE="bytes=0-1023")
    assert response.status_code == 206
    assert response.content[:4] == b"OggS" and len(response.content) == 1024


def test_render_a_topic_in_process_and_skip_it_when_unchanged(course, espeak, anon_client):
    topic = Topic.objects.get(slug="perceptron")
    queued = services.audio_schedule(topics=[topic])
    assert {(t.kind, t.depth) for t in queued} == {
        ("dialogue", ""), ("narration", "basic"), ("narration", "standard"), ("narration", "detailed")
    }  # fmt: skip
    track = next(t for t in queued if t.kind == AudioKind.DIALOGUE)
    track = services.audio_render(track=track)
    assert_sound(track)
    assert track.backend == "espeak-ng" and track.lines == topic.dialogue
    _range_206(anon_client, track)
    rendered_at = track.rendered_at
    assert services.audio_render(track=track).rendered_at == rendered_at  # same content: skipped
    assert services.audio_schedule(topics=[topic]) == []  # queued or ready with this content
    topic.dialogue = []
    topic.save()
    services.audio_schedule(topics=[topic])
    assert not AudioTrack.objects.filter(topic=topic, kind=AudioKind.DIALOGUE).exists()
    assert not Path(track.file.path).exists()  # no track uses the file any more


def test_render_audio_command_renders_a_section_then_skips_it(course, espeak):
    out = io.StringIO()
    call_command("render_audio", "--section", "9.1", stdout=out)
    text = out.getvalue()
    assert "6 rendered, 0 unchanged, 0 failed" in text, text
    assert " s of audio in " in text
    again = io.StringIO()
    call_command("render_audio", "--section", "9.1", stdout=again)
    assert "0 rendered, 6 unchanged, 0 failed" in again.getvalue()
    assert AudioTrack.objects.filter(status=AudioStatus.READY).count() == 6


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_and_an_edited_line_re_renders_only_its_topic(
    tmp_path, espeak, settings, anon_client
):
    from lessons.tests.factories import load_fixture_course

    load_fixture_course()  # before the worker and with autorender off: nothing queued yet
    topics = list(Topic.objects.filter(section__number="9.1"))
    worker = start_worker(
        tmp_path,
        queues="audio",
        concurrency=1,
        env={"MEDIA_ROOT": str(espeak), "LESSONS_TTS_BACKEND": "espeak-ng"},
    )
    try:
        settings.LESSONS_AUDIO_AUTORENDER = True
        services.audio_schedule(topics=topics)  # commits at once: sent to the audio queue

        def all_ready() -> list[AudioTrack] | None:
            tracks = list(AudioTrack.objects.filter(topic__in=topics))
            failed = [t.error for t in tracks if t.status == AudioStatus.FAILED]
            assert not failed, failed
            return tracks if len(tracks) == 6 and all(t.is_ready for t in tracks) else None

        before = {
            t.pk: (t.content_hash, t.rendered_at) for t in wait_for(all_ready, 120, 0.5, "renders")
        }
        dialogue = AudioTrack.objects.get(topic__slug="perceptron", kind=AudioKind.DIALOGUE)
        assert_sound(dialogue)
        _range_206(anon_client, dialogue)

        topic = Topic.objects.get(slug="perceptron")
        topic.dialogue[1]["line"] = "It multiplies each input by a weight first."
        topic.save()  # the signal queues what changed: this topic's dialogue only

        def re_rendered() -> AudioTrack | None:
            track = AudioTrack.objects.get(pk=dialogue.pk)
            return track if track.is_ready and track.content_hash != before[track.pk][0] else None

        edited = wait_for(re_rendered, 90, 0.5, "the edited dialogue's render")
    finally:
        stop_worker(worker)
    assert edited.lines[1]["line"] == "It multiplies each input by a weight first."
    assert_sound(edited)
    after = {
        t.pk: (t.content_hash, t.rendered_at) for t in AudioTrack.objects.filter(topic__in=topics)
    }
    changed = [pk for pk in after if after[pk] != before[pk]]
    assert changed == [dialogue.pk]
    assert "render_audio" in worker.log() and "audio" in worker.log()
