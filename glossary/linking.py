"""Link glossary terms in lesson HTML: the first mention of each term becomes a term link.

Names and aliases match case-insensitively, abbreviations case-sensitively ("GRU" but not "gru"),
whole words only, longest first ("Convolutional Neural Network" before "Neural Network"); a hyphen
in a name also matches an en dash in the text ("bias–variance trade-off").
Text inside links, code, headings and similar elements is never touched.

Wrong senses are kept out two ways (see the "matching" functions below):
- STOP_PHRASES: phrases in which a word is not a mention of a term ("inductive bias" is not the
  neuron's Bias parameter, "sensitivity to hyperparameters" is not the metric Recall);
- per-occurrence overrides written in the source text: `[[term-slug|text]]` links `text` to that
  term whatever it says, and `[[!text]]` shows `text` and never links anything inside it.
  An override must sit inside one text run (no Markdown emphasis inside it).
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
        pattern = re.compile(rf"{_WORD_START}({body})(?:e?s)?{_WORD_END}")
    return _Index(version, pattern, names, abbreviations)


def index_version() -> str:
    """Identifies the current term index: cached HTML that links terms should key on it."""
    return term_index.version()


def _phrase(label: str) -> str:
    # Any run of whitespace in the text may separate the words of a multi-word name, and any
    # dash may stand for a hyphen ("bias–variance" is typeset with an en dash).
    words = (re.escape(word).replace(r"\-", "-") for word in label.split())
    return r"\s+".join(word.replace("-", _DASH) for word in words)


def _index() -> _Index:
    # Kept per process and rebuilt when the term index version moves (glossary/caches.py).
    version = term_index.version()
    return term_index.get_or_build("index", lambda: _compile(_build_entries(), version))


# --- matching: which words of a text run are mentions of which term -----------------------------
# Dashes that join the words of a compound; a name never matches half of such a compound.
_DASHES = "\u2010\u2011\u2012\u2013-"
_DASH = f"[{_DASHES}]"
_WORD_START = rf"(?<![\w{_DASHES}])"
_WORD_END = rf"(?![\w{_DASHES}])"

# Phrases in which a word does not mean the term it names: phrase → slugs never linked inside
# it. Other terms inside the phrase still link ("hyperparameters" in "sensitivity to
# hyperparameters"). Matched case-insensitively, any dash for a hyphen, plural allowed.
STOP_PHRASES: dict[str, frozenset[str]] = {
    "inductive bias": frozenset({"bias"}),
    "bias-variance": frozenset({"bias"}),
    "statistical bias": frozenset({"bias"}),
    "systematic bias": frozenset({"bias"}),
    "selection bias": frozenset({"bias"}),
    "dataset bias": frozenset({"bias"}),
    "biased towards": frozenset({"bias"}),
    "bias towards": frozenset({"bias"}),
    "bias toward": frozenset({"bias"}),
    "personal bias": frozenset({"bias"}),
    "start-up bias": frozenset({"bias"}),
    "bias correction": frozenset({"bias"}),
    "bias and variance": frozenset({"bias"}),
    "sensitivity to": frozenset({"recall"}),
    "sensitivity of": frozenset({"recall"}),
    "sensitive to": frozenset({"recall"}),
    "anomaly detection": frozenset({"object-detection"}),
    "keypoint detection": frozenset({"object-detection"}),
    "disease detection": frozenset({"object-detection"}),
    "edge detection": frozenset({"object-detection"}),
    "fraud detection": frozenset({"object-detection"}),
    "spam filter": frozenset({"kernel"}),
    "comment filter": frozenset({"kernel"}),
    "content filter": frozenset({"kernel"}),
    "efficient kernel": frozenset({"kernel"}),
    "GPU kernel": frozenset({"kernel"}),
    "CUDA kernel": frozenset({"kernel"}),
    "fused kernel": frozenset({"kernel"}),
    "multiply gate": frozenset({"gating-mechanism"}),
    "add gate": frozenset({"gating-mechanism"}),
    "max gate": frozenset({"gating-mechanism"}),
    "logic gate": frozenset({"gating-mechanism"}),
    "heavy weight": frozenset({"weight"}),
    "lighter weight": frozenset({"weight"}),
    "to any accuracy": frozenset({"accuracy"}),
    "attention is all you need": frozenset({"attention-mechanism"}),  # a paper's title
    "arbitrary accuracy": frozenset({"accuracy"}),
}
# [[slug|text]] forces a link; [[!text]] suppresses every link inside text.
OVERRIDE = re.compile(
    r"\[\[(?:(?P<slug>[a-z0-9][a-z0-9-]*)\|(?P<text>[^\[\]|]+)|!(?P<plain>[^\[\]]+))\]\]"
)


@lru_cache(maxsize=1)
def _stop_pattern() -> re.Pattern[str]:
    phrases = sorted(STOP_PHRASES, key=len, reverse=True)
    body = "|".join(_phrase(phrase) for phrase in phrases)
    # Only letters bound a stop phrase: "plant-disease detection" still contains one.
    return re.compile(rf"(?<!\w)(?i:({body}))(?:e?s)?(?!\w)")


def _stop_key(text: str) -> str:
    return re.sub(_DASH, "-", " ".join(text.split()).lower())


@lru_cache(maxsize=1)
def _stop_slugs() -> dict[str, frozenset[str]]:
    return {_stop_key(phrase): slugs for phrase, slugs in STOP_PHRASES.items()}


def _blocked_spans(text: str) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, slugs) for each stop phrase in `text`: those slugs do not link inside it."""
    return [
        (m.start(), m.end(), _stop_slugs().get(_stop_key(m.group(1)), frozenset()))
        for m in _stop_pattern().finditer(text)
    ]


