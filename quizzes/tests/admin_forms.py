"""What the admin's quiz and question change forms post, for tests that save through the admin."""

from __future__ import annotations

from typing import Any


def quiz_change_data(changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The change form's fields with every setting a test does not care about at a plain value,
    no question slots and no overrides; `changes` adds or replaces fields (inline rows too)."""
    return {
        "title": "Edited",
        "attempts_allowed": 0,
        "grading_method": "highest",
        "behaviour": "deferred",
        "max_tries": 3,
        "pass_mark": "50",
        "feedback_bands": "[]",
        "draw_count": 0,
        "draw_tags": "[]",
        "is_published": "on",
        "overdue_handling": "autosubmit",
        "questions_per_page": 0,
        "navigation": "free",
        "slots-TOTAL_FORMS": 0,
        "slots-INITIAL_FORMS": 0,
        "overrides-TOTAL_FORMS": 0,
        "overrides-INITIAL_FORMS": 0,
        **(changes or {}),
    }


def question_change_data(*, name: str, stem: str, **changes: Any) -> dict[str, Any]:
    """The question editor's common fields at plain values (no tags, hints or inline rows);
    `changes` adds the type's own fields or replaces these."""
    return {
        "name": name,
        "stem": stem,
        "stem_format": "markdown",
        "difficulty": "medium",
        "tags": "",
        "hints": "",
        "default_mark": "1",
        "penalty": "0.33333",
        **changes,
    }
