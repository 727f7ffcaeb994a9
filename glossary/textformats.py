"""Parse plain-text study material into (front, back) items with line numbers. Pure functions.

Formats: "numbered" term lists ("12. Term" then definition lines or bullets), "qa" question/answer
text (a question line, then one or more answer paragraphs, bullets allowed), "pairs" (term line,
definition line, alternating) and "csv" (CSV/TSV with term and definition columns: Anki, Quizlet).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

FORMATS = ("numbered", "qa", "pairs", "csv")
BULLET = re.compile(r"^\s*(?:[-*•▪◦‣]|\u2022)\s+")
TOP_NUMBER = re.compile(r"^(\d{1,4})[.)]\s+(\S.*)$")
SENTENCE_END = re.compile(r"[.!?:;)\"”]$")
MAX_TERM_LENGTH = 150


@dataclass(frozen=True)
class Item:
    front: str  # the term or question
    back: str  # definition or answer (Markdown: paragraphs, "- " bullets)
    line: int  # 1-based line of `front` in the source


class ParseError(ValueError):
    """Bad input; `errors` holds (line, message) pairs, all reported at once."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__("\n".join(f"line {line}: {message}" for line, message in errors))


def _lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _is_bullet(line: str) -> bool:
    return bool(BULLET.match(line))


def _looks_like_heading(line: str) -> bool:
    # "Summary:", "Categories SEO": short lines without sentence punctuation end a numbered item.
    stripped = line.strip()
    return stripped.endswith(":") or (
        len(stripped.split()) <= 5 and not SENTENCE_END.search(stripped)
    )


class _Answer:
    """Collects answer/definition lines into Markdown paragraphs and bullet lists."""

    def __init__(self) -> None:
        self.blocks: list[list[str]] = []  # each block: a paragraph's lines or a list's items
        self.kinds: list[str] = []
        self.blank = False

    def add(self, line: str) -> None:
        text = line.strip()
        if _is_bullet(line):
            text = "- " + BULLET.sub("", line).strip()
            if self.kinds and self.kinds[-1] == "list" and not self.blank:
                self.blocks[-1].append(text)
                return
            self._start("list", text)
        elif self._continues_paragraph():
            self.blocks[-1][-1] += " " + text
        else:
            self._start("para", text)
        self.blank = False

    def _continues_paragraph(self) -> bool:
        # A hard-wrapped line continues its paragraph; a finished sentence starts a new one.
        return bool(
            self.kinds
            and self.kinds[-1] == "para"
            and not self.blank
            and not SENTENCE_END.search(self.blocks[-1][-1])
        )

    def _start(self, kind: str, text: str) -> None:
        self.blocks.append([text])
        self.kinds.append(kind)

    def text(self) -> str:
        if self.kinds == ["list"] and len(self.blocks[0]) == 1:
            return self.blocks[0][0][2:].strip()  # one bullet is just the definition
        return "\n\n".join("\n".join(block) for block in self.blocks).strip()


_Open = tuple[int, str, _Answer]  # (line, front, answer so far) of the item being read


def parse_numbered(text: str) -> list[Item]:
    """Top-level "N. Term" lines; indented numbered lines are sub-points of the definition."""
    items: list[Item] = []
    errors: list[tuple[int, str]] = []
    current: _Open | None = None
    for number, line in enumerate(_lines(text), start=1):
        match = TOP_NUMBER.match(line)
        if match:
            _finish(current, items, errors, "no definition after the term")
            current = (number, match.group(2).strip(), _Answer())
        elif current is None:
            continue  # a title or introduction before the list
        elif not line.strip():
            current[2].blank = True
        elif _ends_item(line, current[2]):
            _finish(current, items, errors, "no definition after the term")
            current = None
        else:
            current[2].add(line)
    _finish(current, items, errors, "no definition after the term")
    return _checked(items, errors, 'no numbered items ("1. Term") found')


def _ends_item(line: str, answer: _Answer) -> bool:
    # After a definition, an unindented plain line following a blank line is no longer part of
    # it (e.g. "These 100 terms..." after the list), nor is a heading-like line.
    if not answer.blocks or line[:1].isspace() or _is_bullet(line):
        return False
    return _looks_like_heading(line) or (answer.blank and answer.kinds[0] == "list")


def _finish(
    current: _Open | None, items: list[Item], errors: list[tuple[int, str]], message: str
) -> None:
    if current is None:
        return
    line, front, answer = current
    if len(front) > MAX_TERM_LENGTH:
        errors.append((line, f"term is longer than {MAX_TERM_LENGTH} characters"))
    elif not answer.text():
        errors.append((line, f"{message}: {front!r}"))
    else:
        items.append(Item(front=front, back=answer.text(), line=line))


