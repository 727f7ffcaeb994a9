"""Files a question carries (Moodle XML's base64 <file> elements): images only.

Django-free like every format: the parser hands each question's files back as dicts
{"area", "name", "content_type", "data", "sha256", "size"}; the importing service stores them
(quizzes/services/importing.py) and the size limits come from settings through it.

The type is read from the bytes' magic numbers, never from the name: a `.png` holding HTML or
an SVG (which can carry script) is refused. Names are normalized to one plain file name, so a
name can never be a path.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .result import FormatError

# Moodle's file areas we keep, by our name; the HTML of each refers to its files as
# @@PLUGINFILE@@/<name>.
AREAS = ("questiontext", "generalfeedback", "answerfeedback", "hint")
PLUGINFILE = "@@PLUGINFILE@@/"
MAX_NAME = 100

# (magic bytes at offset 0, content type); WebP is RIFF....WEBP.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
CONTENT_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_NAME_OK = re.compile(r"[^A-Za-z0-9._ ()+-]")


@dataclass(frozen=True)
class FileLimits:
    """Bytes (decoded) per file and for all files of one import; settings give the numbers."""

    per_file: int
    per_import: int


def image_type(data: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean_name(raw: str) -> str:
    """One plain file name, or FormatError: no path, no NUL or control character, no dot
    file, at most MAX_NAME characters."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise FormatError(f"the file name {raw[:40]!r} has a control character")
    if "/" in name or "\\" in name:
        raise FormatError(f"the file name {raw[:40]!r} is a path: give a plain file name")
    if len(name) > MAX_NAME:
        raise FormatError(f"the file name {name[:40]!r}... is longer than {MAX_NAME} characters")
    if not name or name.startswith(".") or _NAME_OK.search(name):
        raise FormatError(
            f"the file name {name[:40]!r} is refused: use letters, digits, spaces and . _ - ( ) +"
        )
    return name


def decode_image(*, area: str, raw_name: str, encoded: str, limits: FileLimits | None) -> dict:
    """One <file>'s content as a file dict, or FormatError saying why it is refused."""
    name = clean_name(raw_name)
    packed = "".join(encoded.split())
    # Refused before decoding: base64 takes 4 characters for 3 bytes.
    if limits is not None and len(packed) > (limits.per_file + 2) // 3 * 4:
        raise FormatError(f"the file {name!r} is larger than {limits.per_file} bytes")
    try:
        data = base64.b64decode(packed, validate=True)
    except (binascii.Error, ValueError):
        raise FormatError(f"the file {name!r} is not valid base64") from None
    if limits is not None and len(data) > limits.per_file:
        raise FormatError(f"the file {name!r} is larger than {limits.per_file} bytes")
    content_type = image_type(data)
    if content_type is None:
        raise FormatError(
            f"the file {name!r} is not a PNG, JPEG, GIF or WebP image (read from its bytes); "
            "other files, SVG included, are refused"
        )
    return {
        "area": area,
        "name": name,
        "content_type": content_type,
        "data": data,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def total_size(files: list[dict[str, Any]]) -> int:
    return sum(int(f["size"]) for f in files)


__all__ = [
    "AREAS",
    "CONTENT_TYPES",
    "MAX_NAME",
    "PLUGINFILE",
    "FileLimits",
    "clean_name",
    "decode_image",
    "encode",
    "image_type",
    "total_size",
]
