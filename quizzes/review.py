"""What a student may see of an attempt, and when: Moodle's quiz review options.

Each of the seven options is a bitmask over the four times, with Moodle's bit values, so
`quiz.review_marks & ReviewTime.AFTER_CLOSE` says whether marks show once the quiz has closed.
Every path that shows an attempt (pages, API, check response, lists) asks `review_options`.

As in Moodle, the question-level options (correctness, marks of a question, specific and
general feedback, right answer) only apply while the attempt itself may be reviewed: without
`attempt` the student sees at most the total (`marks`) and the overall feedback.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Attempt, Quiz

# Moodle's "immediately after the attempt": within 2 minutes of submitting.
IMMEDIATELY_AFTER_PERIOD = timedelta(minutes=2)


class ReviewTime(enum.IntFlag):
    DURING = 0x10000
    IMMEDIATELY_AFTER = 0x01000
    LATER_WHILE_OPEN = 0x00100
    AFTER_CLOSE = 0x00010

    @property
    def label(self) -> str:
        return TIME_LABELS[self]


TIME_LABELS = {
    ReviewTime.DURING: "During the attempt",
    ReviewTime.IMMEDIATELY_AFTER: "Immediately after the attempt",
    ReviewTime.LATER_WHILE_OPEN: "Later, while the quiz is still open",
    ReviewTime.AFTER_CLOSE: "After the quiz is closed",
}
TIMES = tuple(TIME_LABELS)
ALL_TIMES = int(
    ReviewTime.DURING
    | ReviewTime.IMMEDIATELY_AFTER
    | ReviewTime.LATER_WHILE_OPEN
    | ReviewTime.AFTER_CLOSE
)
AFTER_TIMES = ALL_TIMES - int(ReviewTime.DURING)

# option name -> label; the model field is "review_" + name.
OPTION_LABELS = {
    "attempt": "The attempt (the student's answers)",
    "correctness": "Whether correct",
    "marks": "Marks",
    "specific_feedback": "Specific feedback",
    "general_feedback": "General feedback (explanation)",
    "right_answer": "Right answer",
    "overall_feedback": "Overall feedback",
}
OPTIONS = tuple(OPTION_LABELS)
# Moodle's defaults: everything at every time, except overall feedback during the attempt
# (there is no score yet); the student always sees their own answers while answering.
DEFAULTS = {name: ALL_TIMES for name in OPTIONS} | {"overall_feedback": AFTER_TIMES}
FORCED_DURING = {"attempt": True, "overall_feedback": False}


def field_name(option: str) -> str:
    return f"review_{option}"


TIME_NAMES = {(t.name or "").lower(): t for t in TIMES}  # during, immediately_after, ...


def masks_from_names(spec: dict) -> dict[str, int]:
    """`{"right_answer": ["after_close"], "marks": []}` (bundled YAML) -> model field values;
    options not named keep their defaults. ValueError names what is wrong."""
    if not isinstance(spec, dict):
        raise ValueError("`review:` must map options to lists of times")
    values = {}
    for option, times in spec.items():
        if option not in OPTION_LABELS:
            raise ValueError(f"unknown review option {option!r}; use one of {list(OPTIONS)}")
        if not isinstance(times, list) or not all(
            isinstance(t, str) and t in TIME_NAMES for t in times
        ):
            raise ValueError(f"review {option!r}: a list of times from {list(TIME_NAMES)}")
        values[field_name(option)] = sum({int(TIME_NAMES[t]) for t in times})
    return values


@dataclass(frozen=True)
class ReviewOptions:
    attempt: bool = False
    correctness: bool = False
    marks: bool = False
    specific_feedback: bool = False
    general_feedback: bool = False
    right_answer: bool = False
    overall_feedback: bool = False

    def as_dict(self) -> dict[str, bool]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


NOTHING = ReviewOptions()


def review_time(*, attempt: Attempt, now: datetime) -> ReviewTime:
    if attempt.state == "in_progress":
        return ReviewTime.DURING
    return _finished_time(attempt.quiz, attempt.submitted_at, now)


def options_at(*, quiz: Quiz, when: ReviewTime) -> ReviewOptions:
    def on(option: str) -> bool:
        if when == ReviewTime.DURING and option in FORCED_DURING:
            return FORCED_DURING[option]
        return bool(getattr(quiz, field_name(option)) & when)

    shown = on("attempt")
    return ReviewOptions(
        attempt=shown,
        correctness=shown and on("correctness"),
        marks=on("marks"),
        specific_feedback=shown and on("specific_feedback"),
        general_feedback=shown and on("general_feedback"),
        right_answer=shown and on("right_answer"),
        overall_feedback=on("overall_feedback"),
    )


def review_options(*, attempt: Attempt, now: datetime) -> ReviewOptions:
    """What of this attempt its student may be sent now."""
    return options_at(quiz=attempt.quiz, when=review_time(attempt=attempt, now=now))


def marks_visible(*, attempt: Attempt, now: datetime) -> bool:
    """Whether a finished attempt's score may be listed (history, quiz page, API list)."""
    return attempt.state != "in_progress" and review_options(attempt=attempt, now=now).marks


def marks_visible_for_all(
    *, quiz: Quiz, first: datetime | None, last: datetime | None, now: datetime
) -> bool:
    """Whether the marks of every finished attempt submitted between first and last show now
    (a quiz grade is shown only then, as Moodle does). The time of an attempt only moves
    from "immediately after" to "later" as it ages, so the two ends cover all between."""
    if first is None or last is None:
        return True
    ends = (first, last)
    return all(
        options_at(quiz=quiz, when=_finished_time(quiz, submitted, now)).marks for submitted in ends
    )


def _finished_time(quiz: Quiz, submitted: datetime | None, now: datetime) -> ReviewTime:
    """Moodle's order: a closed quiz wins over the two minutes after submitting."""
    if quiz.close_at is not None and now >= quiz.close_at:
        return ReviewTime.AFTER_CLOSE
    if submitted is not None and now < submitted + IMMEDIATELY_AFTER_PERIOD:
        return ReviewTime.IMMEDIATELY_AFTER
    return ReviewTime.LATER_WHILE_OPEN
