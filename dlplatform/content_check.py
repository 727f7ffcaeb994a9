"""The content linter behind `manage.py check_content` (issue 14 §4). Reads the bundled YAML only.

Checks, each reported as "file: where: problem":
- every referenced term exists (section `terms`, quiz question `terms`, glossary `related`,
  `[[slug|text]]` overrides in lesson text, the linker's stop phrases), and every quiz bank's
  section exists;
- every alias is unique across terms, and no alias equals another term's name or abbreviation
  (compared in search normal form: case, accents, hyphens, plurals, British spellings);
- every section has every part (three overviews, key concepts, topics with an explanation, a
  Basic body, examples, applications and memory aids, at least MIN_EXAMPLES examples and
  applications together, flashcards, a recap, a `prerequisites` list naming existing sections,
  a quiz of at least MIN_QUESTIONS);
- every topic has a dialogue (the audio lesson) of 6 to 10 turns, by at least two speakers, all
  of the cast (lessons/dialogue.py);
- every quiz question links to at least one term;
- every glossary term is listed by at least one section's `terms`, so a reader meets it in a lesson;
- no run of SHINGLE words is shared with the documents in ../shared/seeds/ (case and
  punctuation ignored), so the study text stays in our own words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dlplatform.yaml_io import load_yaml
from lessons import dialogue

ROOT = Path(__file__).resolve().parent.parent
TERMS_DIR = ROOT / "glossary" / "content" / "terms"
SECTIONS_DIR = ROOT / "lessons" / "content" / "sections"
BANK_DIR = ROOT / "quizzes" / "content" / "bank"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
SHINGLE = 8
MIN_QUESTIONS = 10
MIN_EXAMPLES = 3  # examples + applications per topic
DEPTHS = ("basic", "standard", "detailed")
TOPIC_PARTS = ("explanation", "basic", "examples", "applications", "memory_aids")
OVERRIDE = re.compile(r"\[\[([a-z0-9][a-z0-9-]*)\|[^\[\]|]+\]\]")
OVERRIDE_ANY = re.compile(r"\[\[(?:[a-z0-9][a-z0-9-]*\||!)[^\[\]]+\]\]")
# Cards, quiz text and glossary definitions (tooltips, glossary decks) are not term-linked, so
# [[...]] there would be shown as typed.
RAW_OVERRIDE = "[[...]] link overrides work in lesson text only; here they would show raw"


@dataclass(frozen=True)
class Problem:
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


@dataclass
class Content:
    terms: list[tuple[str, dict]]  # (file name, entry)
    sections: list[tuple[str, dict]]
    banks: list[tuple[str, dict]]


def _yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(Problem(path.name, "top level", f"invalid YAML: {exc}"))
        return None


def read_content(
    terms_dir: Path | None = None, sections_dir: Path | None = None, bank_dir: Path | None = None
) -> tuple[Content, list[Problem]]:
    terms_dir, sections_dir = terms_dir or TERMS_DIR, sections_dir or SECTIONS_DIR
    bank_dir = bank_dir or BANK_DIR
    problems: list[Problem] = []
    terms = [
        (path.name, entry)
        for path in sorted(terms_dir.glob("*.yaml"))
        for entry in (_yaml(path, problems) or [])
        if isinstance(entry, dict)
    ]
    sections = [
        (p.name, d) for p in sorted(sections_dir.glob("*.yaml")) if (d := _yaml(p, problems))
    ]
    banks = [(p.name, d) for p in sorted(bank_dir.glob("*.yaml")) if (d := _yaml(p, problems))]
    return Content(terms, sections, banks), problems


# --- terms and aliases ---------------------------------------------------------------------------
def _normal(label: str) -> str:
    from glossary import search_text

    return search_text.compact(str(label))


def check_references(content: Content, *, stop_phrases: bool = True) -> list[Problem]:
    problems = []
    slugs = {entry.get("slug") for _, entry in content.terms}
    for file, entry in content.terms:
        for other in entry.get("related") or []:
            if other not in slugs:
                problems.append(Problem(file, f"{entry.get('slug')}.related", f"no term {other!r}"))
    for file, section in content.sections:
        for slug in section.get("terms") or []:
            if slug not in slugs:
                problems.append(Problem(file, "terms", f"no term {slug!r}"))
        for where, text in _section_texts(section):
            for slug in OVERRIDE.findall(text):
                if slug not in slugs:
                    problems.append(Problem(file, where, f"[[{slug}|...]] names no term"))
        for i, card in enumerate(section.get("flashcards") or []):
            if any(OVERRIDE_ANY.search(str(card.get(side) or "")) for side in ("front", "back")):
                problems.append(Problem(file, f"flashcards[{i}]", RAW_OVERRIDE))
    raw_texts = [(f, w, t) for f, e in content.terms for w, t in _walk(e, e.get("slug", "?"))]
    raw_texts += [(f, w, t) for f, bank in content.banks for w, t in _walk(bank, "top")]
    for file, where, text in raw_texts:
        if OVERRIDE_ANY.search(text):
            problems.append(Problem(file, where, RAW_OVERRIDE))
    numbers = {str(section.get("number")) for _, section in content.sections}
    for file, bank in content.banks:
        if str(bank.get("section")) not in numbers:
            problems.append(Problem(file, "section", f"no section {bank.get('section')!r}"))
        for i, question in enumerate(bank.get("questions") or []):
            for slug in question.get("terms") or []:
                if slug not in slugs:
                    where = f"questions[{i}] {question.get('slug')}.terms"
                    problems.append(Problem(file, where, f"no term {slug!r}"))
    if not stop_phrases:  # they name bundled terms; another glossary need not have them
        return problems
    from glossary.linking import STOP_PHRASES

    for phrase, blocked in STOP_PHRASES.items():
        for slug in sorted(set(blocked) - slugs):
            problems.append(
                Problem("glossary/linking.py", f"STOP_PHRASES[{phrase!r}]", f"no term {slug!r}")
            )
    return problems


def check_aliases(content: Content) -> list[Problem]:
    problems = []
    names: dict[str, str | None] = {}  # normal form of a name or abbreviation -> slug
    for _, entry in content.terms:
        for label in (entry.get("name"), entry.get("abbreviation")):
            if label:
                names.setdefault(_normal(label), entry.get("slug"))
    owners: dict[str, tuple[str | None, str]] = {}  # normal alias -> (slug, alias as written)
    for file, entry in content.terms:
        slug = entry.get("slug")
        for alias in entry.get("aliases") or []:
            key = _normal(alias)
            if not key:
                continue
            named = names.get(key)
            if named is not None and named != slug:
                problems.append(
                    Problem(
                        file, f"{slug}.aliases", f"alias {alias!r} is the name of term {named!r}"
                    )
                )
            owner = owners.get(key)
            if owner is not None and owner[0] != slug:
                problems.append(
                    Problem(
                        file,
                        f"{slug}.aliases",
                        f"alias {alias!r} is also an alias of {owner[0]!r} ({owner[1]!r})",
                    )
                )
            owners.setdefault(key, (slug, str(alias)))
    return problems


# --- sections and quizzes ------------------------------------------------------------------------
def _nonempty_list(value: Any) -> bool:
    return isinstance(value, list) and len(value) > 0


def check_sections(content: Content) -> list[Problem]:
    problems = []
    questions = {
        str(bank.get("section")): len(bank.get("questions") or []) for _, bank in content.banks
    }
    numbers = {str(section.get("number")) for _, section in content.sections}
    for file, section in content.sections:
        if not str(section.get("recap") or "").strip():
            problems.append(Problem(file, "recap", "missing"))
        prerequisites = section.get("prerequisites")
        if not isinstance(prerequisites, list):
            problems.append(Problem(file, "prerequisites", "missing (a list, may be empty)"))
        else:
            for number in prerequisites:
                if str(number) not in numbers or str(number) == str(section.get("number")):
                    problems.append(Problem(file, "prerequisites", f"no section {number!r}"))
        overview = section.get("overview") or {}
        for depth in DEPTHS:
            if not str(overview.get(depth) or "").strip():
                problems.append(Problem(file, f"overview.{depth}", "missing"))
        for part in ("key_concepts", "topics", "terms", "flashcards"):
            if not _nonempty_list(section.get(part)):
                problems.append(Problem(file, part, "missing or empty"))
        for i, topic in enumerate(section.get("topics") or []):
            where = f"topics[{i}] {topic.get('slug')}"
            for part in TOPIC_PARTS:
                value = topic.get(part)
                if not (value.strip() if isinstance(value, str) else _nonempty_list(value)):
                    problems.append(Problem(file, f"{where}.{part}", "missing or empty"))
            shown = sum(len(topic.get(k) or []) for k in ("examples", "applications"))
            if shown < MIN_EXAMPLES:
                problems.append(
                    Problem(
                        file,
                        where,
                        f"{shown} examples and applications, fewer than {MIN_EXAMPLES}",
                    )
                )
        count = questions.get(str(section.get("number")), 0)
        if count < MIN_QUESTIONS:
            problems.append(
                Problem(file, "quiz", f"{count} questions in its bank, fewer than {MIN_QUESTIONS}")
            )
    return problems


def check_dialogues(content: Content) -> list[Problem]:
    problems = []
    for file, section in content.sections:
        for i, topic in enumerate(section.get("topics") or []):
            where = f"topics[{i}] {topic.get('slug')}.dialogue"
            if topic.get("dialogue") is None:
                problems.append(Problem(file, where, "missing (the audio lesson's turns)"))
                continue
            problems += [Problem(file, where, str(e)) for e in dialogue.problems(topic["dialogue"])]
    return problems


def check_terms_listed(content: Content) -> list[Problem]:
    listed = {slug for _, section in content.sections for slug in section.get("terms") or []}
    return [
        Problem(file, str(entry.get("slug")), "listed by no section's terms")
        for file, entry in content.terms
        if entry.get("slug") not in listed
    ]


def check_questions(content: Content) -> list[Problem]:
    return [
        Problem(file, f"questions[{i}] {question.get('slug')}", "links to no glossary term")
        for file, bank in content.banks
        for i, question in enumerate(bank.get("questions") or [])
        if not question.get("terms")
    ]


# --- own words: no 8-word run shared with the seeds ------------------------------------------------
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(text: str) -> list[str]:
    """Lowercase words with accents, punctuation and Markdown ignored."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WORD.findall(plain)


