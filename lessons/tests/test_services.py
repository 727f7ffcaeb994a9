"""lessons.services: reading progress and the depth preference."""

from datetime import UTC, datetime, timedelta

import pytest

from lessons.models import LessonPreference, SectionRead
from lessons.services import depth_preference_set, section_set_read

NOW = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)


def test_read_is_recorded_once_with_the_first_time(student, course):
    section_set_read(user=student, section=course["9.1"], read=True, now=NOW)
    section_set_read(user=student, section=course["9.1"], read=True, now=NOW + timedelta(hours=1))

    assert SectionRead.objects.get(user=student).read_at == NOW


def test_unread_removes_only_that_users_record(student, other_student, course):
    for user in (student, other_student):
        section_set_read(user=user, section=course["9.2"], read=True, now=NOW)

    assert section_set_read(user=student, section=course["9.2"], read=False, now=NOW) is False
    assert list(SectionRead.objects.values_list("user", flat=True)) == [other_student.pk]


def test_depth_preference_is_upserted_and_validated(student, db):
    depth_preference_set(user=student, depth="basic")
    depth_preference_set(user=student, depth="detailed")

    assert LessonPreference.objects.get(user=student).depth == "detailed"
    with pytest.raises(ValueError, match="unknown depth"):
        depth_preference_set(user=student, depth="shallow")
    assert LessonPreference.objects.count() == 1
