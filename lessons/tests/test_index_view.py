"""The course page: chapters and sections, per-chapter progress, bounded query count."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import SCALES
from lessons.models import Chapter, Section, SectionRead


def test_lists_chapters_and_sections_for_anonymous_without_progress(anon_client, course):
    response = anon_client.get(reverse("lessons:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chapter 9" in html and "Test Chapter" in html
    assert "Tiny Networks" in html and "Regular Habits" in html
    assert reverse("lessons:section", args=["9.2"]) in html
    assert "<progress" not in html


def test_progress_per_chapter_counts_read_sections(student, other_student, student_client, course):
    SectionRead.objects.create(user=student, section=course["9.1"], read_at=timezone.now())
    SectionRead.objects.create(user=other_student, section=course["9.2"], read_at=timezone.now())

    html = student_client.get(reverse("lessons:index")).content.decode()

    assert "1 of 2 read" in html
    assert '<progress id="progress-9" max="2" value="1">' in html
    assert "You have read <strong>1</strong> of 2 sections" in html
    assert "Continue with 9.2 Regular Habits" in html


def test_post_is_405(student_client, course):
    assert student_client.post(reverse("lessons:index")).status_code == 405


@pytest.mark.parametrize("count", SCALES)
def test_query_count_does_not_grow_with_sections(
    student, student_client, count, django_assert_max_num_queries
):
    chapters = Chapter.objects.bulk_create(Chapter(number=n, title=f"Ch {n}") for n in range(1, 11))
    sections = Section.objects.bulk_create(
        Section(
            number=f"{1 + i % 10}.{i}",
            slug=f"s-{i}",
            title=f"Section {i}",
            chapter=chapters[i % 10],
            order=i,
        )
        for i in range(count)
    )
    SectionRead.objects.bulk_create(
        SectionRead(user=student, section=s, read_at=timezone.now()) for s in sections[::2]
    )

    with django_assert_max_num_queries(6):
        response = student_client.get(reverse("lessons:index"))

    assert response.status_code == 200
    assert response.content.decode().count('class="section-item') == count
