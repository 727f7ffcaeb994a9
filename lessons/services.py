"""Writes for the lessons app: reading progress and reading preferences."""

from __future__ import annotations

from datetime import datetime

from .models import Depth, LessonPreference, Section, SectionRead


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
