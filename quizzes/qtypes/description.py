"""Description: text between questions, with no answer (every response is refused)."""

from __future__ import annotations

from typing import Any

from .base import QType


class DescriptionType(QType):
    name = "description"
    has_right_answer = False
    graded = False
    gift_block = False
    moodle_names = ("description",)
    moodle_type = "description"

    def gift_answers(self, data: dict[str, Any]) -> str | None:
        return ""


TYPE = DescriptionType()
