"""Embedded answers (Moodle's Cloze, multianswer): short-answer, numerical and multiple-choice
gaps inside the text, each marked separately and weighted (`{2:SA:...}` counts twice).

The bank reads the gaps out of the stem (qtypes/_cloze_syntax.py) into Question.spec and
stores the stem with [[n]] in their place, so the answers never sit in the text a page
renders; an export writes Moodle's syntax back. Stored: {"<gap>": text, a choice id
(gap*1000 + its number) or a list of them}; sent: texts and choice tokens.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import _cloze_syntax as syntax
from ._cloze_html import cloze_html
from ._data import DataError
from ._spec import Column, Option, Table
from .base import (
    HUNDRED,
    NO_ANSWER,
    ZERO,
    Grade,
    Order,
    QType,
    Response,
    ResponseShapeError,
    as_int,
    clamp,
)
from .numerical import grade_numerical
from .short import grade_short

if TYPE_CHECKING:
    from ..models import AttemptQuestion, Question
    from ..tokens import ItemTokens

# How each gap kind's response is collected (the `gaps` collector reads each control).
_CONTROLS = {"short": "text", "numerical": "text", "choice": "one", "multi": "many"}


@dataclass
class _Answer:
    id: int
    text: str
    fraction: Decimal
    feedback: str
    value: float = 0.0
    tolerance: float = 0.0


def _gap(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("kind") not in _CONTROLS or not raw.get("answers"):
        raise DataError("a Cloze gap needs a kind and answers")
    return raw


def _answers(gap: dict[str, Any], number: int) -> list[_Answer]:
    return [
        _Answer(
            number * 1000 + i,
            str(a.get("text", "")),
            Decimal(str(a["fraction"])),
            a.get("feedback") or "",
            float(a.get("value", 0)),
            float(a.get("tolerance", 0)),
        )
        for i, a in enumerate(gap["answers"], start=1)
    ]


def grade_gap(gap: dict[str, Any], number: int, response: Response) -> Grade:
    answers = _answers(gap, number)
    if gap["kind"] == "short":
        return grade_short(answers, response, gap.get("case_sensitive", False))
    if gap["kind"] == "numerical":
        return grade_numerical(answers, response)
    picked = response if isinstance(response, list) else [response]
    chosen = [a for a in answers if a.id in {as_int(p) for p in picked}]
    if not chosen:
        return NO_ANSWER
    total = sum((a.fraction for a in chosen), ZERO) / HUNDRED
    return Grade(clamp(total), [a.feedback for a in chosen if a.feedback])


def _gap_row(gap: dict[str, Any], number: int) -> dict[str, str]:
    """A gap as the editor's read-only table shows it: its kind, weight and answers."""
    answers = []
    for a in gap.get("answers") or []:
        text = (
            f"{a.get('value', 0):g} ± {a.get('tolerance', 0):g}"
            if gap.get("kind") == "numerical"
            else a.get("text", "")
        )
        answers.append(f"{text} ({a.get('fraction', 0):g}%)")
    kind = f"{gap.get('kind', '')} ({gap.get('syntax', '')})"
    return {
        "number": str(number),
        "kind": kind,
        "weight": str(gap.get("weight", 1)),
        "answers": "; ".join(answers),
    }


GAPS_TABLE = Table(
    columns=(
        Column("number", "Gap"),
        Column("kind", "Type"),
        Column("weight", "Mark (weight)"),
        Column("answers", "Answers (grade)"),
    ),
    readonly=True,
    row=_gap_row,
)


