"""Description: text between questions, with no answer (every response is refused)."""

from __future__ import annotations

from .base import QType


class DescriptionType(QType):
    name = "description"
    has_right_answer = False


TYPE = DescriptionType()
