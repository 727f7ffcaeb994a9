"""What a section page shows every reader alike, kept in each web process between requests.

Loading a section with its chapter, topics, terms and neighbours took four queries per page view
for content that changes a few times a term. Pages live in `caches.content` (see
dlplatform/versioned.py): signals.py and bulk writes on lesson models bump it, and it follows the
glossary's term index, since the body links terms.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import selectors
from .caches import content
from .content import number_key
from .models import Section, Topic


@dataclass(frozen=True)
class SectionPage:
    section: Section
    topics: list[Topic]
    terms: list[tuple[object, str]]  # (Term, its URL)
    prerequisites: list[Section]  # to read first, in course order
    previous: Section | None
    following: Section | None
    quiz_url: str
    body_version: str


def _build(number: str, version: str) -> SectionPage | None:
    section = selectors.section_for_page(number).first()
    if section is None:
        return None
    topics = list(section.topics.all())
    for topic in topics:
        topic.playground_href = selectors.playground_url(topic.playground)
    selectors.topic_audio(topics)
    previous, following = selectors.section_neighbours(section)
    return SectionPage(
        section=section,
        topics=topics,
        terms=[(term, selectors.term_url(term.slug)) for term in section.terms.all()],
        prerequisites=sorted(section.prerequisites.all(), key=lambda s: number_key(s.number)),
        previous=previous,
        following=following,
        quiz_url=selectors.quiz_url(section),
        body_version=f"{version}-{section.updated_at.timestamp()}",
    )


def section_page(number: str) -> SectionPage | None:
    """The shared part of section `number`'s page, or None if there is no such section."""
    version = content.version()
    return content.get_or_build(number, lambda: _build(number, version))
