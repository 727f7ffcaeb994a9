"""`manage.py render_audio [--section 7.8] [--force]`: render the topics' audio now, here."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lessons import services, tts
from lessons.models import AudioStatus, Topic


class Command(BaseCommand):
    help = (
        "Render the audio lessons (dialogues) and audio books (narrations) of every topic, or of "
        "the sections given, in this process instead of on the audio worker. A track whose "
        "content is unchanged since its last render is skipped unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--section",
            action="append",
            default=[],
            help="a section number such as 7.8 (repeatable)",
        )
        parser.add_argument("--force", action="store_true", help="render unchanged tracks again")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = tts.configured()
        if backend is None:
            raise CommandError(
                "No text-to-speech backend: install espeak-ng (or piper with "
                "LESSONS_TTS_PIPER_MODEL) and ffmpeg; the pages meanwhile use the browser's voice."
            )
        topics = Topic.objects.select_related("section").order_by("section__order", "order")
        if options["section"]:
            topics = topics.filter(section__number__in=options["section"])
            if not topics.exists():
                raise CommandError(f"no topics in section(s) {', '.join(options['section'])}")
        counts: Counter[str] = Counter()
        seconds = 0.0
        started = time.monotonic()
        for topic in topics:
            for _, track in services.audio_tracks(topic=topic):
                outcome, track = self._render(track, force=options["force"])
                counts[outcome] += 1
                if outcome == "rendered":
                    seconds += track.duration
                label = f"{topic.section.number} {topic.slug} {track.kind} {track.depth}".rstrip()
                detail = f"{track.duration:.1f} s" if outcome != "failed" else track.error
                self.stdout.write(f"  {label}: {outcome} ({detail})")
        took = time.monotonic() - started
        self.stdout.write(
            f"{backend.name}: {counts['rendered']} rendered, {counts['unchanged']} unchanged, "
            f"{counts['failed']} failed; {seconds:.1f} s of audio in {took:.1f} s"
        )

    def _render(self, track: Any, *, force: bool) -> tuple[str, Any]:
        if track.pk is None:  # rendered here and now: the reaper leaves it alone meanwhile
            track.status, track.started_at = AudioStatus.RENDERING, timezone.now()
            track.save()
        before = track.rendered_at if track.is_ready else None
        track = services.audio_render(track=track, force=force)
        if track.status == AudioStatus.FAILED:
            return "failed", track
        return ("unchanged" if track.rendered_at == before else "rendered"), track
