"""What every question type shares: the Grade it returns and the QType interface.

A question type is one object (a QType subclass in its own module, listed in __init__.py) that
knows the shape of its stored response, how to read it from the tokens the client sends, how to
clean, grade and present it. Nothing here touches the database or imports the rest of the app:
a type receives the question (its answers prefetched), the attempt item or its ItemTokens.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:
    from ..tokens import ItemTokens

ZERO = Decimal("0")
ONE = Decimal("1")
HUNDRED = Decimal("100")


class ChoiceLike(Protocol):
    id: int
    text: str
    fraction: Decimal
    feedback: str


class NumericalLike(Protocol):
    value: float
    tolerance: float
    fraction: Decimal
    feedback: str


class PairLike(Protocol):
    id: int
    left: str
    right: str


class OrderingLike(Protocol):
    id: int
    position: int


@dataclass(frozen=True)
class Grade:
    """fraction is None for essays awaiting an instructor and for descriptions."""

    fraction: Decimal | None
    feedback: list[str] = field(default_factory=list)
    needs_grading: bool = False

    @property
    def state(self) -> str:
        if self.needs_grading:
            return "needs_grading"
        if self.fraction is None:
            return "ungraded"
        if self.fraction >= ONE:
            return "correct"
        return "partial" if self.fraction > ZERO else "incorrect"


NO_ANSWER = Grade(ZERO, ["No answer was given."])


class ResponseShapeError(ValueError):
    """A response that does not fit its type (the services answer it with AttemptError)."""


def clamp(fraction: Decimal) -> Decimal:
    """A question's score never leaves 0..1, whatever the answer weights add up to."""
    return max(ZERO, min(ONE, fraction))


def to_int(value: Any) -> int | None:
    """Lenient, as grading always was: True counts as 1."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_int(value: Any) -> int | None:
    """Strict, as the token translation is: a boolean is not an id."""
    if isinstance(value, bool):
        return None
    return to_int(value)


def nonblank(texts: Iterable[str]) -> list[str]:
    return [t for t in texts if t and t.strip()]


def normalize_text(text: str) -> str:
    """Case- and space-insensitive: casefold and drop all whitespace ("Re LU" == "relu")."""
    return re.sub(r"\s+", "", str(text)).casefold()


class QType:
    """The defaults are those of a type without an answer (a description, or an unknown type):
    no response fits, nothing to pick from, nothing to grade."""

    name: ClassVar[str] = ""
    # The Python types a stored response may have (what clean accepts, before coercion).
    shape: ClassVar[tuple[type, ...]] = ()
    # Whether the review may show a right answer (essays and descriptions have none).
    has_right_answer: ClassVar[bool] = True

    # --- what the client sends -> what is stored ----------------------------------------------
    def decode(self, tokens: ItemTokens, sent: Any) -> Any:
        """The response in database ids; tokens.UnknownToken for anything not shown."""
        return sent

    def clean(self, response: Any) -> Any:
        """Keep only this type's shape (response is not None); ResponseShapeError otherwise."""
        if isinstance(response, bool) or not isinstance(response, self.shape):
            raise ResponseShapeError(f"That answer does not fit a {self.name} question.")
        return self.coerce(response)

    def coerce(self, response: Any) -> Any:
        return response

    # --- grading ------------------------------------------------------------------------------
    def grade(self, question: Any, response: Any) -> Grade:
        """`question` has its answers loaded (prefetched)."""
        return Grade(None, [])

    # --- starting an attempt ------------------------------------------------------------------
    def start_order(self, question: Any, shuffle: bool, rng: random.Random) -> Any:
        """The attempt item's choice_order: what is shown, in which order."""
        return []

    # --- what is stored -> what the student sees ----------------------------------------------
    def present_tokens(self, tokens: ItemTokens, response: Any) -> Any:
        """The stored (non-empty) response in tokens, as the student sent it."""
        return response

    def options(self, item: Any, tokens: ItemTokens) -> dict[str, Any]:
        """What the student picks from, each named by its token, never a database id."""
        return {}

    def response_text(self, question: Any, response: Any) -> str:
        """The student's own (non-empty) answer in words."""
        return str(response)

    def right_answer_text(self, question: Any) -> str:
        return ""

    def correct_ids(self, question: Any, tokens: ItemTokens) -> list[str] | None:
        """Tokens of the right options, for types whose options are marked on the page."""
        return None
