"""Our bank's extra fields in GIFT, as a comment line Moodle ignores:

    // @dlp {"difficulty": "easy", "slug": "7.8-cnn-pooling", "tags": ["cnn"], "terms": [...]}

placed before a question. With the slug, re-importing an exported file updates the same
questions instead of adding copies, and keeps difficulty, tags, terms, section and topic.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .result import FormatError

META_PREFIX = "// @dlp "
META_FIELDS: dict[str, type] = {
    "slug": str,
    "section": str,
    "topic": str,
    "difficulty": str,
    "tags": list,
    "terms": list,
}


def parse_meta(raw: str) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise FormatError("the '// @dlp' line is not valid JSON") from None
    if not isinstance(data, dict):
        raise FormatError("the '// @dlp' line must hold a JSON object")
    for key, value in data.items():
        kind = META_FIELDS.get(key)
        if kind is None:
            raise FormatError(f"unknown '// @dlp' field {key!r}")
        if not isinstance(value, kind) or (
            isinstance(value, list) and not all(isinstance(v, str) for v in value)
        ):
            raise FormatError(f"'// @dlp' field {key!r} must be a {kind.__name__}")
    return data


# What Moodle's `[tag:...]` comment cannot hold (gift.py's pattern is built from it); a tag
# with any of these travels in the `// @dlp` line instead, so that no tag is lost on export.
TAG_UNFIT = "<>\\x00-\\x1f\\x7f"


def comment_tag(tag: str) -> bool:
    """Whether `[tag:...]` carries this tag unchanged (the parser strips what it reads)."""
    return bool(tag) and tag == tag.strip() and not re.search(f"[{TAG_UNFIT}]", tag)


def write_meta(question: dict[str, Any]) -> str:
    data = {key: question[key] for key in META_FIELDS if question.get(key)}
    if not data:
        return ""
    return META_PREFIX + json.dumps(data, ensure_ascii=True, sort_keys=True) + "\n"
