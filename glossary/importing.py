"""Import parsed plain-text items (see textformats) into the glossary (decks: flashcards/importing.py).

This is a services module: keyword-only entry points, all or nothing in one transaction.

Curated terms are never overwritten silently. An incoming term matches an existing one by slug,
or by its name or abbreviation against the existing names, abbreviations and aliases in normal
form (search_text.compact: case, accents, hyphens, plurals, British spellings). A match whose
text differs is a *conflict*: it is reported side by side and skipped unless the caller lists
it in `update` (or passes update=True for every conflict). Every import that saves anything is
recorded with before/after values (ImportRecord) and can be undone (import_log.import_undo).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from . import search_text
from .import_log import SNAPSHOT_FIELDS, record_import, term_snapshot
from .models import Category, ImportRecord, Term
from .services import TermData, term_index_invalidate, term_refresh_search_vectors, term_upsert
from .textformats import Item, ParseError

# "What is max pooling?" names a term; "When is a pipeline applied?" does not.
QUESTION_TERM = re.compile(
    r"^(?:what\s+(?P<verb>is|are)|define)\s+(?:an?\s+|the\s+)?(?P<name>.+?)\s*\??$", re.I
)
NAME_PARENS = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)$")


@dataclass
class Conflict:
    """An incoming term that matches an existing one but says something else."""

    line: int
    incoming: str  # the name as the file has it
    slug: str  # the existing term's slug: what --update names
    existing: str  # the existing term's name
    matched_by: str  # "slug", "name", "alias 'RNN'", "abbreviation"
    fields: list[tuple[str, str, str]]  # (field, existing value, incoming value)


@dataclass
class ImportReport:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "name (why)"
    conflicts: list[Conflict] = field(default_factory=list)  # skipped, not changed
    # What would be (or was) written: (slug, before or None for a new term, after).
    changes: list[tuple[str, dict | None, dict]] = field(default_factory=list)
    unused_updates: list[str] = field(default_factory=list)  # --update slugs not in conflict
    record_id: int | None = None

    def __str__(self) -> str:
        prefix = "dry run, nothing saved: would have " if self.dry_run else ""
        text = (
            f"{prefix}created {len(self.created)}, updated {len(self.updated)}, "
            f"skipped {len(self.skipped)}"
        )
        if self.conflicts:
            text += f" ({len(self.conflicts)} conflicts with existing terms left unchanged)"
        return text


def _is_abbreviation(text: str) -> bool:
    return " " not in text and len(text) <= 12 and sum(c.isupper() for c in text) >= 2


def split_term(front: str) -> tuple[str, str]:
    """ "Convolutional Neural Network (CNN)" and "LSTM (Long Short-Term Memory)" → (name, abbr)."""
    match = NAME_PARENS.match(front.strip())
    if match:
        outer, inner = match.group("outer").strip(), match.group("inner").strip()
        if _is_abbreviation(inner):
            return outer, inner
        if _is_abbreviation(outer):
            return inner, outer
    return front.strip(), ""


def term_name_from_question(question: str) -> str | None:
    match = QUESTION_TERM.match(question.strip())
    if not match:
        return None
    name = match.group("name").strip()
    if (match.group("verb") or "").lower() == "are" and re.search(r"[^s]s$", name):
        name = name[:-1]  # "What are recurrent neural networks?" names one term
    return name[:1].upper() + name[1:]


def _item_term(item: Item, fmt: str) -> tuple[str, str] | None:
    front = term_name_from_question(item.front) if fmt == "qa" else item.front
    return split_term(front) if front else None


def _merged(existing: Term | None, data: TermData) -> TermData:
    """An update keeps what the text cannot express: name, category, aliases, formula."""
    if existing is None:
        return data
    return TermData(
        slug=existing.slug,
        name=existing.name,
        definition=data.definition,
        category=existing.category,
        abbreviation=data.abbreviation or existing.abbreviation,
        aliases=existing.aliases,
        explanation=data.explanation or existing.explanation,
        formula=existing.formula,
    )


def _term_data(item: Item, name: str, abbreviation: str, category: str) -> TermData:
    first, _, rest = item.back.partition("\n\n")
    return TermData(
        slug=slugify(name)[:120],
        name=name[:200],
        definition=first.strip(),
        category=category,
        abbreviation=abbreviation[:40],
        explanation=rest.strip(),
    )


def _plan(
    items: list[Item], fmt: str, category: str, report: ImportReport
) -> list[tuple[TermData, int]]:
    planned: dict[str, int] = {}
    errors: list[tuple[int, str]] = []
    result: list[tuple[TermData, int]] = []
    for item in items:
        named = _item_term(item, fmt)
        if named is None:
            report.skipped.append(f"{item.front} (line {item.line}: not a 'What is ...?' question)")
            continue
        data = _term_data(item, *named, category)
        key = search_text.compact(data.name)
        if not data.slug:
            errors.append((item.line, f"cannot make a slug from {named[0]!r}"))
        elif data.slug in planned or key in planned:  # 001 lists "Feature Extraction" twice
            repeat = f"line {item.line}: repeats line {planned.get(data.slug) or planned[key]}"
            report.skipped.append(f"{data.name} ({repeat})")
        else:
            planned[data.slug] = planned[key] = item.line
            result.append((data, item.line))
    if errors:
        raise ParseError(errors)
    return result


class _Matcher:
    """Existing terms by slug and by every name, abbreviation and alias in normal form."""

    def __init__(self) -> None:
        self.by_slug: dict[str, Term] = {}
        self.by_key: dict[str, tuple[Term, str]] = {}
        for term in Term.objects.order_by("pk"):
            self.by_slug[term.slug] = term
            labels = [
                ("name", term.name),
                ("abbreviation", term.abbreviation),
                *((f"alias {alias!r}", str(alias)) for alias in term.aliases),
            ]
            for how, label in labels:
                key = search_text.compact(label)
                if len(key) > 1:
                    self.by_key.setdefault(key, (term, how))

    def match(self, data: TermData) -> tuple[Term, str] | None:
        if data.slug in self.by_slug:
            return self.by_slug[data.slug], "slug"
        for label in (data.name, data.abbreviation):
            found = self.by_key.get(search_text.compact(label)) if label else None
            if found is not None:
                return found
        return None


def _differences(before: dict, after: dict) -> list[tuple[str, str, str]]:
    return [
        (name, str(before[name]), str(after[name]))
        for name in before
        if before[name] != after[name]
    ]


def _data_fields(data: TermData) -> dict:
    return {name: getattr(data, name) for name in SNAPSHOT_FIELDS}


def glossary_import_items(
    *,
    items: list[Item],
    fmt: str,
    category: str,
    dry_run: bool,
    update: bool | Iterable[str] = False,
    actor: str = "",
    user: object | None = None,
    filename: str = "",
) -> ImportReport:
    """Create new terms; existing ones change only when listed in `update`; all or nothing.

    `update` is True (every conflict) or the slugs of the existing terms to replace.
    """
    if category not in Category.values:
        raise ParseError([(1, f"unknown category {category!r}")])
    report = ImportReport(dry_run=dry_run)
    planned = _plan(items, fmt, category, report)
    allowed = None if update is True else {slug.strip() for slug in (update or []) if slug}
    matcher = _Matcher()
    conflicting: set[str] = set()
    taken: dict[str, int] = {}  # existing slug -> the line that matched it
    with transaction.atomic():
        for data, line in planned:
            found = matcher.match(data)
            if found is None:
                term, _ = term_upsert(data=data)
                report.created.append(term.name)
                report.changes.append((term.slug, None, term_snapshot(term)))
                matcher.by_slug[term.slug] = term
                continue
            existing, how = found
            if existing.slug in taken:  # "RNN" and "Recurrent neural network" in one file
                report.skipped.append(
                    f"{data.name} (line {line}: also matches '{existing.name}', "
                    f"already matched by line {taken[existing.slug]})"
                )
                continue
            taken[existing.slug] = line
            before = term_snapshot(existing)
            merged = _merged(existing, data)
            differences = _differences(before, _data_fields(merged))
            if not differences:
                report.skipped.append(f"{data.name} (unchanged: same as '{existing.name}')")
                continue
            conflicting.add(existing.slug)
            if allowed is not None and existing.slug not in allowed:
                report.conflicts.append(
                    Conflict(line, data.name, existing.slug, existing.name, how, differences)
                )
                report.skipped.append(
                    f"{data.name} (line {line}: conflicts with '{existing.name}' "
                    f"[{existing.slug}], matched by {how}; left unchanged)"
                )
                continue
            term, _ = term_upsert(data=merged)
            report.updated.append(term.name)
            report.changes.append((term.slug, before, term_snapshot(term)))
        if allowed:
            report.unused_updates = sorted(allowed - conflicting)
        term_refresh_search_vectors(slugs=[slug for slug, _, _ in report.changes])
        if dry_run:
            transaction.set_rollback(True)
        elif report.changes:
            record = record_import(
                target=ImportRecord.Target.GLOSSARY,
                filename=filename,
                actor=actor,
                user=user,
                summary=str(report),
                changes=[
                    {
                        "action": "updated" if before else "created",
                        "key": slug,
                        "before": before,
                        "after": after,
                    }
                    for slug, before, after in report.changes
                ],
            )
            report.record_id = record.pk
    if not dry_run and report.changes:
        term_index_invalidate()
    return report
