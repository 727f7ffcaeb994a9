"""Quiz item analysis (Moodle's formulas): `formulas` holds the math on numbers, `queries` the
database reads that feed it, `stored` the computed result the report page serves."""

from .formulas import (
    POOR_DISCRIMINATION,
    Moments,
    QuestionStats,
    QuizStats,
    alpha,
    as_row,
    assemble,
    histogram,
    matrix_moments,
    matrix_statistics,
    paired_sorted_sum,
    question_stats,
)
from .queries import quiz_statistics

__all__ = [
    "POOR_DISCRIMINATION",
    "Moments",
    "QuestionStats",
    "QuizStats",
    "alpha",
    "as_row",
    "assemble",
    "histogram",
    "matrix_moments",
    "matrix_statistics",
    "paired_sorted_sum",
    "question_stats",
    "quiz_statistics",
]
