"""Load the bundled lesson sections from lessons/content/sections/*.yaml.

The loader is idempotent: chapters, sections and topics are upserted by number/slug, topics that
disappeared from a file are removed, and the whole load is one transaction (all or nothing).
Markdown is stored as written and rendered (sanitized, glossary-linked) when a page is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import yaml
from django.db import transaction

from dlplatform.yaml_io import load_yaml

from . import dialogue
from .models import Chapter, Section, Topic

SECTIONS_DIR = Path(__file__).resolve().parent / "content" / "sections"
DEPTHS = ("basic", "standard", "detailed")
EXAMPLE_KINDS = {"example", "analogy"}
MEMORY_AID_KINDS = {"rhyme", "story", "mnemonic", "acronym"}
EXPERIMENTS = {"cnn": set(), "text": {"lstm", "gru", "rnn"}}


class ContentError(ValueError):
    """Bad content; the message names the file and the key so a writer can fix it."""


class _Checker:
    """Small typed accessors that raise ContentError with a `file: key.path` prefix."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, where: str, problem: str) -> ContentError:
        return ContentError(f"{self.filename}: {where}: {problem}")

    def text(self, data: dict, key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{where}{key}", "must be a non-empty string")
        return value.strip()

    def mapping(self, data: Any, where: str) -> dict:
        if not isinstance(data, dict):
            raise self.fail(where, "must be a mapping")
        return data

    def items(self, data: dict, key: str, where: str, *, required: bool = True) -> list:
        value = data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            raise self.fail(f"{where}{key}", "must be a non-empty list")
        return value

    def entries(self, data: dict, key: str, where: str, kinds: set[str] | None) -> list[dict]:
        """A list of {title, text} (and `kind` from `kinds` when given)."""
        out = []
        for i, raw in enumerate(self.items(data, key, where)):
            at = f"{where}{key}[{i}]."
            item = self.mapping(raw, at.rstrip("."))
            entry = {"title": self.text(item, "title", at), "text": self.text(item, "text", at)}
            if kinds is not None:
                kind = self.text(item, "kind", at)
                if kind not in kinds:
                    raise self.fail(f"{at}kind", f"{kind!r} is not one of {sorted(kinds)}")
                entry = {"kind": kind, **entry}
            out.append(entry)
        return out


def read_section_files(directory: Path | None = None) -> list[tuple[str, dict]]:
    """Every section file as (filename, parsed YAML), sorted by section number."""
    files = sorted((directory or SECTIONS_DIR).glob("*.yaml"))
    parsed = []
    for path in files:
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ContentError(f"{path.name}: invalid YAML: {exc}") from exc
        parsed.append((path.name, _Checker(path.name).mapping(data, "top level")))
    return sorted(parsed, key=lambda item: number_key(str(item[1].get("number", ""))))


def number_key(number: str) -> tuple[int, ...]:
    """'7.10' sorts after '7.9'."""
    try:
        return tuple(int(part) for part in number.split("."))
    except ValueError:
        return (10**6,)


def parse_section(filename: str, data: dict) -> dict:
    """Validate one section file and return clean values for the models."""
    c = _Checker(filename)
    chapter = c.mapping(data.get("chapter"), "chapter")
    overview = c.mapping(data.get("overview"), "overview")
    number = c.text(data, "number", "")
    if number_key(number) == (10**6,):
        raise c.fail("number", f"{number!r} is not like '7.8'")
    try:
        chapter_number = int(chapter.get("number", ""))
    except (TypeError, ValueError):
        raise c.fail("chapter.number", "must be an integer") from None
    terms = c.items(data, "terms", "", required=False)
    if not all(isinstance(t, str) for t in terms):
        raise c.fail("terms", "must be a list of glossary slugs")
    prerequisites = [str(p) for p in c.items(data, "prerequisites", "", required=False)]
    if any(number_key(p) == (10**6,) for p in prerequisites):
        raise c.fail("prerequisites", "must be a list of section numbers like '7.7'")
    if number in prerequisites:
        raise c.fail("prerequisites", f"section {number} cannot be its own prerequisite")
    return {
        "number": number,
        "chapter": {"number": chapter_number, "title": c.text(chapter, "title", "chapter.")},
        "title": c.text(data, "title", ""),
        "slug": c.text(data, "slug", ""),
        "summary": c.text(data, "summary", ""),
        "overview": {depth: c.text(overview, depth, "overview.") for depth in DEPTHS},
        "key_concepts": c.entries(data, "key_concepts", "", None),
        "topics": [_parse_topic(c, raw, i) for i, raw in enumerate(c.items(data, "topics", ""))],
        "terms": terms,
        "prerequisites": list(dict.fromkeys(prerequisites)),
        "recap": c.text(data, "recap", "", required=False),
    }


def _parse_topic(c: _Checker, raw: Any, index: int) -> dict:
    at = f"topics[{index}]."
    topic = c.mapping(raw, at.rstrip("."))
    return {
        "slug": c.text(topic, "slug", at),
        "title": c.text(topic, "title", at),
        "explanation": c.text(topic, "explanation", at),
        "basic": c.text(topic, "basic", at, required=False),
        "detailed": c.text(topic, "detailed", at, required=False),
        "examples": c.entries(topic, "examples", at, EXAMPLE_KINDS),
        "applications": c.entries(topic, "applications", at, None),
        "memory_aids": c.entries(topic, "memory_aids", at, MEMORY_AID_KINDS),
        "playground": _parse_playground(c, topic.get("playground"), f"{at}playground"),
        "dialogue": _parse_dialogue(c, topic.get("dialogue"), f"{at}dialogue"),
        "order": index,
    }


def _parse_playground(c: _Checker, raw: Any, where: str) -> dict:
    if raw is None:
        return {}
    data = c.mapping(raw, where)
    experiment = data.get("experiment")
    if experiment not in EXPERIMENTS:
        raise c.fail(f"{where}.experiment", f"{experiment!r} is not one of {sorted(EXPERIMENTS)}")
    cell = data.get("cell")
    if EXPERIMENTS[experiment] and cell is not None and cell not in EXPERIMENTS[experiment]:
        raise c.fail(f"{where}.cell", f"{cell!r} is not one of {sorted(EXPERIMENTS[experiment])}")
    return {"experiment": experiment, **({"cell": cell} if cell else {})}


def _parse_dialogue(c: _Checker, raw: Any, where: str) -> list[dict[str, str]]:
    """Optional here (the linter asks every topic for one); when written, it follows the rules
    of lessons/dialogue.py."""
    if raw is None:
        return []
    try:
        return dialogue.clean(raw)
    except dialogue.DialogueError as exc:
        raise c.fail(where, str(exc)) from None


def _check_terms(sections: list[tuple[str, dict]]) -> dict[str, Any]:
    """Map every slug used to its Term; unknown slugs are one error that names them all."""
    from glossary.models import Term

    wanted = {slug for _, s in sections for slug in s["terms"]}
    known = {t.slug: t for t in Term.objects.filter(slug__in=wanted)}
    problems = [
        f"{filename}: terms: unknown glossary slugs: {', '.join(sorted(missing))}"
        for filename, s in sections
        if (missing := set(s["terms"]) - known.keys())
    ]
    if problems:
        raise ContentError("\n".join(problems))
    return known


def _check_unique(sections: list[tuple[str, dict]]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for filename, s in sections:
        for key in (("number", s["number"]), ("slug", s["slug"])):
            if key in seen:
                raise ContentError(f"{filename}: {key[0]}: {key[1]!r} also used in {seen[key]}")
            seen[key] = filename
        slugs = [t["slug"] for t in s["topics"]]
        if len(slugs) != len(set(slugs)):
            raise ContentError(f"{filename}: topics: duplicate topic slugs")


def _check_prerequisites(sections: list[tuple[str, dict]]) -> None:
    """Every prerequisite is a section of this load or one already in the database."""
    loaded = {s["number"] for _, s in sections}
    wanted = {p for _, s in sections for p in s["prerequisites"]} - loaded
    known = set(Section.objects.filter(number__in=wanted).values_list("number", flat=True))
    problems = [
        f"{filename}: prerequisites: no section {', '.join(sorted(missing, key=number_key))}"
        for filename, s in sections
        if (missing := set(s["prerequisites"]) & (wanted - known))
    ]
    if problems:
        raise ContentError("\n".join(problems))


def _upsert_section(data: dict, order: int, terms: dict[str, Any]) -> bool:
    chapter, _ = Chapter.objects.update_or_create(
        number=data["chapter"]["number"], defaults={"title": data["chapter"]["title"]}
    )
    section, created = Section.objects.update_or_create(
        number=data["number"],
        defaults={
            "slug": data["slug"],
            "title": data["title"],
            "summary": data["summary"],
            "chapter": chapter,
            "key_concepts": data["key_concepts"],
            "order": order,
            "recap": data["recap"],
            **{f"overview_{depth}": text for depth, text in data["overview"].items()},
        },
    )
    for topic in data["topics"]:
        fields = {k: v for k, v in topic.items() if k != "slug"}
        Topic.objects.update_or_create(section=section, slug=topic["slug"], defaults=fields)
    section.topics.exclude(slug__in=[t["slug"] for t in data["topics"]]).delete()
    section.terms.set([terms[slug] for slug in data["terms"]])
    return created


def _set_prerequisites(data: dict) -> None:
    section = Section.objects.get(number=data["number"])
    by_number = {s.number: s for s in Section.objects.filter(number__in=data["prerequisites"])}
    section.prerequisites.set([by_number[n] for n in data["prerequisites"]])


def load(*, stdout: TextIO, directory: Path | None = None) -> str:
    """Load every section file idempotently; returns a one-line summary."""
    sections = [(name, parse_section(name, data)) for name, data in read_section_files(directory)]
    _check_unique(sections)
    terms = _check_terms(sections)
    _check_prerequisites(sections)
    created = 0
    with transaction.atomic():
        for order, (filename, data) in enumerate(sections):
            created += _upsert_section(data, order, terms)
            stdout.write(f"  section {data['number']} {data['title']} ({filename})\n")
        # After every section exists, so a prerequisite may come later in the course order.
        for _, data in sections:
            _set_prerequisites(data)
    topics = sum(len(s["topics"]) for _, s in sections)
    return (
        f"lessons: {len(sections)} sections ({created} created, {len(sections) - created} "
        f"updated), {topics} topics"
    )
