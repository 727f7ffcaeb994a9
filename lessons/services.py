"""Writes for the lessons app: reading progress, reading preferences and the topics' audio."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from . import audio, audio_queue, tts
from .models import AudioStatus, AudioTrack, Depth, LessonPreference, Section, SectionRead, Topic


def section_set_read(*, user, section: Section, read: bool, now: datetime) -> bool:
    """Mark `section` read (keeping the first read time) or unread; returns the new state."""
    if read:
        SectionRead.objects.get_or_create(user=user, section=section, defaults={"read_at": now})
    else:
        SectionRead.objects.filter(user=user, section=section).delete()
    return read


def depth_preference_set(*, user, depth: str) -> LessonPreference:
    if depth not in Depth.values:
        raise ValueError(f"unknown depth {depth!r}; expected one of {Depth.values}")
    pref, _ = LessonPreference.objects.update_or_create(user=user, defaults={"depth": depth})
    return pref


# --- audio lessons and the audio book ------------------------------------------------------------
def audio_tracks(*, topic: Topic) -> list[tuple[audio.Script, AudioTrack]]:
    """Each track `topic` should have, with its row (a new one unsaved); the rows of tracks it
    no longer has (a removed dialogue) are deleted, with their files."""
    scripts = audio.topic_scripts(topic)
    existing = {(t.kind, t.depth): t for t in AudioTrack.objects.filter(topic=topic)}
    for key in existing.keys() - {(s.kind, s.depth) for s in scripts}:
        _forget_file(existing[key])
        existing[key].delete()
    return [
        (s, existing.get((s.kind, s.depth)) or AudioTrack(topic=topic, kind=s.kind, depth=s.depth))
        for s in scripts
    ]


def audio_schedule(*, topics: Iterable[Topic], force: bool = False) -> list[AudioTrack]:
    """Queue the renders `topics` need, for the `audio` worker: a track whose content hash is
    unchanged (ready, or already queued) is left alone, so a changed line re-renders only its
    own topic. Nothing without a backend (the pages then offer the browser's voice)."""
    backend = tts.configured()
    if backend is None:
        return []
    queued: list[AudioTrack] = []
    for topic in topics:
        for script, track in audio_tracks(topic=topic):
            digest = audio.content_hash(script, backend)
            current = track.content_hash == digest and track.status != AudioStatus.FAILED
            if current and not force:
                continue
            track.content_hash, track.status, track.error = digest, AudioStatus.QUEUED, ""
            track.queued_at, track.started_at, track.attempts = timezone.now(), None, 0
            track.task_id = uuid.uuid4().hex  # the one message that may render it
            track.save()
            queued.append(track)
    # At commit, in one go; a broker that is down loses nothing: the rows wait for the reaper.
    if queued:
        renders = [(t.pk, t.task_id) for t in queued]
        transaction.on_commit(partial(audio_queue.send_renders, renders))
    return queued


def audio_render(*, track: AudioTrack, force: bool = False) -> AudioTrack:
    """Render `track` from its topic as it is now and store the file and timings; a track
    already rendered from the same content is skipped (unless `force`)."""
    backend = tts.configured()
    script = next(
        (
            s
            for s in audio.topic_scripts(track.topic)
            if (s.kind, s.depth) == (track.kind, track.depth)
        ),
        None,
    )
    if backend is None or script is None:
        reason = "no text-to-speech backend is installed" if backend is None else "nothing to say"
        return _audio_failed(track, reason)
    digest = audio.content_hash(script, backend)
    if (
        not force
        and track.is_ready
        and track.content_hash == digest
        and track.file.storage.exists(track.file.name)
    ):
        return track
    name = f"{AudioTrack.file.field.upload_to}{digest}.{audio.EXTENSION}"
    target = Path(track.file.storage.path(name))
    partial_path = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        rendered = audio.render(script, backend, partial_path)
        os.replace(partial_path, target)
    except tts.TTSError as exc:
        partial_path.unlink(missing_ok=True)
        return _audio_failed(track, str(exc))
    previous = track.file.name
    track.file.name = name
    track.content_hash, track.backend, track.status, track.error = (
        digest,
        backend.name,
        AudioStatus.READY,
        "",
    )
    track.duration, track.timings = rendered.duration, rendered.timings
    track.lines = [{"speaker": s, "line": t} for s, t in script.lines]
    track.rendered_at = timezone.now()
    track.save()
    if previous and previous != name:
        _forget_file(track, name=previous)
    return track


def audio_render_failed(*, track: AudioTrack, reason: str) -> AudioTrack:
    """Record why a render did not finish (the next audio_schedule queues it again)."""
    return _audio_failed(track, reason)


def _audio_failed(track: AudioTrack, reason: str) -> AudioTrack:
    track.status, track.error = AudioStatus.FAILED, reason[:2000]
    track.save(update_fields=["status", "error"])
    return track


def _forget_file(track: AudioTrack, *, name: str | None = None) -> None:
    """Delete a file no track uses any more (two topics saying the same share one file)."""
    name = name or track.file.name
    if name and not AudioTrack.objects.filter(file=name).exclude(pk=track.pk).exists():
        track.file.storage.delete(name)
