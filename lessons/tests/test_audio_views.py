"""Serving a track (range requests, caching headers) and its captions, and the player on the
section page: with a recording, and without one (the browser reads the transcript)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from conftest import course_sections
from lessons.models import AudioStatus, AudioTrack, Topic

DIGEST = "ab" * 32
BODY = bytes(range(256)) * 4  # 1024 bytes


@pytest.fixture
def course(course_once, db) -> dict:
    """The fixture course, written once for the module (conftest.course_once)."""
    return course_sections(course_once)


@pytest.fixture
def track(course, settings, tmp_path: Path) -> AudioTrack:
    settings.MEDIA_ROOT = tmp_path
    name = f"lessons/audio/{DIGEST}.ogg"
    (tmp_path / "lessons" / "audio").mkdir(parents=True)
    (tmp_path / name).write_bytes(BODY)
    topic = Topic.objects.get(slug="perceptron")
    timings = [{"start": float(i), "end": float(i + 1)} for i in range(len(topic.dialogue))]
    return AudioTrack.objects.create(
        topic=topic,
        kind="dialogue",
        content_hash=DIGEST,
        status=AudioStatus.READY,
        backend="espeak-ng",
        file=name,
        duration=float(len(timings)),
        lines=topic.dialogue,
        timings=timings,
    )


def _url(track: AudioTrack, kind: str = "file") -> str:
    return reverse(f"lessons:audio-{kind}", args=[track.pk, track.content_hash])


def test_the_whole_file_with_caching_headers(anon_client, track):
    response = anon_client.get(_url(track))
    assert response.status_code == 200
    assert response.content == BODY
    assert response["Content-Type"] == "audio/ogg"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == "1024"
    assert "immutable" in response["Cache-Control"]
    assert response["ETag"] == f'"{DIGEST}"'
    again = anon_client.get(_url(track), HTTP_IF_NONE_MATCH=f'"{DIGEST}"')
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023)],
)
def test_a_range_request_gets_206_and_just_those_bytes(anon_client, track, header, start, end):
    response = anon_client.get(_url(track), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/1024"
    assert response["Content-Length"] == str(end - start + 1)
    assert response.content == BODY[start : end + 1]


def test_a_range_past_the_end_is_416_and_an_old_if_range_gets_everything(anon_client, track):
    response = anon_client.get(_url(track), HTTP_RANGE="bytes=2048-")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */1024"
    whole = anon_client.get(_url(track), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert whole.status_code == 200 and whole.content == BODY


def test_head_stale_hash_missing_track_and_wrong_method(anon_client, track):
    head = anon_client.head(_url(track), HTTP_RANGE="bytes=0-9")
    assert head.status_code == 206 and head["Content-Length"] == "10"
    stale = reverse("lessons:audio-file", args=[track.pk, "cd" * 32])
    assert anon_client.get(stale).status_code == 404
    assert (
        anon_client.get(reverse("lessons:audio-file", args=[track.pk + 99, DIGEST])).status_code
        == 404
    )
    assert anon_client.post(_url(track)).status_code == 405
    AudioTrack.objects.filter(pk=track.pk).update(status=AudioStatus.QUEUED)
    assert anon_client.get(_url(track)).status_code == 404


def test_captions_are_webvtt_from_the_timings(anon_client, track):
    response = anon_client.get(_url(track, "captions"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    text = response.content.decode()
    assert text.startswith("WEBVTT\n")
    assert "00:00:01.000 --> 00:00:02.000\n<v Maya>It adds them all up." in text
    assert anon_client.post(_url(track, "captions")).status_code == 405


def _section_html(client) -> str:
    return client.get(reverse("lessons:section", args=["9.1"])).content.decode()


def test_the_page_plays_a_ready_recording_with_captions_and_a_timed_transcript(anon_client, track):
    html = _section_html(anon_client)
    assert f'src="{_url(track)}"' in html
    assert f'<track kind="captions" src="{_url(track, "captions")}"' in html
    assert 'data-start="1.000" data-end="2.000"' in html
    assert "It adds them all up." in html
    assert 'aria-label="Back 5 seconds"' in html and 'data-role="speed"' in html


def test_without_a_recording_the_page_says_so_and_offers_the_browser_voice(
    anon_client, course, settings
):
    settings.LESSONS_TTS_BACKEND = "none"
    html = _section_html(anon_client)
    assert "<audio" not in html
    assert "This server has no text-to-speech voice installed" in html
    assert "Your browser can read the transcript aloud instead." in html
    assert 'data-action="speak"' in html
    # the transcript is there all the same: it is the lesson
    assert "DIALOGUE-PERCEPTRON-MARK. What does a perceptron do with its inputs?" in html
    assert 'class="speaker speaker-maya">Maya:</span>' in html


def test_a_finished_render_shows_on_the_next_view(anon_client, track):
    AudioTrack.objects.filter(pk=track.pk).update(status=AudioStatus.QUEUED)
    assert "The recording is waiting for the audio worker." in _section_html(anon_client)
    AudioTrack.objects.filter(pk=track.pk).update(status=AudioStatus.RENDERING)
    assert "The recording is being made." in _section_html(anon_client)
    AudioTrack.objects.filter(pk=track.pk).update(status=AudioStatus.READY)
    assert f'src="{_url(track)}"' in _section_html(anon_client)


def test_the_admin_shows_the_dialogue_as_speaker_lines_and_lists_tracks(admin_client, track):
    # A topic's bodies and dialogue are edited on its own page (the section lists topics by name).
    page = admin_client.get(reverse("admin:lessons_topic_change", args=[track.topic.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "Teacher: DIALOGUE-PERCEPTRON-MARK. What does a perceptron do with its inputs?\nMaya:"
        in html
    )
    listing = admin_client.get(reverse("admin:lessons_audiotrack_changelist"))
    assert listing.status_code == 200 and "espeak-ng" in listing.content.decode()
    assert admin_client.get(reverse("admin:lessons_audiotrack_add")).status_code == 403


def test_the_task_reloads_its_track_and_records_a_timeout(track, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from lessons import services, tasks

    assert tasks.render_audio.run(track.pk + 999) == "gone"

    def too_slow(**_):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "audio_render", too_slow)
    with pytest.raises(SoftTimeLimitExceeded):
        tasks.render_audio.run(track.pk)
    track.refresh_from_db()
    assert track.status == AudioStatus.FAILED and "time limit" in track.error


# --- hostile Range headers: 206, 416 or the whole file, never a 500, never a read past the end
HOSTILE_RANGES = [
    ("bytes=0-99999999999999999999", 206, (0, 1023)),
    ("bytes=0-" + "9" * 5000, 206, (0, 1023)),  # past int()'s 4300-digit limit
    ("bytes=" + "9" * 5000 + "-", 416, None),
    ("bytes=-" + "9" * 5000, 206, (0, 1023)),  # a suffix longer than the file: all of it
    ("bytes=00000000000000000000000000000005-9", 206, (5, 9)),
    ("bytes=" + ",".join(f"{i}-{i}" for i in range(1000)), 200, None),
    ("bytes=-0", 416, None),
    ("bytes=1024-", 416, None),
    ("bytes=-5-10", 200, None),
    ("bytes=5--10", 200, None),
    ("bytes=-", 200, None),
    ("bytes=a-b", 200, None),
    ("bytes=1e3-", 200, None),
    ("bytes=\u0661\u0662-", 200, None),  # Arabic-Indic digits are not digits here
    ("bytes=10-5", 200, None),
    ("items=0-9", 200, None),
    ("bytes=0-9" + " " * 10_000, 206, (0, 9)),
]


@pytest.mark.parametrize(
    ("header", "status", "span"), HOSTILE_RANGES, ids=range(len(HOSTILE_RANGES))
)
def test_hostile_range_headers_never_fail_nor_read_past_the_file(
    anon_client, track, monkeypatch, header, status, span
):
    from lessons import audio_views

    reads: list[tuple[int, int]] = []
    real_read = audio_views._read

    def spy(track, start, end):
        reads.append((start, end))
        return real_read(track, start, end)

    monkeypatch.setattr(audio_views, "_read", spy)
    response = anon_client.get(_url(track), HTTP_RANGE=header)
    assert response.status_code == status
    assert all(0 <= start <= end < len(BODY) for start, end in reads)
    if status == 416:
        assert response["Content-Range"] == f"bytes */{len(BODY)}" and reads == []
    elif status == 206:
        start, end = span
        assert response.content == BODY[start : end + 1]
        assert response["Content-Range"] == f"bytes {start}-{end}/{len(BODY)}"
    else:
        assert response.content == BODY and "Content-Range" not in response
