"""Moodle's question formats (GIFT, Aiken, Moodle XML), pure Python: no database here (a type's
GIFT answers are written by the type, quizzes/qtypes/).

Importers turn text into canonical question dicts (the quiz bank schema of
notes/content_schema.md, plus `name`, `stem_format` and the source `line`);
exporters turn canonical dicts back into text.
"""

from .aiken import export_aiken, parse_aiken
from .detect import detect_format
from .gift import parse_gift
from .gift_export import export_gift
from .moodle_xml import export_moodle_xml, parse_moodle_xml
from .result import LineError, ParseResult

__all__ = [
    "LineError",
    "ParseResult",
    "detect_format",
    "export_aiken",
    "export_gift",
    "export_moodle_xml",
    "parse_aiken",
    "parse_gift",
    "parse_moodle_xml",
]
