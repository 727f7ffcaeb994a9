"""Grading: each type's pure grading function (they live with their type, in qtypes/) and the
behaviour rule for interactive tries.

Nothing here touches the database; the answer objects only need the attributes named in the
protocols (qtypes/base.py), so model instances, dataclasses and namespaces all work. Each type's
stored response shape is described in its module (qtypes/<type>.py).
"""

from __future__ import annotations

from decimal import Decimal

from .qtypes import grade_question
from .qtypes.base import (
    HUNDRED,
    NO_ANSWER,
    ONE,
    ZERO,
    ChoiceLike,
    Grade,
    NumericalLike,
    OrderingLike,
    PairLike,
    clamp,
    normalize_text,
)
from .qtypes.essay import grade_essay
from .qtypes.matching import grade_matching
from .qtypes.multi import grade_multi
from .qtypes.numerical import grade_numerical, numerical_matches, parse_number
from .qtypes.ordering import grade_ordering, longest_increasing_run
from .qtypes.short import grade_short, short_answer_matches
from .qtypes.single import grade_single
from .qtypes.truefalse import grade_truefalse

__all__ = [
    "HUNDRED",
    "NO_ANSWER",
    "ONE",
    "ZERO",
    "ChoiceLike",
    "Grade",
    "NumericalLike",
    "OrderingLike",
    "PairLike",
    "clamp",
    "grade_essay",
    "grade_matching",
    "grade_multi",
    "grade_numerical",
    "grade_ordering",
    "grade_question",
    "grade_short",
    "grade_single",
    "grade_truefalse",
    "interactive_fraction",
    "longest_increasing_run",
    "normalize_text",
    "numerical_matches",
    "parse_number",
    "short_answer_matches",
]


def interactive_fraction(raw: Decimal, *, tries: int, penalty: Decimal) -> Decimal:
    """Interactive behaviour: each try after the first costs `penalty` of the mark (floor 0)."""
    return clamp(raw - penalty * max(0, tries - 1))
