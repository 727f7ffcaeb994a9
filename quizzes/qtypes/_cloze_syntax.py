"""Moodle's embedded-answers (Cloze) syntax, read into gap dicts and written back.

    {1:SHORTANSWER:=ReLU#right~%50%relu*#nearly~*#no}   {2:NM:=26:0.5}   {1:MC:=pooling~dropout}

A gap is {weight:KIND:answers}; answers are separated by `~`, each `=` (100%) or `%n%`
weighted, then its text and an optional `#feedback`; `\\}`, `\\#`, `\\~`, `\\/`, `\\"` and `\\\\`
escape. Each KIND has Moodle's long and short names (SHORTANSWER/SA/MW, _C case-sensitive;
NUMERICAL/NM; MULTICHOICE/MC as a menu, _V/_H as vertical/horizontal radios, _S shuffled;
MULTIRESPONSE/MR checkboxes, _H, _S).
"""

from __future__ import annotations

import math
import re
from typing import Any

from ._data import DataError, TextError

GAP = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^}\\])*)\}")
PLACEHOLDER = re.compile(r"\[\[(\d{1,3})\]\]")

# kind, display, case-sensitive, shuffled
_KINDS: dict[str, tuple[str, str, bool, bool]] = {}
for names, spec in (
    (("SHORTANSWER", "SA", "MW"), ("short", "text", False, False)),
    (("SHORTANSWER_C", "SAC", "MWC"), ("short", "text", True, False)),
    (("NUMERICAL", "NM"), ("numerical", "text", False, False)),
    (("MULTICHOICE", "MC"), ("choice", "select", False, False)),
    (("MULTICHOICE_S", "MCS"), ("choice", "select", False, True)),
    (("MULTICHOICE_V", "MCV"), ("choice", "vertical", False, False)),
    (("MULTICHOICE_VS", "MCVS"), ("choice", "vertical", False, True)),
    (("MULTICHOICE_H", "MCH"), ("choice", "horizontal", False, False)),
    (("MULTICHOICE_HS", "MCHS"), ("choice", "horizontal", False, True)),
    (("MULTIRESPONSE", "MR"), ("multi", "vertical", False, False)),
    (("MULTIRESPONSE_S", "MRS"), ("multi", "vertical", False, True)),
    (("MULTIRESPONSE_H", "MRH"), ("multi", "horizontal", False, False)),
    (("MULTIRESPONSE_HS", "MRHS"), ("multi", "horizontal", False, True)),
):
    for name in names:
        _KINDS[name] = spec
_UNESCAPE = re.compile(r"\\([}#~/\"\\])")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def _split(text: str, sep: str) -> list[str]:
    """Split on `sep` where it is not escaped."""
    return re.split(rf"(?<!\\){re.escape(sep)}", text)


def _answer(kind: str, raw: str) -> dict[str, Any]:
    weight = 0.0
    if raw.startswith("="):
        weight, raw = 100.0, raw[1:]
    elif match := _WEIGHT.match(raw):
        weight, raw = float(match.group(1)), raw[match.end() :]
    parts = _split(raw, "#")
    text, feedback = parts[0], "#".join(parts[1:])
    text, feedback = _UNESCAPE.sub(r"\1", text).strip(), _UNESCAPE.sub(r"\1", feedback).strip()
    if not text:
        raise DataError("a Cloze answer has no text")
    answer: dict[str, Any] = {"fraction": weight, "feedback": feedback}
    if kind != "numerical":
        return answer | {"text": text}
    if text == "*":
        return answer | {"value": 0.0, "tolerance": math.inf}
    value, _, tolerance = text.partition(":")
    try:
        return answer | {"value": float(value), "tolerance": abs(float(tolerance or 0))}
    except ValueError:
        raise DataError(f"Cloze NUMERICAL answer {text!r} is not number:tolerance") from None


def parse(stem: str) -> tuple[str, list[dict[str, Any]]]:
    """The stem with each gap replaced by [[n]], and the gaps in order; a bad gap is a
    TextError naming its line."""
    gaps: list[dict[str, Any]] = []

    def one(match: re.Match[str]) -> str:
        try:
            return gap(match)
        except DataError as exc:  # where it is: the line of the text the gap starts on
            line = stem.count("\n", 0, match.start()) + 1
            raise TextError(f"line {line}: {exc}") from None

    def gap(match: re.Match[str]) -> str:
        kind_name = match.group(2)
        if kind_name not in _KINDS:
            raise DataError(f"unknown Cloze gap type {kind_name}")
        kind, display, case_sensitive, shuffle = _KINDS[kind_name]
        answers = [_answer(kind, a) for a in _split(match.group(3), "~")]
        if max(a["fraction"] for a in answers) <= 0:
            raise DataError(f"Cloze gap {len(gaps) + 1} has no right answer")
        gaps.append(
            {
                "weight": int(match.group(1) or 1),
                "kind": kind,
                "display": display,
                "case_sensitive": case_sensitive,
                "shuffle": shuffle,
                "syntax": kind_name,
                "answers": answers,
            }
        )
        return f"[[{len(gaps)}]]"

    return GAP.sub(one, stem), gaps


def _escape(text: str) -> str:
    return re.sub(r"([}#~/\"\\])", r"\\\1", str(text))


def _write_answer(gap: dict[str, Any], answer: dict[str, Any]) -> str:
    weight = "=" if answer["fraction"] == 100 else f"%{answer['fraction']:g}%"
    if gap["kind"] == "numerical":
        if answer["tolerance"] == math.inf:
            text = "*"
        else:
            text = f"{answer['value']:g}:{answer['tolerance']:g}"
    else:
        text = _escape(answer["text"])
    feedback = f"#{_escape(answer['feedback'])}" if answer.get("feedback") else ""
    return weight + text + feedback


def write(stem: str, gaps: list[dict[str, Any]]) -> str:
    """The inverse of parse: the stem in Moodle's syntax."""

    def one(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(gaps):
            return match.group(0)
        gap = gaps[n - 1]
        answers = "~".join(_write_answer(gap, a) for a in gap["answers"])
        return f"{{{gap['weight']}:{gap['syntax']}:{answers}}}"

    return PLACEHOLDER.sub(one, stem)
