"""Canonical question dicts to GIFT text that `parse_gift` (and Moodle) read back unchanged."""

from __future__ import annotations

from typing import Any

from .. import qtypes
from ..qtypes._gift import escape as _escape
from ..qtypes._gift import text as _text
from .gift_meta import comment_tag, write_meta
from .result import default_name


def export_gift(questions: list[dict[str, Any]], warnings: list[str] | None = None) -> str:
    """GIFT for every question; a type GIFT cannot hold (ordering) becomes a comment, and is
    named in `warnings`."""
    chunks: list[str] = []
    category = None
    for question in questions:
        if question.get("category") and question["category"] != category:
            category = question["category"]
            chunks.append(f"$CATEGORY: {_escape(category)}\n")
        chunks.append(_question(question))
        if warnings is not None and not qtypes.get(str(question.get("type", ""))).has_gift_form:
            warnings.append(
                f"{question.get('type')} question {question.get('name')!r}: no GIFT form"
            )
    return "\n".join(chunks)


def _id_and_tags(q: dict[str, Any]) -> str:
    """Moodle 3.6+'s comment line: `// [id:x] [tag:a]`, a `]` inside escaped as `\\]`."""
    bits = [f"[id:{q['idnumber'].replace(']', chr(92) + ']')}]"] if q.get("idnumber") else []
    tags = [str(t) for t in q.get("tags") or [] if comment_tag(str(t))]
    bits += [f"[tag:{t.replace(']', chr(92) + ']')}]" for t in tags]
    return "// " + " ".join(bits) + "\n" if bits else ""


def _question(q: dict[str, Any]) -> str:
    qtype = qtypes.get(str(q.get("type", "")))
    name = q.get("name") or default_name(q.get("stem", "")) or "question"
    body = qtype.gift_answers(q)
    if body is None:
        safe = " ".join(str(name).split())
        return f"// skipped: {q.get('type')} question '{safe}' has no GIFT form\n"
    # Always name the stem's format: Moodle's default ("moodle" auto-format) would show our
    # Markdown as raw text.
    fmt = q.get("stem_format") if q.get("stem_format") in ("html", "plain") else "markdown"
    # When the comment line cannot hold every tag, our metadata line keeps them all, in order
    # (the parser reads it first and adds the comment's tags it does not have yet).
    tags = [str(t) for t in q.get("tags") or []]
    keep = tags if not all(comment_tag(t) for t in tags) else []
    meta = write_meta({**{k: v for k, v in q.items() if k != "tags"}, "tags": keep})
    head = meta + _id_and_tags(q) + f"::{_escape(name)}::[{fmt}]"
    head += _escape(q.get("stem", ""))
    if not qtype.gift_block:
        return head + "\n"
    general = q.get("explanation") or ""
    if general:
        body += "\t####" + _text(general) + "\n"
    return head + "{\n" + body + "}\n"
