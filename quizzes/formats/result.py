"""What a parser hands back: the questions it understood and the errors, each with a line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..qtypes._gift import number_text

# Answers (choices, pairs, items) per question. Moodle sets no limit; a question with thousands
# of answers is an attack on the importer, not a question. Read as result.MAX_ANSWERS at call
# time (bench/gift_import.py raises it to time the import path beyond the cap).
MAX_ANSWERS = 100

# Keys a parser adds for the importer's benefit; they are not question data.
META_KEYS = frozenset({"line"})
_CONTEXT_PREFIX = re.compile(r"^\$[a-z0-9]+\$/")


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ParseResult:
    questions: list[dict[str, Any]] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    # What was left out without failing the file (a question type we do not have).
    warnings: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class FormatError(ValueError):
    """Raised inside a parser for one bad question; the parser turns it into a LineError."""


def default_name(stem: str, limit: int = 80) -> str:
    """Moodle names an unnamed question after the start of its text."""
    plain = " ".join(re.sub(r"<[^>]*>", " ", stem).split())
    return plain if len(plain) <= limit else plain[: limit - 3].rstrip() + "..."


def category_path(path: str) -> str:
    """Moodle's `$course$/top/Week 1/CNNs` as we store it, `Week 1/CNNs`: the context and
    the top category are Moodle's business, and the exporters write them back."""
    path = _CONTEXT_PREFIX.sub("", path.strip())
    if path == "top" or path.startswith("top/"):
        path = path[4:]
    return path.strip("/ ")


def strip_meta(question: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in question.items() if k not in META_KEYS}


__all__ = [
    "MAX_ANSWERS",
    "META_KEYS",
    "FormatError",
    "LineError",
    "category_path",
    "ParseResult",
    "default_name",
    "number_text",
    "strip_meta",
]