def _checked(items: list[Item], errors: list[tuple[int, str]], empty: str) -> list[Item]:
    if errors:
        raise ParseError(errors)
    if not items:
        raise ParseError([(1, empty)])
    return items


QA_PREFIX = re.compile(r"^\s*(?:Q|Question)\s*[:.]\s*", re.IGNORECASE)
A_PREFIX = re.compile(r"^\s*(?:A|Answer)\s*[:.]\s*", re.IGNORECASE)


def _is_question(line: str) -> bool:
    stripped = line.strip()
    if _is_bullet(line) or not stripped:
        return False
    return bool(QA_PREFIX.match(line)) or (
        stripped.endswith("?") and len(stripped) <= MAX_TERM_LENGTH
    )


def parse_qa(text: str) -> list[Item]:
    """A question line (ending in "?" or starting "Q:") then its answer, up to the next question."""
    items: list[Item] = []
    errors: list[tuple[int, str]] = []
    current: _Open | None = None
    for number, line in enumerate(_lines(text), start=1):
        if _is_question(line):
            _finish(current, items, errors, "question without an answer")
            current = (number, QA_PREFIX.sub("", line).strip(), _Answer())
        elif current is None:
            continue  # a deck title before the first question
        elif not line.strip():
            current[2].blank = True
        else:
            current[2].add(A_PREFIX.sub("", line) if not current[2].blocks else line)
    _finish(current, items, errors, "question without an answer")
    return _checked(items, errors, 'no question lines (ending in "?") found')


def parse_pairs(text: str) -> list[Item]:
    """Non-blank lines alternate: term, definition, term, definition..."""
    lines = [(n, line.strip()) for n, line in enumerate(_lines(text), start=1) if line.strip()]
    errors = [
        (n, f"expected a term here, got a long line ({len(term)} characters): is a line missing?")
        for n, term in lines[::2]
        if len(term) > MAX_TERM_LENGTH
    ]
    if len(lines) % 2:
        errors.append((lines[-1][0], f"term {lines[-1][1]!r} has no definition line after it"))
    items = [
        Item(front=term, back=back, line=n)
        for (n, term), (_, back) in zip(lines[::2], lines[1::2], strict=False)
    ]
    return _checked(items, errors, "the file is empty")


HEADER_FRONT = {"term", "front", "question", "word", "name", "concept"}
HEADER_BACK = {"definition", "back", "answer", "meaning", "description"}


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters="\t,;|")
    except csv.Error:
        return csv.excel_tab if "\t" in sample else csv.excel


def parse_csv(text: str) -> list[Item]:
    """CSV or TSV: term in the first column, definition in the second, or as a header names them."""
    lines = _lines(text)
    # Anki writes "#separator:tab", "#html:true" header lines; they are not cards.
    body_start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    body = "\n".join(lines[body_start:])
    reader = csv.reader(io.StringIO(body), _dialect(body[:4096]))
    items: list[Item] = []
    errors: list[tuple[int, str]] = []
    columns = (0, 1)
    start = body_start + 1
    for index, row in enumerate(reader):
        line, start = start, body_start + reader.line_num + 1
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if index == 0 and (header := _header_columns(cells)):
            columns = header
            continue
        front = cells[columns[0]] if len(cells) > columns[0] else ""
        back = cells[columns[1]] if len(cells) > columns[1] else ""
        if not front or not back:
            errors.append((line, "needs a term and a definition column"))
        else:
            items.append(Item(front=front, back=back, line=line))
    return _checked(items, errors, "no rows found")


def _header_columns(cells: list[str]) -> tuple[int, int] | None:
    lowered = [cell.lower() for cell in cells]
    front = next((i for i, c in enumerate(lowered) if c in HEADER_FRONT), None)
    back = next((i for i, c in enumerate(lowered) if c in HEADER_BACK), None)
    return (front, back) if front is not None and back is not None else None


def detect_format(text: str, filename: str = "") -> str:
    """Guess the format: file extension first, then the shape of the lines."""
    if filename.lower().endswith((".csv", ".tsv")):
        return "csv"
    lines = [line for line in _lines(text) if line.strip() and not line.startswith("#")]
    if lines and sum("\t" in line for line in lines) >= 0.8 * len(lines):
        return "csv"
    if sum(bool(TOP_NUMBER.match(line)) for line in lines) >= 2:
        return "numbered"
    if any(_is_question(line) for line in lines):
        return "qa"
    return "pairs"


PARSERS = {"numbered": parse_numbered, "qa": parse_qa, "pairs": parse_pairs, "csv": parse_csv}


def parse(text: str, *, fmt: str | None = None, filename: str = "") -> tuple[str, list[Item]]:
    """Parse `text` in `fmt` (detected when None); returns the format used and the items."""
    fmt = fmt or detect_format(text, filename)
    if fmt not in PARSERS:
        raise ParseError([(1, f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")])
    return fmt, PARSERS[fmt](text)