class ClozeType(QType):
    name = "cloze"
    shape = (dict,)
    spec_schema = (
        Option(
            "gaps", "list", [], "Read from the text's gaps, {1:SA:=answer}, when saved.", item=_gap
        ),
    )
    # Moodle XML keeps the gaps in the question text, in the syntax the bank reads from the
    # stem and writes back into it (data_of): nothing of its own to read or write.
    moodle_names = ("cloze", "multianswer")
    moodle_type = "cloze"

    # The editor shows the text with its gaps in Moodle's syntax, and the gaps read from it.
    editor_tables = {"gaps": GAPS_TABLE}

    def editor_stem(self, question: Question) -> str:
        return syntax.write(question.stem, self.spec(question)["gaps"])

    # --- the bank ------------------------------------------------------------------------------
    def prepare_data(self, data: dict) -> dict:
        stem, gaps = syntax.parse(str(data.get("stem", "")))
        return dict(data, stem=stem, spec={"gaps": gaps}) if gaps else data

    def validate_data(self, data: dict) -> None:
        gaps = self.clean_spec(data.get("spec"))["gaps"]
        if not gaps or len(syntax.PLACEHOLDER.findall(str(data.get("stem", "")))) != len(gaps):
            raise DataError("a cloze question needs gaps in its text, e.g. {1:SA:=answer}")

    def data_of(self, question: Question) -> dict[str, Any]:
        return {"stem": syntax.write(question.stem, self.spec(question)["gaps"])}

    # --- grading -------------------------------------------------------------------------------
    def grade(self, question: Question, response: Response) -> Grade:
        gaps = self.spec(question)["gaps"]
        if not gaps or not isinstance(response, dict) or not any(response.values()):
            return NO_ANSWER
        total, weights, feedback = ZERO, ZERO, []
        for number, gap in enumerate(gaps, start=1):
            grade = grade_gap(gap, number, response.get(str(number)))
            weight = Decimal(gap.get("weight", 1))
            total += weight * (grade.fraction or ZERO)
            weights += weight
            feedback += [f"Blank {number}: {line}" for line in grade.feedback]
        return Grade(clamp(total / weights) if weights else ZERO, feedback)

    # --- the attempt ---------------------------------------------------------------------------
    def start_order(self, question: Question, shuffle: bool, rng: random.Random) -> Order:
        kinds, options = {}, []
        for number, gap in enumerate(self.spec(question)["gaps"], start=1):
            kinds[str(number)] = _CONTROLS[gap["kind"]]
            ids = [a.id for a in _answers(gap, number)] if kinds[str(number)] != "text" else []
            if shuffle or gap.get("shuffle"):
                rng.shuffle(ids)
            options += ids
        return {"options": options, "kinds": kinds}

    def shown_option_ids(self, order: Order) -> list:
        return order.get("options", []) if isinstance(order, dict) else []

    def decode(self, tokens: ItemTokens, sent: Response) -> Response:
        if not isinstance(sent, dict):
            return sent
        kinds = tokens.order.get("kinds", {}) if isinstance(tokens.order, dict) else {}
        out: dict[str, Any] = {}
        for gap, value in sent.items():
            kind = kinds.get(str(gap), "text")
            if kind == "many" and isinstance(value, list):
                out[str(gap)] = [tokens.lookup(tokens.shown_ids, v) for v in value]
            elif kind == "one" and value:
                out[str(gap)] = tokens.lookup(tokens.shown_ids, value)
            else:
                out[str(gap)] = value if kind == "text" else None
        return out

    def coerce(self, response: Any) -> Response:
        def fits(v: Any) -> bool:
            if isinstance(v, list):
                return all(as_int(i) is not None for i in v)
            return v is None or isinstance(v, str | int) and not isinstance(v, bool)

        if len(response) > 100 or not all(
            str(k).isdigit() and fits(v) for k, v in response.items()
        ):
            raise ResponseShapeError("That answer does not fit a cloze question.")
        return {str(k): (v[:500] if isinstance(v, str) else v) for k, v in response.items()}

    def present_tokens(self, tokens: ItemTokens, response: Response) -> Response:
        if not isinstance(response, dict):
            return None
        out: dict[str, Any] = {}
        for gap, value in response.items():
            if isinstance(value, list):
                out[gap] = tokens.options(value)
            elif isinstance(value, int):
                out[gap] = tokens.option(value)
            else:
                out[gap] = value or ""
        return out

    def options(self, item: AttemptQuestion, tokens: ItemTokens) -> dict[str, Any]:
        gaps = self.spec(item.question)["gaps"]
        order = self.shown_option_ids(item.choice_order)
        texts = {
            a.id: a.text for number, gap in enumerate(gaps, start=1) for a in _answers(gap, number)
        }
        return {
            "parts": {
                "cloze": [
                    {
                        "number": number,
                        "control": _CONTROLS[gap["kind"]],
                        "display": gap.get("display", "text"),
                        "options": [
                            {"id": tokens.option(i), "text": texts[i]}
                            for i in order
                            if i // 1000 == number and i in texts
                        ],
                    }
                    for number, gap in enumerate(gaps, start=1)
                ]
            }
        }

    def show_stem(self, html: str, item: AttemptQuestion) -> str:
        return syntax.PLACEHOLDER.sub(r'<strong class="gap-ref">[blank \1]</strong>', html)

    def answer_html(self, item: dict[str, Any]) -> Iterator[str]:
        yield cloze_html(item)

    # --- texts ---------------------------------------------------------------------------------
    def _gap_texts(self, question: Question, response: dict[str, Any]) -> list[str]:
        out = []
        for number, gap in enumerate(self.spec(question)["gaps"], start=1):
            value = response.get(str(number))
            texts = {a.id: a.text for a in _answers(gap, number)}
            picked = value if isinstance(value, list) else [value]
            if gap["kind"] in ("choice", "multi"):
                shown = ", ".join(texts.get(as_int(p) or 0, "?") for p in picked if p is not None)
            else:
                shown = str(value or "")
            if shown:
                out.append(f"{number}: {shown}")
        return out

    def response_text(self, question: Question, response: Response) -> str:
        return "; ".join(self._gap_texts(question, response)) if isinstance(response, dict) else ""

    def right_answer_text(self, question: Question) -> str:
        parts = []
        for number, gap in enumerate(self.spec(question)["gaps"], start=1):
            best = [a for a in gap["answers"] if a["fraction"] >= 100] or gap["answers"][:1]
            if gap["kind"] == "multi":
                best = [a for a in gap["answers"] if a["fraction"] > 0]
            shown = ", ".join(
                f"{a['value']:g}" if gap["kind"] == "numerical" else a["text"] for a in best
            )
            parts.append(f"{number}: {shown}")
        return "; ".join(parts)

    def response_labels(self, question: Question, response: Response) -> list[str]:
        return [self.response_text(question, response)[:80] or "(no answer)"]


TYPE = ClozeType()
