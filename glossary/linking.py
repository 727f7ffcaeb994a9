"""Link glossary terms in lesson HTML: the first mention of each term becomes a term link.

Names and aliases match case-insensitively, abbreviations case-sensitively ("GRU" but not "gru"),
whole words only, longest first ("Convolutional Neural Network" before "Neural Network").
Text inside links, code, headings and similar elements is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse
from django.utils.html import escape

from .caches import term_index
from .models import Term

# Elements whose text must stay as written: nested links are invalid, code is literal,
# headings are structure, and the rest are widgets or foreign content.
SKIP_TAGS = frozenset(
    [
        "a",
        "abbr",
        "button",
        "code",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "kbd",
        "label",
        "option",
        "pre",
        "samp",
        "script",
        "select",
        "style",
        "svg",
        "math",
        "textarea",
        "var",
    ]
)
# Per-paragraph scope forgets which terms were linked at each of these block starts.
BLOCK_TAGS = frozenset(["p", "li", "dd", "dt", "td", "th", "blockquote"])
# A tag, allowing ">" inside quoted attribute values (nh3 does not escape it there).
_TAG = re.compile(r"(<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)")
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z][a-zA-Z0-9]*)")


@dataclass(frozen=True)
class _Index:
    version: str
    pattern: re.Pattern[str] | None
    # matched text → (slug, url, definition); names keyed lower-case, abbreviations as written
    names: dict[str, tuple[str, str, str]]
    abbreviations: dict[str, tuple[str, str, str]]


def _build_entries() -> dict:
    names: dict[str, tuple[str, str, str]] = {}
    abbreviations: dict[str, tuple[str, str, str]] = {}
    for term in Term.objects.only("slug", "name", "abbreviation", "aliases", "definition"):
        target = (term.slug, reverse("glossary:term", args=[term.slug]), term.definition)
        names.setdefault(term.name.strip().lower(), target)
        for alias in term.aliases:
            if _looks_like_acronym(alias):  # "LSTM network", "ConvNet": case matters
                abbreviations.setdefault(alias.strip(), target)
            elif len(alias.strip()) > 1:
                names.setdefault(alias.strip().lower(), target)
        if len(term.abbreviation.strip()) > 1:
            abbreviations.setdefault(term.abbreviation.strip(), target)
    return {"names": names, "abbreviations": abbreviations}


def _looks_like_acronym(label: str) -> bool:
    return bool(re.search(r"[A-Z]{2}|[a-z][A-Z]", label))


def _compile(entries: dict, version: str) -> _Index:
    names, abbreviations = entries["names"], entries["abbreviations"]
    alternatives = [(label, f"(?i:{_phrase(label)})") for label in names]
    alternatives += [(label, _phrase(label)) for label in abbreviations]
    alternatives.sort(key=lambda item: -len(item[0]))
    pattern = None
    if alternatives:
        body = "|".join(regex for _, regex in alternatives)
        # An optional plural ("CNNs", "autoencoders") still counts as a mention.
        pattern = re.compile(rf"(?<![\w-])({body})(?:e?s)?(?![\w-])")
    return _Index(version, pattern, names, abbreviations)


def index_version() -> str:
    """Identifies the current term index: cached HTML that links terms should key on it."""
    return term_index.version()


def _phrase(label: str) -> str:
    # Any run of whitespace in the text may separate the words of a multi-word name.
    return r"\s+".join(re.escape(word) for word in label.split())


def _index() -> _Index:
    # Kept per process and rebuilt when the term index version moves (glossary/caches.py).
    version = term_index.version()
    return term_index.get_or_build("index", lambda: _compile(_build_entries(), version))


def _target(index: _Index, text: str) -> tuple[str, str, str] | None:
    return index.abbreviations.get(text) or index.names.get(" ".join(text.split()).lower())


def _link_text(text: str, index: _Index, seen: set[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        target = _target(index, match.group(1))
        if target is None or target[0] in seen:
            return match.group(0)
        seen.add(target[0])
        slug, url, definition = target
        return (
            f'<a class="term-link" href="{url}" data-definition="{escape(definition)}">'
            f"{match.group(0)}</a>"
        )

    return index.pattern.sub(replace, text) if index.pattern else text


def link_terms(html: str, *, per: str = "document", skip: Iterable[str] = ()) -> str:
    """Wrap the first mention of each term (per "document" or per "paragraph") in a term link.

    `skip` holds slugs never to link (a term page does not link the term to itself).
    """
    index = _index()
    if index.pattern is None or not html:
        return html
    return _link_cached(index.version, html, per, tuple(sorted(skip)))


@lru_cache(maxsize=4096)
def _link_cached(version: str, html: str, per: str, skip: tuple[str, ...]) -> str:
    # Pure for a given index version, which is part of the key.
    index = _index()
    seen: set[str] = set(skip)
    skip_depth = 0
    parts = _TAG.split(html)
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name_match = _TAG_NAME.match(part)
            name = name_match.group(1).lower() if name_match else ""
            closing = part.startswith("</")
            if name in SKIP_TAGS and not part.endswith("/>"):
                skip_depth = max(0, skip_depth + (-1 if closing else 1))
            elif per == "paragraph" and name in BLOCK_TAGS and not closing:
                seen = set(skip)
        elif part and skip_depth == 0:
            parts[i] = _link_text(part, index, seen)
    return "".join(parts)
