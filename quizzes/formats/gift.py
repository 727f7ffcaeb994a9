"""Moodle's GIFT format: text to canonical question dicts.

The rules follow Moodle's own importer (question/format/gift/format.php) so that files made for
Moodle import here as Moodle imports them: blocks separated by blank lines, `//` comment lines,
`$CATEGORY:`, `// [id:...] [tag:...]` comments (Moodle 3.6+), `::name::`, `[html|markdown|plain|moodle]` text formats, escapes `\\~ \\= \\# \\{ \\}
\\: \\n \\\\`, `%weight%`, `#feedback`, `####general feedback`, and the type decided by what the
answer block holds. Where Moodle would silently make something odd we report a line-numbered error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from .. import qtypes as _qt
from . import result as _result
from .gift_meta import META_PREFIX, TAG_UNFIT, parse_meta
from .result import FormatError, LineError, ParseResult, category_path, default_name

# Escaped characters are swapped for private-use placeholders while the structure is parsed.
_ESCAPABLE = "\\:#={}~n"
_PLACEHOLDER = {c: chr(0xE000 + i) for i, c in enumerate(_ESCAPABLE)}
_RESTORE = {chr(0xE000 + i): ("\n" if c == "n" else c) for i, c in enumerate(_ESCAPABLE)}
_RESERVED = re.compile("[\ue000-\ue007]")
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_WEIGHT_RE = re.compile(r"^%(-?\d{1,3}(?:\.\d*)?)%")
_FORMATS = {"html": "html", "markdown": "markdown", "plain": "plain", "moodle": "markdown"}
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
MISSING_WORD = "_____"
# Moodle's: an id runs to the first unescaped `]`; a tag has no `<` or `>` either.
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]" + TAG_UNFIT + r"])+)\]")


def parse_gift(text: str) -> ParseResult:
    """Parse a whole GIFT file; every bad question becomes one LineError, good ones still parse."""
    result = ParseResult()
    category: str | None = None
    for start, lines, meta, comments in _blocks(text.removeprefix("\ufeff")):
        try:
            block = _protect("\n".join(lines).strip())
            if block.startswith("$CATEGORY:"):
                category = category_path(_restore(block[len("$CATEGORY:") :]))
                continue
            question = _parse_question(block)
            question.update(parse_meta(meta))
            _id_and_tags(question, comments)
        except FormatError as exc:
            result.errors.append(LineError(start, str(exc)))
            continue
        if category:
            question["category"] = category
        question["line"] = start
        result.questions.append(question)
    return result


def _blocks(text: str) -> Iterator[tuple[int, list[str], str, str]]:
    """Blank lines separate questions; comment lines leave the text wherever they are (as in
    Moodle), and those of a question's own lines are handed on with it (its `[id:]` and
    `[tag:]`), as is our `// @dlp {...}` metadata comment."""
    block: list[str] = []
    comments: list[str] = []
    start, meta = 0, ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            if block:
                yield start, block, meta, "\n".join(comments)
                meta = ""
            block, comments = [], []
        elif stripped.startswith(META_PREFIX):
            meta = stripped[len(META_PREFIX) :]
        elif stripped.startswith("//"):
            comments.append(stripped)
        else:
            start = start if block else number
            block.append(line)
    if block:
        yield start, block, meta, "\n".join(comments)


def _id_and_tags(question: dict[str, Any], comments: str) -> None:
    """Moodle 3.6+ writes a question's idnumber and tags as `// [id:x] [tag:a] [tag:b]`."""
    found = _ID_RE.search(comments)
    if found:
        question["idnumber"] = found.group(1).replace("\\]", "]").strip()
    tags = [t.replace("\\]", "]").strip() for t in _TAG_RE.findall(comments)]
    if tags:
        question["tags"] = list(dict.fromkeys([*question.get("tags", []), *tags]))


def _protect(text: str) -> str:
    if _RESERVED.search(text):
        raise FormatError("contains a reserved character (U+E000 to U+E007)")
    return _ESCAPE_RE.sub(lambda m: _PLACEHOLDER[m.group(1)], text)


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(c, c) for c in text)