def shingles(text: str, size: int = SHINGLE) -> list[tuple[str, ...]]:
    """Every run of `size` consecutive words, in the order they occur."""
    found = words(text)
    return [tuple(found[i : i + size]) for i in range(len(found) - size + 1)]


def _walk(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        label = node.get("slug")
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if not label else f"{label}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def _section_texts(section: dict) -> Iterator[tuple[str, str]]:
    yield from _walk({k: v for k, v in section.items() if k != "flashcards"}, "section")


def all_texts(content: Content) -> Iterator[tuple[str, str, str]]:
    """(file, where, text) for every string of the bundled content."""
    for file, entry in content.terms:
        for where, text in _walk(entry, entry.get("slug", "?")):
            yield file, where, text
    for group in (content.sections, content.banks):
        for file, data in group:
            for where, text in _walk(data, "top"):
                yield file, where, text


def check_own_words(content: Content, seeds_dir: Path | None = None) -> list[Problem]:
    seeds_dir = seeds_dir or SEEDS_DIR
    seeds = sorted(seeds_dir.glob("*.txt")) if seeds_dir.is_dir() else []
    known: dict[tuple[str, ...], str] = {}
    for path in seeds:
        for shingle in shingles(path.read_text(encoding="utf-8", errors="replace")):
            known.setdefault(shingle, path.name)
    problems = []
    for file, where, text in all_texts(content):
        shared = list(dict.fromkeys(s for s in shingles(text) if s in known))
        if shared:
            sample = " ".join(shared[0])
            problems.append(
                Problem(
                    file,
                    where,
                    f"{len(shared)} runs of {SHINGLE} words shared with seed {known[shared[0]]}, "
                    f"e.g. {sample!r}",
                )
            )
    return problems


def check_all(*, seeds_dir: Path | None = None, **dirs: Path) -> list[Problem]:
    content, problems = read_content(**dirs)
    problems += check_references(content, stop_phrases=dirs.get("terms_dir") is None)
    checks = (check_aliases, check_sections, check_dialogues, check_terms_listed, check_questions)
    for check in checks:
        problems += check(content)
    problems += check_own_words(content, seeds_dir)
    return problems
