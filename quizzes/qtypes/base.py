"""What every question type shares: the Grade it returns and the QType interface.

A question type is one object (a QType subclass in its own module, listed in __init__.py) that
knows the shape of its stored response, how to read it from the tokens the client sends, how to
clean, grade and present it. Nothing here touches the database or imports the rest of the app:
a type receives the question (its answers prefetched), the attempt item or its ItemTokens.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from xml.etree.ElementTree import Element

from ._spec import Option, Table, clean_spec

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens

# A response as stored (JSON from the student, cleaned by its type).
Response = str | int | float | list[Any] | dict[str, Any] | None
# An attempt item's choice_order as start_order draws it (what is shown, in which order).
Order = list[Any] | dict[str, Any]

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


def stored_labels(response: Response) -> list[str]:
    """A stored, non-empty response counted by its stored value: a text collapsed, anything
    else as JSON (what a type without labels of its own, or a deleted question, counts)."""
    if isinstance(response, str):
        return [" ".join(response.split())[:80]]
    return [json.dumps(response, sort_keys=True)[:80]]


def most_frequent(bucket: dict[str, int], top: int) -> list[tuple[str, int]]:
    """The counted labels, the most frequent first (ties by label), at most `top`."""
    rows = sorted(bucket.items(), key=lambda kv: (-kv[1], kv[0]))
    return rows[:top]


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
    # Whether it carries a mark and may be drawn into a quiz (a description does not).
    graded: ClassVar[bool] = True
    # Marked by an instructor, never by the code (automatic regrading leaves it alone).
    hand_graded: ClassVar[bool] = False
    # The related name of Question whose rows hold its answers (the bank writes them, the
    # admin shows their inline); None: no rows of its own.
    relation: ClassVar[str | None] = None
    # The token scope its options are named in (quizzes/tokens.py).
    token_part: ClassVar[str] = "option"
    # Whether GIFT writes an answer block after the stem (a description has none).
    gift_block: ClassVar[bool] = True
    # The <question type="..."> names of Moodle XML it reads, and the one it writes (None:
    # Moodle XML cannot hold it); whether it has Moodle's combined feedback.
    moodle_names: ClassVar[tuple[str, ...]] = ()
    moodle_type: ClassVar[str | None] = None
    combined_feedback: ClassVar[bool] = False
    # Its configuration in Question.spec (qtypes/_spec.py); none by default.
    spec_schema: ClassVar[tuple[Option, ...]] = ()

    # --- the question editor (quizzes/admin_editor.py) ------------------------------------
    # A list setting's table of inputs, by its key (else one record a line, or JSON).
    editor_tables: ClassVar[dict[str, Table]] = {}
    # Inputs of the editor that are not stored: editor_spec turns them into what the bank's
    # prepare_data takes (a calculated question's wildcard ranges, drawn into dataset items).
    editor_inputs: ClassVar[tuple[Option, ...]] = ()
    # The keys of both in the order the editor shows them (the others after, as declared).
    editor_order: ClassVar[tuple[str, ...]] = ()

    def editor_initial(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The editor inputs' values for a stored spec."""
        return {}

    def editor_spec(self, spec: dict[str, Any], inputs: dict[str, Any]) -> dict[str, Any]:
        """The spec the bank's prepare_data is given, from the settings and the inputs."""
        return spec

    def editor_stem(self, question: Question) -> str:
        """The text the editor shows (a Cloze question's gaps written back into it)."""
        return str(question.stem)

    @property
    def counts_in_cbm(self) -> bool:
        """Whether Moodle's certainty-based marking summary counts it: marked by the code (an
        essay is marked by hand, under Moodle's manual behaviour; a description has no mark)."""
        return self.graded and not self.hand_graded

    def clean_spec(self, raw: Any) -> dict[str, Any]:
        """Question.spec as stored: the schema's keys, checked (DataError otherwise)."""
        return clean_spec(self.spec_schema, raw)

    def spec(self, question: Question | dict[str, Any]) -> dict[str, Any]:
        """The question's (or question dict's) spec with defaults for any key stored before
        the key existed."""
        raw = question.get("spec") if isinstance(question, dict) else None
        stored = raw if isinstance(question, dict) else getattr(question, "spec", None)
        stored = stored if isinstance(stored, dict) else {}
        return {o.key: stored.get(o.key, o.default) for o in self.spec_schema}

    def show_stem(self, html: str, item: AttemptQuestion) -> str:
        """The rendered stem as the attempt item shows it (a gap type marks its gaps in it, a
        calculated question puts in its dataset item's values)."""
        return html

    # --- what the client sends -> what is stored ----------------------------------------------
    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        """The response in database ids; tokens.UnknownToken for anything not shown."""
        return sent

    def clean(self, response: Response) -> Response:
        """Keep only this type's shape (response is not None); ResponseShapeError otherwise."""
        if isinstance(response, bool) or not isinstance(response, self.shape):
            raise ResponseShapeError(f"That answer does not fit a {self.name} question.")
        return self.coerce(response)

    def coerce(self, response: Any) -> Response:
        """`response` already has one of `shape`'s types (clean checked it), which each type
        names at run time: Any here, so that a dict type may index it without a cast."""
        return response

    # --- grading ------------------------------------------------------------------------------
    def grade(self, question: Question, response: Response) -> Grade:
        """`question` has its answers loaded (prefetched)."""
        return Grade(None, [])

    # --- starting an attempt ------------------------------------------------------------------
    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        """The attempt item's choice_order: what is shown, in which order."""
        return []

    def variants(self, question: Question) -> int:
        """How many fixed variants an attempt draws one of at its start (a calculated
        question's dataset items): the instructor's preview may pick one; 0, none."""
        return 0

    def with_variant(self, order: Order, variant: int) -> Order:
        """The choice_order start_order drew, with variant `variant` (0-based) instead."""
        return order

    def shown_option_ids(self, order: Order) -> list:
        """The ids in choice_order that the page names by option tokens."""
        return order.get("left", []) if isinstance(order, dict) else order

    # --- what is stored -> what the student sees ----------------------------------------------
    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        """The stored (non-empty) response in tokens, as the student sent it."""
        return response

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        """What the student picks from, each named by its token, never a database id."""
        return {}

    def response_text(self, question: Question, response: Response) -> str:
        """The student's own (non-empty) answer in words."""
        return str(response)

    def right_answer_text(self, question: Question) -> str:
        return ""

    def grader_info(self, question: Question) -> str:
        """What the instructor marking it by hand is told (an essay's grader information)."""
        return ""

    def item_right_answer_text(self, item: AttemptQuestion) -> str:
        """The right answer for this attempt item (a calculated one's depends on its dataset)."""
        return self.right_answer_text(item.question)

    def correct_ids(self, question: Question, tokens: ItemTokens) -> list[str] | None:
        """Tokens of the right options, for types whose options are marked on the page."""
        return None

    # --- the bank: canonical question dict <-> answer rows (quizzes/services/bank.py) -------
    def prepare_data(self, data: dict) -> dict:
        """The dict as stored, before it is checked: Cloze reads its gaps out of the stem."""
        return data

    def validate_data(self, data: dict) -> None:
        """Raise qtypes._data.DataError when the dict cannot make a question of this type."""

    def answer_rows(self, data: dict) -> list[dict[str, Any]]:
        """The field values of its `relation` rows, in order (DataError on a bad value)."""
        return []

    def data_of(self, question: Question) -> dict[str, Any]:
        """Its keys of the canonical dict (the inverse of answer_rows)."""
        return {}

    # --- the attempt page ---------------------------------------------------------------------
    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        """Its answer controls for a presented item (quizzes/fragments.py puts them in the
        question's fieldset, which is disabled once the item is locked)."""
        return iter(())

    # --- statistics (quizzes/statistics/queries.py) ---------------------------------------------
    def response_labels(self, question: Question, response: Response) -> list[str]:
        """A stored, non-empty response as the labels its frequencies are counted under."""
        return stored_labels(response)

    def frequency_rows(self, question: Question, bucket: dict[str, int], top: int) -> list:
        """The counted labels as the report lists them: the most frequent first."""
        return most_frequent(bucket, top)

    # --- GIFT (quizzes/formats/gift_export.py) --------------------------------------------------
    def gift_answers(self, data: dict[str, Any]) -> str | None:
        """The lines inside the answer block; None: GIFT cannot hold this type."""
        return None

    # --- Moodle XML (quizzes/formats/moodle_xml.py writes the question around it) ------------
    def moodle_claims(self, question: Element) -> bool:
        """Whether a <question> of one of moodle_names is this type (multichoice: single?)."""
        return True

    def moodle_read(self, question: Element, warn: Callable[[str], None]) -> dict[str, Any]:
        """Its keys of the canonical dict (answers, spec) from the <question> element;
        DataError for what cannot make a question, `warn` for what is dropped."""
        return {}

    def moodle_write(self, data: dict[str, Any], question: Element) -> None:
        """Append its own children (answers, options) to the <question> element."""

    @property
    def has_gift_form(self) -> bool:
        return type(self).gift_answers is not QType.gift_answers