def _with_format(text: str) -> tuple[str | None, str]:
    """Split a leading `[format]` off a text; returns (our format name or None, restored text)."""
    text = text.strip()
    if text.startswith("["):
        end = text.find("]")
        fmt = _FORMATS.get(text[1:end]) if end > 0 else None
        if fmt:
            return fmt, _restore(text[end + 1 :]).strip()
    return None, _restore(text).strip()


def _plain(text: str) -> str:
    return _with_format(text)[1]


def _parse_question(block: str) -> dict[str, Any]:
    name, block = _split_name(block)
    stem, answers = _split_answers(block)
    general = ""
    if answers is not None and "####" in answers:
        cut = answers.rfind("####")
        general, answers = answers[cut + 4 :], answers[:cut].strip()
    fmt, stem_text = _with_format(stem)
    if not stem_text:
        raise FormatError("the question has no text")
    question: dict[str, Any] = {
        "name": name or default_name(stem_text),
        "type": _qt.description.TYPE.name,
        "stem": stem_text,
        "stem_format": fmt or "markdown",
        "explanation": _plain(general),
    }
    if answers is not None:
        question.update(_parse_answers(answers))
    return question


def _split_name(block: str) -> tuple[str | None, str]:
    if not block.startswith("::"):
        return None, block
    end = block.find("::", 2)
    if end < 0:
        raise FormatError("the question name is not closed with '::'")
    return _restore(block[2:end]).strip() or None, block[end + 2 :].strip()


def _split_answers(block: str) -> tuple[str, str | None]:
    """Return (stem, answer text or None for a description)."""
    opening, closing = block.find("{"), block.find("}")
    if opening < 0 and closing < 0:
        return block, None
    if opening < 0 or closing < 0 or closing < opening:
        raise FormatError(
            "unbalanced braces: an answer block needs '{' then '}' (escape as \\{ \\})"
        )
    inner, after = block[opening + 1 : closing], block[closing + 1 :]
    if "{" in inner or "{" in after or "}" in after:
        raise FormatError("only one {answer block} per question (escape other braces as \\{ \\})")
    # As Moodle: anything after the closing brace, even a lone full stop, makes the answer
    # a blank in the text ("... is called an {=epoch}." reads "... is called an _____.").
    if not after.strip():
        return block[:opening], inner.strip()
    return block[:opening] + MISSING_WORD + after, inner.strip()


def _parse_answers(answers: str) -> dict[str, Any]:
    if answers == "":
        return {"type": _qt.essay.TYPE.name}
    if answers.startswith("#"):
        return _numerical(answers[1:])
    if "~" in answers:
        return _multichoice(answers)
    if "=" in answers and "->" in answers:
        return _matching(answers)
    if answers.split("#", 1)[0].strip() in TRUE_FALSE:
        return _truefalse(answers)
    return _short(answers)


def _split(answers: str, marker: str) -> list[str]:
    if answers.count(marker) > _result.MAX_ANSWERS:  # counted before any work per answer
        raise FormatError(
            f"{answers.count(marker)} answers in one question: at most {_result.MAX_ANSWERS}"
        )
    parts = [p.strip() for p in answers.split(marker)]
    if parts and not parts[0]:
        parts.pop(0)
    if any(not p for p in parts):
        raise FormatError(f"an empty answer after '{marker}'")
    return parts