def _is_blocked(start: int, end: int, slug: str, spans: list) -> bool:
    return any(s <= start and end <= e and slug in slugs for s, e, slugs in spans)


def _target(index: _Index, text: str) -> tuple[str, str, str] | None:
    spaced = " ".join(text.split())
    key = re.sub(_DASH, "-", spaced)  # the index keeps names as written, usually with "-"
    for label in (spaced, key):
        target = index.abbreviations.get(label) or index.names.get(label.lower())
        if target is not None:
            return target
    return None


_slug_targets: tuple[str, dict[str, tuple[str, str, str]]] = ("", {})


def _target_by_slug(index: _Index, slug: str) -> tuple[str, str, str] | None:
    global _slug_targets
    if _slug_targets[0] != index.version:
        targets = {t[0]: t for t in (*index.names.values(), *index.abbreviations.values())}
        _slug_targets = (index.version, targets)
    return _slug_targets[1].get(slug)


def _anchor(target: tuple[str, str, str], text: str) -> str:
    _, url, definition = target
    return f'<a class="term-link" href="{url}" data-definition="{escape(definition)}">{text}</a>'


def _auto_link(text: str, index: _Index, seen: set[str]) -> str:
    """Link the first unseen mention of each term, except inside stop phrases."""
    if index.pattern is None:
        return text
    spans = _blocked_spans(text)

    def replace(match: re.Match[str]) -> str:
        target = _target(index, match.group(1))
        if target is None or target[0] in seen:
            return match.group(0)
        if _is_blocked(match.start(), match.end(), target[0], spans):
            return match.group(0)
        seen.add(target[0])
        return _anchor(target, match.group(0))

    return index.pattern.sub(replace, text)


def _link_text(text: str, index: _Index, seen: set[str]) -> str:
    """One text run: overrides first ([[slug|text]], [[!text]]), automatic links elsewhere."""
    out: list[str] = []
    position = 0
    for match in OVERRIDE.finditer(text):
        out.append(_auto_link(text[position : match.start()], index, seen))
        position = match.end()
        if match.group("plain") is not None:
            out.append(match.group("plain"))
            continue
        target = _target_by_slug(index, match.group("slug"))
        if target is None:  # an unknown slug shows its text; check_content reports it
            out.append(match.group("text"))
            continue
        seen.add(target[0])
        out.append(_anchor(target, match.group("text")))
    out.append(_auto_link(text[position:], index, seen))
    return "".join(out)


def strip_overrides(html: str) -> str:
    """Text as readers see it when it is shown unlinked: override markup reduced to its text."""
    return OVERRIDE.sub(lambda m: m.group("text") or m.group("plain"), html)


def auto_links(html: str) -> list[tuple[str, str]]:
    """(slug, linked text) for every term link in linked HTML, in order (for reviews and tests)."""
    return re.findall(r'<a class="term-link" href="[^"]*?/glossary/([^/"]+)/"[^>]*>(.*?)</a>', html)


# --- applying the matcher to HTML ----------------------------------------------------------------


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
