"""Moodle's text question formats (GIFT, Aiken), pure Python: no database here (a type's
GIFT answers are written by the type, quizzes/qtypes/).

Importers turn text into canonical question dicts (the quiz bank schema of
notes/content_schema.md, plus `name`, `stem_format` and the source `line`);
exporters turn canonical dicts back into text.
"""

from .aiken import export_aiken, parse_aiken
from .gift import parse_gift
from .gift_export import export_gift
from .result import LineError, ParseResult

__all__ = [
    "LineError",
    "ParseResult",
    "export_aiken",
    "export_gift",
    "parse_aiken",
    "parse_gift",
]
