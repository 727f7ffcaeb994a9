"""Reads shared by the lessons pages and API."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from . import audio, tts
from .dialogue import NARRATOR
from .models import (
    AudioKind,
    AudioStatus,
    AudioTrack,
    Chapter,
    Depth,
    LessonPreference,
    Section,
    SectionRead,
    Topic,
)


@dataclass
class ChapterProgress:
    chapter: Chapter
    sections: list[Section]
    read_numbers: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.sections)

    @property
    def read(self) -> int:
        return sum(1 for s in self.sections if s.number in self.read_numbers)

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


def read_section_numbers(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(SectionRead.objects.filter(user=user).values_list("section__number", flat=True))


def course_outline(*, user) -> list[ChapterProgress]:
    """Chapters with their sections and, for a logged-in user, what they have read (3 queries)."""
    sections = Section.objects.only("number", "slug", "title", "summary", "chapter_id", "order")
    # .all(): django-stubs types prefetch_related on a queryset, not on an as_manager() manager.
    chapters = Chapter.objects.all().prefetch_related(Prefetch("sections", queryset=sections))
    read = read_section_numbers(user)
    return [
        ChapterProgress(chapter=c, sections=list(c.sections.all()), read_numbers=read)
        for c in chapters
    ]


def section_for_page(number: str) -> QuerySet[Section]:
    """The section with chapter, topics, terms and prerequisites in 4 queries (page_cache.py)."""
    from glossary.models import Term

    terms = Term.objects.only("slug", "name", "abbreviation", "definition").order_by("name")
    return (
        Section.objects.filter(number=number)
        .select_related("chapter")
        .prefetch_related(
            Prefetch("topics", queryset=Topic.objects.order_by("order")),
            Prefetch("terms", queryset=terms),
            Prefetch("prerequisites", queryset=Section.objects.only("number", "title")),
        )
    )


def section_neighbours(section: Section) -> tuple[Section | None, Section | None]:
    ordered = list(Section.objects.only("number", "title").order_by("chapter__number", "order"))
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    previous = ordered[index - 1] if index > 0 else None
    following = ordered[index + 1] if index + 1 < len(ordered) else None
    return previous, following


def reader_state(user, section: Section) -> tuple[str, bool]:
    """The reader's preferred overview depth and whether they have read `section`: one query.

    Raw SQL because this runs on every lesson page view and ORM compilation of two subqueries
    cost more than the query itself.
    """
    if not user.is_authenticated:
        return Depth.STANDARD, False
    prefs, reads = LessonPreference._meta.db_table, SectionRead._meta.db_table
    sql = (
        f'SELECT (SELECT depth FROM "{prefs}" WHERE user_id = %s),'
        f' EXISTS (SELECT 1 FROM "{reads}" WHERE user_id = %s AND section_id = %s)'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, section.pk])
        depth, is_read = cursor.fetchone()
    return depth or Depth.STANDARD, bool(is_read)


def playground_url(playground: dict) -> str:
    """The playground experiment that demonstrates a topic, with its options preselected."""
    if not playground:
        return ""
    base = reverse("playground:new")
    # jsonb does not keep key order; the experiment comes first for readable URLs.
    params = {key: playground[key] for key in ("experiment", "cell") if playground.get(key)}
    return f"{base}?{urlencode(params)}"


def quiz_url(section: Section) -> str:
    return reverse("quizzes:section", args=[section.number])


def term_url(slug: str) -> str:
    return reverse("glossary:term", args=[slug])


# --- audio lessons and the audio book ------------------------------------------------------------
@dataclass(frozen=True)
class AudioPlayer:
    """What the player include shows for one track: the transcript always, the audio when a
    rendered file is ready, and otherwise why not (the browser then reads the transcript)."""

    dom_id: str
    kind: str
    depths: list[str]  # the reading depths it belongs to; [] for the dialogue
    lines: list[dict[str, str]]  # {"speaker", "line"}, with "start"/"end" seconds when ready
    audio_url: str = ""
    captions_url: str = ""
    duration: float = 0.0
    missing: str = ""  # why there is no audio; "" when there is


def audio_track(pk: int) -> AudioTrack | None:
    return AudioTrack.objects.filter(pk=pk).first()


def _missing(track: AudioTrack | None, has_backend: bool) -> str:
    if track is not None and track.status == AudioStatus.QUEUED:
        return "The recording is waiting for the audio worker."
    if track is not None and track.status == AudioStatus.RENDERING:
        return "The recording is being made."
    if track is not None and track.status == AudioStatus.FAILED:
        return "The recording could not be made."
    if not has_backend:
        return "This server has no text-to-speech voice installed, so there is no recording."
    return "There is no recording yet."


def _player(dom_id: str, kind: str, depths: list[str], lines: list, track, has_backend):
    if track is None or not track.is_ready:
        return AudioPlayer(dom_id, kind, depths, lines, missing=_missing(track, has_backend))
    timed = [line | at for line, at in zip(track.lines, track.timings, strict=True)]
    args = [track.pk, track.content_hash]
    return AudioPlayer(
        dom_id,
        kind,
        depths,
        timed,
        audio_url=reverse("lessons:audio-file", args=args),
        captions_url=reverse("lessons:audio-captions", args=args),
        duration=track.duration,
    )


def topic_audio(topics: list[Topic]) -> None:
    """Set `audio_lesson` (an AudioPlayer, or None without a dialogue) and `audio_books` (one
    per distinct narration) on each topic: one query for the whole section."""
    tracks = {
        (t.topic_id, t.kind, t.depth): t
        for t in AudioTrack.objects.filter(topic__in=topics).defer("error")
    }
    has_backend = tts.configured() is not None
    for topic in topics:
        lesson = None
        if topic.dialogue:
            track = tracks.get((topic.pk, AudioKind.DIALOGUE, ""))
            lines = [dict(turn) for turn in topic.dialogue]
            lesson = _player(f"audio-{topic.slug}", "dialogue", [], lines, track, has_backend)
        topic.audio_lesson = lesson
        books = []
        for depth, depths in audio.narration_depths(topic).items():
            lines = [
                {"speaker": NARRATOR.name, "line": x} for x in audio.narration_lines(topic, depth)
            ]
            track = tracks.get((topic.pk, AudioKind.NARRATION, depth))
            dom_id = f"book-{topic.slug}-{depth}"
            books.append(_player(dom_id, "narration", depths, lines, track, has_backend))
        topic.audio_books = books
