"""True/false: a single choice between two, never shuffled. Stored: the choice id."""

from __future__ import annotations

from .single import SingleType, grade_single

grade_truefalse = grade_single


class TrueFalseType(SingleType):
    name = "truefalse"
    shuffles = False


TYPE = TrueFalseType()
