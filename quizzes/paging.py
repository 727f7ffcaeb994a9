"""Pages of an attempt (Moodle's "new page" every N questions) and the navigation rule.

Free navigation shows any page; sequential shows only the attempt's current page, moves forward
one page at a time and never back, and only the current page's questions take answers (the
services and the API's autosave both refuse the others). Pure functions on numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import Attempt, Navigation, Quiz


def page_of(order: int, per_page: int) -> int:
    return order // per_page if per_page else 0


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page)) if per_page else 1


def is_sequential(quiz: Quiz) -> bool:
    return quiz.navigation == Navigation.SEQUENTIAL and quiz.questions_per_page > 0


def shown_page(quiz: Quiz, current_page: int, requested: Any, pages: int) -> int:
    """The page to show: in sequential mode always the current one; in free mode the one asked
    for (anything that is not a page number shows the first)."""
    if is_sequential(quiz):
        return min(current_page, pages - 1)
    try:
        page = int(requested)
    except (TypeError, ValueError):
        return 0
    return page if 0 <= page < pages else 0


def answerable(quiz: Quiz, current_page: int, order: int) -> bool:
    """Whether a question (by its place in the attempt) takes answers now."""
    return not is_sequential(quiz) or page_of(order, quiz.questions_per_page) == current_page


@dataclass(frozen=True)
class Pages:
    """What the attempt page shows: `number` of `count` pages (0-based), and how moving works."""

    number: int
    count: int
    per_page: int
    sequential: bool

    @classmethod
    def of(cls, attempt: Attempt, items: int, requested: Any = None) -> Pages:
        quiz = attempt.quiz
        count = page_count(items, quiz.questions_per_page)
        number = shown_page(quiz, attempt.current_page, requested, count)
        return cls(number, count, quiz.questions_per_page, is_sequential(quiz))

    def holds(self, order: int) -> bool:
        return page_of(order, self.per_page) == self.number

    def page_of(self, order: int) -> int:
        return page_of(order, self.per_page)

    def reachable(self, page: int) -> bool:
        """Whether the navigation may link to a page: any in free mode, none other in sequential."""
        return page == self.number or not self.sequential

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 0 and not self.sequential else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number + 1 < self.count else None

    @property
    def human_number(self) -> int:
        return self.number + 1
