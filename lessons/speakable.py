"""Lesson Markdown turned into text a voice can read: the audio book's transcript.

Formatting marks, links, HTML and code blocks go; inline maths is spelled out roughly
("w times x plus b"); tables are read row by row. Each paragraph is a transcript line, long
ones split at sentence ends so the highlight moves often enough to follow.
"""

from __future__ import annotations

import re

MAX_LINE_CHARS = 320

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_HTML = re.compile(r"<[^>]+>")
_TERM = re.compile(r"\[\[(?:[a-z0-9-]+\||!)([^\[\]]+)\]\]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MATH = re.compile(r"\$\$?([^$]+)\$\$?")
_TEX = {
    r"\cdot": " times ",
    r"\times": " times ",
    r"\leftarrow": " becomes ",
    r"\rightarrow": " goes to ",
    r"\to": " goes to ",
    r"\approx": " is about ",
    r"\sum": " the sum of ",
    r"\sqrt": " the square root of ",
    r"\frac": " fraction ",
    r"\eta": " eta ",
    r"\sigma": " sigma ",
    r"\alpha": " alpha ",
    r"\beta": " beta ",
    r"\lambda": " lambda ",
    r"\theta": " theta ",
    r"\hat": "",
    r"\mathbf": "",
    r"\,": " ",
}
_SYMBOLS = {"+": " plus ", "=": " equals ", "^": " to the power ", "_": " ", "·": " times "}
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def _math(match: re.Match[str]) -> str:
    text = match.group(1)
    for tex, spoken in _TEX.items():
        text = text.replace(tex, spoken)
    for symbol, spoken in _SYMBOLS.items():
        text = text.replace(symbol, spoken)
    text = re.sub(r"[{}\\]", " ", text)
    return " ".join(text.split())


def _inline(text: str) -> str:
    text = _HTML.sub("", text)
    text = _TERM.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _MATH.sub(_math, text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(\*\*|__|\*|~~)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)", r"\1", text)
    return " ".join(text.split())


def _blocks(markdown: str) -> list[str]:
    """Paragraphs, headings, list items and table rows as plain sentences."""
    out: list[str] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            out.append(" ".join(paragraph))
            paragraph.clear()

    for raw in _FENCE.sub("", markdown).splitlines():
        line = raw.strip()
        if not line or re.fullmatch(r"\|?[\s:|-]+\|?", line) and "-" in line:
            close()  # a blank line, or a table's |---| rule
            continue
        item = re.match(r"^(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)", line)
        if item or line.startswith("|"):
            close()
            text = (
                line[item.end() :]
                if item
                else ", ".join(c.strip() for c in line.strip("|").split("|"))
            )
            out.append(text)
        else:
            paragraph.append(line)
    close()
    return out


def _split(text: str) -> list[str]:
    if len(text) <= MAX_LINE_CHARS:
        return [text]
    lines: list[str] = []
    for sentence in _SENTENCE.split(text):
        if lines and len(lines[-1]) + len(sentence) < MAX_LINE_CHARS:
            lines[-1] += " " + sentence
        else:
            lines.append(sentence)
    return lines


def lines(markdown: str) -> list[str]:
    """The speakable transcript of `markdown`, one entry per line to highlight."""
    spoken = []
    for block in _blocks(markdown):
        text = _inline(block)
        if text and not text.endswith((".", "!", "?", ":")):
            text += "."  # a pause after a heading or list item
        if re.search(r"\w", text):
            spoken.extend(_split(text))
    return spoken
