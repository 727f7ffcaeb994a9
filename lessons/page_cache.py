"""What a section page shows every reader alike, kept in each web process between requests.

Loading a section with its chapter, topics, terms and neighbours took four queries per page view
for content that changes a few times a term. Entries live until the lesson content changes:
signals.py bumps a version held in the shared cache, and each process checks it at most every
CHECK_EVERY_S seconds (the process that made the change forgets at once). The glossary's index
version is part of the key too, since the body links terms.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from time import monotonic

from django.core.cache import cache

from glossary.linking import index_version

from . import selectors
from .content import number_key
from .models import Section, Topic

VERSION_KEY = "lessons:content-version"
CHECK_EVERY_S = 2.0


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


_pages: dict[str, SectionPage] = {}
_state: dict = {"token": None, "version": None, "checked_at": -CHECK_EVERY_S}
_lock = threading.Lock()


def bump_version() -> None:
    """Every process drops its pages within CHECK_EVERY_S; this one at once."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    forget_local()


def forget_local() -> None:
    with _lock:
        _pages.clear()
        _state["checked_at"] = -CHECK_EVERY_S


def _current_version() -> str:
    now = monotonic()
    if now - _state["checked_at"] >= CHECK_EVERY_S:
        _state["token"] = cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)
        _state["checked_at"] = now
    version = f"{_state['token']}-{index_version()}"  # the glossary keeps its own clock
    if version != _state["version"]:
        with _lock:
            _pages.clear()
            _state["version"] = version
    return version


def _build(number: str, version: str) -> SectionPage | None:
    section = selectors.section_for_page(number).first()
    if section is None:
        return None
    topics = list(section.topics.all())
    for topic in topics:
        topic.playground_href = selectors.playground_url(topic.playground)
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
    version = _current_version()
    page = _pages.get(number)
    if page is None:
        page = _build(number, version)
        if page is not None:
            with _lock:
                if _state["version"] == version:
                    _pages[number] = page
    return page
