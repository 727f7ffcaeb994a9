"""Moodle XML pieces that the types' mappings share (quizzes/formats/moodle_xml.py parses the
file safely and writes the question around what a type gives it; the formats import the
types, never the other way round). Elements are xml.etree ones: a type reads the parsed
<question> element and builds its own children; nothing here parses text."""

from __future__ import annotations

import html
import math
import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement  # building only: parsing is defused

from ._data import DataError
from ._gift import number_text

# Moodle's text formats and ours.
FORMATS_IN = {
    "html": "html",
    "markdown": "markdown",
    "plain_text": "plain",
    "moodle_auto_format": "markdown",
}
FORMATS_OUT = {"html": "html", "markdown": "markdown", "plain": "plain_text"}
_TAGS = re.compile(r"<[^>]*>")
_BREAKS = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.IGNORECASE)


def _node(el: Element | None, path: str) -> Element | None:
    return el.find(path) if el is not None and path else el


def text(el: Element | None, path: str = "") -> str:
    """The <text> inside el/path (Moodle's text fields), else that element's own text."""
    node = _node(el, path)
    if node is None:
        return ""
    inner = node.find("text")
    return (inner.text if inner is not None else node.text) or ""


def fmt(el: Element | None, path: str = "", default: str = "html") -> str:
    node = _node(el, path)
    raw = node.get("format", default) if node is not None else default
    return FORMATS_IN.get(raw, "html")


def plain(el: Element | None, path: str = "", default: str = "html") -> str:
    """A short text (an answer, a choice, its feedback) as the plain text we store: Moodle
    wraps them in HTML (`<p>yellow</p>`), which would show as tags on our pages."""
    value, node = text(el, path), _node(el, path)
    if node is not None and node.get("format", default) == "html":
        value = html.unescape(_TAGS.sub("", _BREAKS.sub("\n", value)))
    return value.strip()


def feedback(question: Element, answer: Element) -> str:
    """An answer's feedback as we store it. An HTML question's stays HTML, as Moodle's editor
    wrote it (its images are @@PLUGINFILE@@ references into the answerfeedback area; the
    pages show it sanitized, presenters.render_feedback), a plain-text one escaped into it;
    any other question's is plain text (`plain`), as its hints and feedback show as text."""
    if fmt(question, "questiontext") != "html":
        return plain(answer, "feedback")
    value, node = text(answer, "feedback").strip(), answer.find("feedback")
    if node is not None and node.get("format", "html") != "html":
        value = html.escape(value, quote=False)
    return value


def flag(el: Element, tag: str, default: bool = False) -> bool:
    """Moodle writes booleans as 1/0, true/false, or an empty element meaning yes."""
    node = el.find(tag)
    if node is None:
        return default
    value = (node.text or "").strip().lower()
    return value in ("", "1", "true", "yes")


def number(el: Element, tag: str, default: float) -> float:
    raw = el.findtext(tag)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise DataError(f"<{tag}> {raw.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"<{tag}> must be a finite number")
    return value


def percent(raw: str | None, default: float = 0) -> int | float:
    """An answer's fraction attribute (a percent, as ours)."""
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise DataError(f"fraction {raw!r} is not a number") from None
    if not -100 <= value <= 100:
        raise DataError(f"fraction {raw} is outside -100..100")
    return int(value) if value == int(value) else value


def answers(el: Element) -> list[Element]:
    return el.findall("answer")


# --- writing ---------------------------------------------------------------------------------
def text_el(parent: Element, tag: str, value: str, fmt_name: str | None = None) -> Element:
    """<tag format="..."><text>value</text></tag>; fmt_name None: no format attribute."""
    node = SubElement(parent, tag)
    if fmt_name is not None:
        node.set("format", FORMATS_OUT.get(fmt_name, fmt_name))
    SubElement(node, "text").text = value
    return node


def value_el(parent: Element, tag: str, value: Any) -> Element:
    node = SubElement(parent, tag)
    node.text = value if isinstance(value, str) else _scalar(value)
    return node


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(float(value))
    return str(value)


def answer_el(
    parent: Element, value: str, fraction: Any, feedback: str = "", fmt_name: str = "plain"
) -> Element:
    node = SubElement(parent, "answer", fraction=_scalar(fraction))
    node.set("format", FORMATS_OUT.get(fmt_name, fmt_name))
    SubElement(node, "text").text = value
    # In the question's format, read as `feedback` reads it back: HTML for an HTML question.
    html_question = fmt(parent, "questiontext") == "html"
    text_el(node, "feedback", feedback, "html" if html_question else "plain")
    return node


def sub(parent: Element, tag: str, **attrs: str) -> Element:
    return SubElement(parent, tag, attrs)


__all__ = [
    "FORMATS_IN",
    "FORMATS_OUT",
    "answer_el",
    "answers",
    "feedback",
    "flag",
    "fmt",
    "number",
    "percent",
    "plain",
    "sub",
    "text",
    "text_el",
    "value_el",
]
