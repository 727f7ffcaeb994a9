"""Moodle's Aiken format: single-choice questions, one choice per line, then `ANSWER: X`.

As in Moodle, the text is plain: any HTML in it is kept as literal characters (stem_format
"plain"), and a choice label may or may not be followed by a space (`A)text` is a choice).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from ..qtypes import single as _single
from .result import LineError, ParseResult, default_name

_CHOICE_RE = re.compile(r"^([A-Z])[).][ \t]*(.*)$")
_ANSWER_RE = re.compile(r"^ANSWER\s*:\s*(.*)$")

# The one type Aiken holds.
SINGLE = _single.TYPE.name


@dataclass
class _Draft:
    line: int
    stem: list[str]
    choices: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _State:
    result: ParseResult = field(default_factory=ParseResult)
    draft: _Draft | None = None
    # After an orphan choice we swallow the rest of that broken question up to its ANSWER line.
    skipping: bool = False

    def error(self, line: int, message: str) -> None:
        self.result.errors.append(LineError(line, message))


def parse_aiken(text: str) -> ParseResult:
    state = _State()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if line:
            _feed(state, number, line)
    if state.draft is not None:
        state.error(state.draft.line, "question not completed: no 'ANSWER:' line")
    return state.result


def _feed(state: _State, number: int, line: str) -> None:
    choice, answer = _CHOICE_RE.match(line), _ANSWER_RE.match(line)
    if answer:
        _finish(state, number, answer.group(1).strip())
    elif choice:
        _add_choice(state, number, choice.group(1), choice.group(2).strip())
    else:
        _add_text(state, number, line)


def _add_text(state: _State, number: int, line: str) -> None:
    state.skipping = False
    draft = state.draft
    if draft is not None and not draft.choices:
        draft.stem.append(line)  # a question text may run over several lines
        return
    if draft is not None:
        state.error(number, "question not completed before the next question starts")
    state.draft = _Draft(line=number, stem=[line])


def _add_choice(state: _State, number: int, label: str, text: str) -> None:
    if state.skipping:
        return
    if state.draft is None:
        state.error(number, "question not started: a choice comes before any question text")
        state.skipping = True
        return
    state.draft.choices.append((label, text))


def _finish(state: _State, number: int, letter: str) -> None:
    draft, state.draft = state.draft, None
    if state.skipping or draft is None:
        if not state.skipping:
            state.error(number, "question not started: 'ANSWER:' comes before any question")
        state.skipping = False
        return
    labels = [label for label, _ in draft.choices]
    if len(labels) < 2:
        state.error(number, "a question must have at least 2 choices")
    elif letter[:1] not in labels or len(set(labels)) != len(labels):
        state.error(number, f"'ANSWER: {letter}' does not name exactly one of the choices")
    else:
        state.result.questions.append(_question(draft, letter[:1]))


def _question(draft: _Draft, letter: str) -> dict[str, Any]:
    stem = "\n".join(draft.stem)
    return {
        "name": default_name(stem, 50),
        "type": SINGLE,
        "stem": stem,
        "stem_format": "plain",
        "explanation": "",
        "choices": [
            {"text": text, "fraction": 100 if label == letter else 0, "feedback": ""}
            for label, text in draft.choices
        ],
        "line": draft.line,
    }


def export_aiken(questions: list[dict[str, Any]], warnings: list[str] | None = None) -> str:
    """Aiken, in plain text, for the single-choice questions with one right answer among 2 to
    26; every other question is left out and named in `warnings`."""
    out = []
    for q in questions:
        choices = q.get("choices", [])
        correct = [i for i, c in enumerate(choices) if c["fraction"] == 100]
        if q.get("type") != SINGLE or len(correct) != 1 or not 2 <= len(choices) <= 26:
            if warnings is not None:
                warnings.append(f"{q.get('type')} question {q.get('name')!r}: Aiken cannot hold it")
            continue
        lines = [_plain(q["stem"], q.get("stem_format", "markdown"))]
        lines += [f"{chr(65 + i)}) {_plain(c['text'])}" for i, c in enumerate(choices)]
        lines.append(f"ANSWER: {chr(65 + correct[0])}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


_TAG = re.compile(r"<[^>]*>")


def _plain(text: str, fmt: str = "plain") -> str:
    """One line of plain text: an HTML stem loses its tags and entities (Aiken shows text
    as it is, tags and all)."""
    if fmt == "html":
        text = html.unescape(_TAG.sub(" ", text))
    return " ".join(text.split())