def _weight(answer: str, default: float) -> tuple[float, str]:
    match = _WEIGHT_RE.match(answer)
    if not match:
        return default, answer
    weight = float(match.group(1))
    if not -100 <= weight <= 100:
        raise FormatError(f"answer weight {match.group(1)}% is outside -100%..100%")
    return weight, answer[match.end() :]


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def _feedback(answer: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return _plain(text), _plain(feedback)


def _multichoice(answers: str) -> dict[str, Any]:
    single = "=" in answers
    choices = []
    for part in _split(answers.replace("=", "~="), "~"):
        if part.startswith("="):
            weight, part = 100.0, part[1:]
        else:
            weight, part = _weight(part, 0.0)
        text, feedback = _feedback(part)
        if not text:
            raise FormatError("a choice has no text")
        choices.append({"text": text, "fraction": _number(weight), "feedback": feedback})
    if len(choices) < 2:
        raise FormatError("a multiple-choice question needs at least 2 choices")
    _check_fractions(choices, single)
    return {"type": (_qt.single.TYPE if single else _qt.multi.TYPE).name, "choices": choices}


def _check_fractions(choices: list[dict[str, Any]], single: bool) -> None:
    if single:
        if max(c["fraction"] for c in choices) != 100:
            raise FormatError("one choice must be worth 100%")
        return
    positive = sum(c["fraction"] for c in choices if c["fraction"] > 0)
    if abs(positive - 100) >= 0.5:
        raise FormatError(
            f"the positive weights of a multiple-response question add up to {positive:g}%, not 100%"
        )


def _matching(answers: str) -> dict[str, Any]:
    pairs, distractors = [], []
    for part in _split(answers, "="):
        left, arrow, right = part.partition("->")
        if not arrow:
            raise FormatError("a matching answer needs 'question -> answer'")
        left_text, right_text = _plain(left), _restore(right).strip()
        if not right_text:
            raise FormatError("a matching answer has nothing after '->'")
        if left_text:
            pairs.append({"left": left_text, "right": right_text})
        else:
            distractors.append(right_text)
    if len(pairs) < 2:
        raise FormatError("a matching question needs at least 2 pairs")
    data: dict[str, Any] = {"type": _qt.matching.TYPE.name, "pairs": pairs}
    if distractors:
        data["distractors"] = distractors
    return data


def _truefalse(answers: str) -> dict[str, Any]:
    bits = [*answers.split("#", 2), "", ""]
    correct = TRUE_FALSE[bits[0].strip()]
    wrong_fb, right_fb = _plain(bits[1]), _plain(bits[2])
    true_fb, false_fb = (right_fb, wrong_fb) if correct else (wrong_fb, right_fb)
    return {
        "type": _qt.truefalse.TYPE.name,
        "choices": [
            {"text": "True", "fraction": 100 if correct else 0, "feedback": true_fb},
            {"text": "False", "fraction": 0 if correct else 100, "feedback": false_fb},
        ],
    }


def _short(answers: str) -> dict[str, Any]:
    accepted = []
    for part in _split(answers, "="):
        weight, part = _weight(part, 100.0)
        text, feedback = _feedback(part)
        if not text:
            raise FormatError("a short answer has no text")
        accepted.append({"text": text, "fraction": _number(weight), "feedback": feedback})
    _check_best(accepted)
    return {"type": _qt.short.TYPE.name, "answers": accepted}


def _check_best(answers: list[dict[str, Any]]) -> None:
    if max(a["fraction"] for a in answers) != 100:
        raise FormatError("one answer must be worth 100%")


def _numerical(answers: str) -> dict[str, Any]:
    answers, _, wrong = answers.partition("~")
    parsed = []
    for part in _split(answers, "="):
        weight, part = _weight(part, 100.0)
        text, feedback = _feedback(part)
        value, tolerance = _value_tolerance(text)
        parsed.append(
            {
                "value": value,
                "tolerance": tolerance,
                "fraction": _number(weight),
                "feedback": feedback,
            }
        )
    if not parsed:
        raise FormatError("a numerical question needs at least one number")
    _check_best(parsed)
    if wrong:
        # Moodle's catch-all: any other number earns 0 and this feedback.
        parsed.append(
            {"value": "*", "tolerance": 0, "fraction": 0, "feedback": _feedback(wrong)[1]}
        )
    return {"type": _qt.numerical.TYPE.name, "answers": parsed}


def _value_tolerance(text: str) -> tuple[int | float, int | float]:
    """`3.14:0.01` is a value with a tolerance; `1..5` a range, kept as midpoint and half-width."""
    try:
        if text.find("..") > 0:
            low, high = (float(x) for x in text.split("..", 1))
            if low > high:
                raise FormatError(f"the range {text} runs backwards")
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif text.find(":") > 0:
            value, tolerance = (float(x) for x in text.split(":", 1))
        else:
            value, tolerance = float(text), 0.0
    except ValueError:
        raise FormatError(f"'{text}' is not a number, number:tolerance or min..max") from None
    if not (math.isfinite(value) and math.isfinite(tolerance)) or tolerance < 0:
        raise FormatError(f"'{text}' needs a finite number and a tolerance of 0 or more")
    return _number(value), _number(tolerance)
