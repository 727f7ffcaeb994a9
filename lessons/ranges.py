"""HTTP range requests (RFC 9110 §14) for the audio files: one byte range a request.

`parse` gives (start, end) inclusive, None for "send it all" (no header, a syntax we ignore as
the RFC allows, or several ranges), and raises Unsatisfiable when no byte of the file is asked
for (the view answers 416 with `Content-Range: bytes */size`).
"""

from __future__ import annotations

import re

_ONE = re.compile(r"^\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*$", re.I | re.ASCII)
# Past any file's size, and short enough for int() (which refuses over 4300 digits).
_HUGE = 10**18


def _int(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return _HUGE if len(digits) > 18 else int(digits)


class Unsatisfiable(ValueError):
    pass


def parse(header: str | None, size: int) -> tuple[int, int] | None:
    if not header:
        return None
    match = _ONE.match(header)
    if match is None:  # several ranges, another unit, or garbage: the whole file
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # "bytes=-500": the last 500 bytes
        length = _int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable(header)
        return max(0, size - length), size - 1
    start = _int(first)
    if last and _int(last) < start:
        return None  # an invalid range is ignored, not refused
    if start >= size:
        raise Unsatisfiable(header)
    end = _int(last) if last else size - 1
    return start, min(end, size - 1)


def content_range(start: int, end: int, size: int) -> str:
    return f"bytes {start}-{end}/{size}"
