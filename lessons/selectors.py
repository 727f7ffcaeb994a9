"""Reads shared by the lessons pages and API."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse

from .models import Chapter, Depth, LessonPreference, Section, SectionRead, Topic


def safe_reverse(name: str, args: list | None, fallback: str) -> str:
    """URLs owned by other apps may not exist yet while the platform is being built."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


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
    base = safe_reverse("playground:new", None, "/playground/new/")
    # jsonb does not keep key order; the experiment comes first for readable URLs.
    params = {key: playground[key] for key in ("experiment", "cell") if playground.get(key)}
    return f"{base}?{urlencode(params)}"


def quiz_url(section: Section) -> str:
    fallback = f"/quizzes/section/{section.number}/"
    return safe_reverse("quizzes:section", [section.number], fallback)


def term_url(slug: str) -> str:
    return safe_reverse("glossary:term", [slug], f"/glossary/{slug}/")
