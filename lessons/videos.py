"""Videos an instructor attaches to a section, and the privacy-enhanced embeds they open in.

Nothing from another site loads with the page: the section shows a card with our own
placeholder, and only a click puts the player's frame in (`lessons/static/lessons/videos.js`).
YouTube links play from youtube-nocookie.com, Vimeo links with `dnt=1`; any other https link
opens in a new tab. The section view widens the page's Content Security Policy by exactly
`EMBED_ORIGINS` (frame-src), and only on a section that has videos.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dlplatform.versioned import VersionedQuerySet

from .caches import content

YOUTUBE_EMBED = "https://www.youtube-nocookie.com"
VIMEO_EMBED = "https://player.vimeo.com"
EMBED_ORIGINS = (YOUTUBE_EMBED, VIMEO_EMBED)
EMBED_CSP = {"frame-src": list(EMBED_ORIGINS)}

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                  "www.youtube-nocookie.com"}  # fmt: skip
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


class Provider(models.TextChoices):
    YOUTUBE = "youtube", "YouTube"
    VIMEO = "vimeo", "Vimeo"
    LINK = "link", "Other site (opens in a new tab)"


def _youtube_id(host: str, path: str, query: str) -> str:
    parts = [p for p in path.split("/") if p]
    if host == "youtu.be":
        return parts[0] if parts else ""
    if parts[:1] == ["watch"]:
        return (parse_qs(query).get("v") or [""])[0]
    if len(parts) >= 2 and parts[0] in {"embed", "shorts", "live", "v"}:
        return parts[1]
    return ""


def _vimeo_id(host: str, path: str) -> str:
    parts = [p for p in path.split("/") if p]
    if host == "player.vimeo.com":
        return parts[1] if len(parts) >= 2 and parts[0] == "video" else ""
    # vimeo.com/123, vimeo.com/channels/staffpicks/123: the id is the last all-digit part.
    return next((p for p in reversed(parts) if p.isdigit()), "")


def parse_video_link(url: str) -> tuple[str, str]:
    """(provider, video id) of an https link; ValidationError saying what is wrong otherwise."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise ValidationError("Enter a valid link.") from exc
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError("Only https:// links are allowed.")
    host = parts.hostname.lower()
    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        video_id = _youtube_id(host, parts.path, parts.query)
        if not _YOUTUBE_ID.match(video_id):
            raise ValidationError("This YouTube link names no video (expected an 11-character id).")
        return Provider.YOUTUBE, video_id
    if host in _VIMEO_HOSTS:
        video_id = _vimeo_id(host, parts.path)
        if not _VIMEO_ID.match(video_id):
            raise ValidationError("This Vimeo link names no video (expected a numeric id).")
        return Provider.VIMEO, video_id
    return Provider.LINK, ""


class SectionVideo(models.Model):
    section = models.ForeignKey("lessons.Section", on_delete=models.CASCADE, related_name="videos")
    title = models.CharField(max_length=200)
    url = models.CharField(
        "link", max_length=500, help_text="https only; YouTube and Vimeo links play embedded."
    )
    duration_s = models.PositiveIntegerField(
        "length (seconds)", null=True, blank=True, help_text="How long the video runs."
    )
    watch_for = models.TextField(
        "what to watch for", blank=True, help_text="A note on what the student should notice."
    )
    order = models.PositiveIntegerField(default=0)
    # Derived from `url` when the video is saved (parse_video_link).
    provider = models.CharField(max_length=10, choices=Provider.choices, editable=False)
    video_id = models.CharField(max_length=20, blank=True, editable=False)

    content_caches = (content,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        app_label = "lessons"
        ordering = ["section", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Also for rows written outside a form: a bad link never reaches the page.
        self.provider, self.video_id = parse_video_link(self.url)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        try:
            self.provider, self.video_id = parse_video_link(self.url or "")
        except ValidationError as exc:
            raise ValidationError({"url": exc.messages}) from exc

    @property
    def embed_url(self) -> str:
        if self.provider == Provider.YOUTUBE:
            return f"{YOUTUBE_EMBED}/embed/{self.video_id}?autoplay=1&rel=0"
        if self.provider == Provider.VIMEO:
            return f"{VIMEO_EMBED}/video/{self.video_id}?dnt=1&autoplay=1"
        return ""

    @property
    def length(self) -> str:
        if self.duration_s is None:
            return ""
        hours, rest = divmod(self.duration_s, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@receiver(post_save, sender=SectionVideo)
@receiver(post_delete, sender=SectionVideo)
def videos_changed(sender: type, **kwargs: Any) -> None:
    content.bump()


def section_videos(section_id: int) -> list[SectionVideo]:
    """A section's videos in order, kept in the process like the rest of the section page."""
    return content.get_or_build(
        ("videos", section_id), lambda: list(SectionVideo.objects.filter(section_id=section_id))
    )
