"""One normal form for what students type and for what terms are called, so both meet.

The same functions turn a term's name, abbreviation and aliases into its search keys and a
query into the words that are matched against them: lowercase, accents dropped, punctuation
and hyphens to spaces, British spellings to American ones, plural words to singular. Because
both sides go through the same steps, a rule that over-reaches ("noise" is left alone, but
"precise" becomes "precize") changes both sides alike and costs nothing.
"""

from __future__ import annotations

import re
import unicodedata

# Words that carry no meaning in a glossary query ("what is dropout", "dropout in pytorch").
# They are dropped only when something else is left, so a query "in" still finds IN.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "by",
        "define",
        "definition",
        "do",
        "does",
        "explain",
        "for",
        "how",
        "in",
        "is",
        "meaning",
        "of",
        "on",
        "or",
        "the",
        "to",
        "vs",
        "what",
        "whats",
        "why",
        "with",
    ]
)

_NOT_WORD = re.compile(r"[^0-9a-z]+")
# -ise/-isation/-iser... to -ize... (optimiser, normalisation, tokenising); the stem needs three
# letters so short words keep their -ise (rise, wise, noise).
_ISE = re.compile(r"^(\w{3,})is(e|ed|er|es|ing|ation|ations|ability)$")
_YSE = re.compile(r"^(\w{3,})ys(e|ed|er|es|ing)$")  # analyse -> analyze
_LL = re.compile(r"^(\w{3,}[aeiou])ll(ed|ing|er)$")  # modelling, labelled -> modeling, labeled
_OUR = re.compile(r"^(\w{3,})our(s?)$")  # colour, behaviour -> color, behavior
_TRE = re.compile(r"^(\w+[^aeiou])tre(s?)$")  # centre, metre -> center, meter


def _ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def singular(word: str) -> str:
    """A rough English singular: good enough when both sides use it (it never has to be a word)."""
    if len(word) <= 3 or word[-1] != "s" or word[-2] == "s":
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1]


def american(word: str) -> str:
    for pattern, replacement in (
        (_ISE, r"\1iz\2"),
        (_YSE, r"\1yz\2"),
        (_LL, r"\1l\2"),
        (_OUR, r"\1or\2"),
        (_TRE, r"\1ter\2"),
    ):
        word, count = pattern.subn(replacement, word)
        if count:
            break
    return word


def words(text: str) -> list[str]:
    """The normal form of every word in `text`, in order."""
    return [american(singular(word)) for word in _NOT_WORD.split(_ascii_lower(text)) if word]


def plain_words(text: str) -> list[str]:
    """Lowercase ASCII words, spelt as typed: what full-text search over definitions gets."""
    return [word for word in _NOT_WORD.split(_ascii_lower(text)) if word]


def meaningful(found: list[str]) -> list[str]:
    kept = [word for word in found if word not in STOP_WORDS]
    return kept or found


def key(text: str) -> str:
    return " ".join(words(text))


def compact(text: str) -> str:
    """The key without spaces: "drop out", "drop-out" and "dropout" all become "dropout"."""
    return key(text).replace(" ", "")


# What a search key is: a word of some name (matched word by word, with typos), an alias, or
# the name or abbreviation itself (both matched whole). The values are stored; keep them.
WORD, ALIAS, NAME = 0, 1, 2


def term_keys(*, name: str, abbreviation: str, aliases: list[str]) -> list[tuple[int, str]]:
    """(kind, key) for every distinct name of a term in normal form, then its distinct words."""
    found: dict[str, tuple[int, str]] = {}
    texts = [(NAME, name), (NAME, abbreviation), *((ALIAS, str(alias)) for alias in aliases)]
    for kind, text in texts:
        normal = key(text)
        found.setdefault(normal.replace(" ", ""), (kind, normal))
    for junk in [compact for compact in found if len(compact) < 2]:  # "∇L" leaves "l"
        del found[junk]
    spelled = {word for _, normal in found.values() for word in normal.split() if len(word) > 1}
    return [*found.values(), *((WORD, word) for word in sorted(spelled))]
