"""Which format a file is in, from its name and else from its text."""

from __future__ import annotations

import re

EXTENSIONS = {".xml": "moodlexml", ".gift": "gift", ".aiken": "aiken"}
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*:\s*[A-Z]\s*$", re.MULTILINE)


def detect_format(filename: str, text: str) -> str:
    """`moodlexml`, `gift` or `aiken`: by extension (`.xml`, `.gift`, `questions.aiken.txt`),
    else by content (XML starts with `<`; Aiken has ANSWER lines and no answer braces)."""
    name = filename.lower()
    for extension, fmt in EXTENSIONS.items():
        if name.endswith(extension) or name.endswith(extension + ".txt"):
            return fmt
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        return "moodlexml"
    if _AIKEN_ANSWER.search(text) and "{" not in text:
        return "aiken"
    return "gift"
