"""Canonical question dicts to GIFT text that `parse_gift` (and Moodle) read back unchanged."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .gift import _FORMATS
from .gift_meta import write_meta
from .result import default_name, number_text

_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)


def export_gift(questions: list[dict[str, Any]]) -> str:
    """GIFT for every question; ordering questions, which GIFT cannot hold, become a comment."""
    chunks: list[str] = []
    category = None
    for question in questions:
        if question.get("category") and question["category"] != category:
            category = question["category"]
            chunks.append(f"$CATEGORY: {_escape(category)}\n")
        chunks.append(_question(question))
    return "\n".join(chunks)


def _escape(text: str) -> str:
    return str(text).translate(_ESCAPES)


def _text(text: str, fmt: str = "markdown") -> str:
    """Escape a text, and say its format where the reader would otherwise guess wrong."""
    looks_marked = text.startswith("[") and text[1 : text.find("]")] in _FORMATS
    if fmt != "markdown" or looks_marked:
        return f"[{fmt}]" + _escape(text)
    return _escape(text)


def _feedback(text: str) -> str:
    return "#" + _text(text) if text else ""


def _question(q: dict[str, Any]) -> str:
    writer = _WRITERS.get(q.get("type", ""))
    name = q.get("name") or default_name(q.get("stem", "")) or "question"
    if writer is None:
        safe = " ".join(str(name).split())
        return f"// skipped: {q.get('type')} question '{safe}' has no GIFT form\n"
    # Always name the stem's format: Moodle's default ("moodle" auto-format) would show our
    # Markdown as raw text.
    fmt = q.get("stem_format") if q.get("stem_format") in ("html", "plain") else "markdown"
    head = write_meta(q) + f"::{_escape(name)}::[{fmt}]"
    head += _escape(q.get("stem", ""))
    if q.get("type") == "description":
        return head + "\n"
    body = writer(q)
    general = q.get("explanation") or ""
    if general:
        body += "\t####" + _text(general) + "\n"
    return head + "{\n" + body + "}\n"


def _single(q: dict[str, Any]) -> str:
    lines, marked = [], False
    for c in q.get("choices", []):
        if c["fraction"] == 100 and not marked:
            marker, marked = "=", True
        else:
            marker = f"~%{number_text(c['fraction'])}%"
        lines.append(f"\t{marker}{_text(c['text'])}{_feedback(c.get('feedback', ''))}\n")
    return "".join(lines)


def _multi(q: dict[str, Any]) -> str:
    return "".join(
        f"\t~%{number_text(c['fraction'])}%{_text(c['text'])}{_feedback(c.get('feedback', ''))}\n"
        for c in q.get("choices", [])
    )


def _truefalse(q: dict[str, Any]) -> str:
    by_text = {c["text"]: c for c in q.get("choices", [])}
    true, false = by_text.get("True", {}), by_text.get("False", {})
    correct = true.get("fraction", 0) == 100
    right, wrong = (true, false) if correct else (false, true)
    right_fb, wrong_fb = right.get("feedback", ""), wrong.get("feedback", "")
    out = "\tTRUE" if correct else "\tFALSE"
    if wrong_fb or right_fb:
        out += "#" + _text(wrong_fb) if wrong_fb else "#"
    if right_fb:
        out += "#" + _text(right_fb)
    return out + "\n"


def _short(q: dict[str, Any]) -> str:
    return "".join(
        f"\t=%{number_text(a['fraction'])}%{_text(a['text'])}{_feedback(a.get('feedback', ''))}\n"
        for a in q.get("answers", [])
    )


def _numerical(q: dict[str, Any]) -> str:
    lines, catch_all = ["\t#\n"], ""
    for a in q.get("answers", []):
        # Moodle's catch-all `*`; the bank stores it as an infinitely tolerant answer.
        if a.get("value") in ("*", None) or a.get("tolerance") == math.inf:
            catch_all = catch_all or f"\t~{_feedback(a.get('feedback', '')) or '#'}\n"
            continue
        number = f"{number_text(float(a['value']))}:{number_text(float(a.get('tolerance') or 0))}"
        weight = number_text(a.get("fraction", 100))
        lines.append(f"\t=%{weight}%{number}{_feedback(a.get('feedback', ''))}\n")
    return "".join(lines) + catch_all


def _matching(q: dict[str, Any]) -> str:
    pairs = [(p["left"], p["right"]) for p in q.get("pairs", [])]
    pairs += [("", right) for right in q.get("distractors", [])]
    return "".join(f"\t={_text(left)} -> {_escape(right)}\n" for left, right in pairs)


def _essay(q: dict[str, Any]) -> str:
    return ""


_WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "single": _single,
    "multi": _multi,
    "truefalse": _truefalse,
    "short": _short,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
    "description": _essay,
}
