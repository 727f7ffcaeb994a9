"""The course: one implicit course made of chapters, sections and the topics within a section."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from dlplatform.versioned import VersionedQuerySet

from .caches import content
from .videos import SectionVideo  # noqa: F401  (a model of this app, in its own module)


class Depth(models.TextChoices):
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    DETAILED = "detailed", "Detailed"


class Chapter(models.Model):
    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (content,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Section(models.Model):
    # A string because section numbers are "chapter.index" ("7.8") and sort as such via `order`.
    number = models.CharField(max_length=16, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="sections")
    overview_basic = models.TextField(blank=True)
    overview_standard = models.TextField(blank=True)
    overview_detailed = models.TextField(blank=True)
    key_concepts = models.JSONField(default=list, blank=True)
    terms = models.ManyToManyField("glossary.Term", related_name="sections", blank=True)
    # Sections the reader should read first ("Read 7.7 first" on the page).
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, related_name="required_by", blank=True
    )
    # Markdown bullet points that close the page.
    recap = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    # Part of the cache key of the rendered section body: any save makes the old fragment stale.
    updated_at = models.DateTimeField(auto_now=True)

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (content,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["chapter__number", "order", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("lessons:section", args=[self.number])

    def overview(self, depth: str) -> str:
        return getattr(self, f"overview_{depth}", "") or ""


class Topic(models.Model):
    # Set by lessons.page_cache for the page, not columns.
    playground_href: str
    audio_lesson: Any  # selectors.AudioPlayer | None
    audio_books: list[Any]  # [selectors.AudioPlayer]
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(max_length=120)
    title = models.CharField(max_length=200)
    # The Standard body. Basic shows `basic` (plain words, no formulas) instead; Detailed shows
    # the explanation followed by `detailed` (derivations, costs, edge cases).
    explanation = models.TextField(blank=True)
    basic = models.TextField(blank=True)
    detailed = models.TextField(blank=True)
    examples = models.JSONField(default=list, blank=True)
    applications = models.JSONField(default=list, blank=True)
    memory_aids = models.JSONField(default=list, blank=True)
    # {"experiment": "cnn"} or {"experiment": "text", "cell": "lstm"}; empty when no demo fits.
    playground = models.JSONField(default=dict, blank=True)
    # The audio lesson: [{"speaker": "Teacher", "line": "..."}, ...] (lessons/dialogue.py).
    dialogue = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (content,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["section", "order"]
        constraints = [
            models.UniqueConstraint(fields=["section", "slug"], name="lessons_topic_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.section.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # A topic edited alone (in the admin) must still refresh its section's cached body.
        Section.objects.filter(pk=self.section_id).update(updated_at=timezone.now())


class SectionRead(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sections_read"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "section"], name="lessons_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.section.number}"


class LessonPreference(models.Model):
    """Per-user reading settings; one row per user, created on first change."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_preference"
    )
    depth = models.CharField(max_length=10, choices=Depth.choices, default=Depth.STANDARD)

    def __str__(self) -> str:
        return f"{self.user}: {self.depth}"


class AudioKind(models.TextChoices):
    DIALOGUE = "dialogue", "Audio lesson"
    NARRATION = "narration", "Audio book"


class AudioStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class AudioTrack(models.Model):
    """One topic's rendered audio: its dialogue, or its explanation narrated at one depth.

    `content_hash` covers what was spoken, the voices and the backend (lessons/audio.py): a
    changed line gives a new hash and only that track renders again. `timings` holds one
    {"start", "end"} (seconds) per transcript line, `lines` the transcript itself."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="audio_tracks")
    kind = models.CharField(max_length=10, choices=AudioKind.choices)
    # The reading depth of a narration; "" for a dialogue.
    depth = models.CharField(max_length=10, choices=Depth.choices, blank=True)
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=AudioStatus.choices)
    backend = models.CharField(max_length=20, blank=True)
    file = models.FileField(upload_to="lessons/audio/", blank=True)
    duration = models.FloatField(default=0.0)
    lines = models.JSONField(default=list, blank=True)
    timings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    # The message that should render it (its Celery task id; "" while none is in the broker:
    # the send failed, so the reaper sends it again), when a worker took it, and how many
    # times it was sent again after a message was lost or a worker died (lessons/reaping.py).
    task_id = models.CharField(max_length=36, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)

    # The section page shows a track's state: a render that finishes refreshes it.
    content_caches = (content,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "kind", "depth"], name="lessons_audio_one_per_kind_depth"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.kind} {self.depth} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == AudioStatus.READY and bool(self.file)
