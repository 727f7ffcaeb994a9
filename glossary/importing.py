"""Import parsed plain-text items (see textformats) into the glossary (decks: flashcards/importing.py).

This is a services module: keyword-only entry points, all or nothing in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from .models import Category, Term
from .services import TermData, term_index_invalidate, term_refresh_search_vectors, term_upsert
from .textformats import Item, ParseError

# "What is max pooling?" names a term; "When is a pipeline applied?" does not.
QUESTION_TERM = re.compile(
    r"^(?:what\s+(?P<verb>is|are)|define)\s+(?:an?\s+|the\s+)?(?P<name>.+?)\s*\??$", re.I
)
NAME_PARENS = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)$")


@dataclass
class ImportReport:
    dry_run: bool
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "name (why)"

    def __str__(self) -> str:
        prefix = "dry run, nothing saved: would have " if self.dry_run else ""
        return (
            f"{prefix}created {len(self.created)}, updated {len(self.updated)}, "
            f"skipped {len(self.skipped)}"
        )


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


def _plan(items: list[Item], fmt: str, category: str, report: ImportReport) -> list[TermData]:
    planned: dict[str, int] = {}
    errors: list[tuple[int, str]] = []
    result: list[TermData] = []
    for item in items:
        named = _item_term(item, fmt)
        if named is None:
            report.skipped.append(f"{item.front} (line {item.line}: not a 'What is ...?' question)")
            continue
        data = _term_data(item, *named, category)
        if not data.slug:
            errors.append((item.line, f"cannot make a slug from {named[0]!r}"))
        elif data.slug in planned:  # 001 lists "Feature Extraction" twice; keep the first
            repeat = f"line {item.line}: repeats line {planned[data.slug]}"
            report.skipped.append(f"{data.name} ({repeat})")
        else:
            planned[data.slug] = item.line
            result.append(data)
    if errors:
        raise ParseError(errors)
    return result


def glossary_import_items(
    *, items: list[Item], fmt: str, category: str, dry_run: bool
) -> ImportReport:
    """Upsert terms by slug (re-import updates, unchanged ones are skipped); all or nothing."""
    if category not in Category.values:
        raise ParseError([(1, f"unknown category {category!r}")])
    report = ImportReport(dry_run=dry_run)
    planned = _plan(items, fmt, category, report)
    existing = Term.objects.in_bulk([data.slug for data in planned], field_name="slug")
    with transaction.atomic():
        for data in planned:
            term, status = term_upsert(data=_merged(existing.get(data.slug), data))
            if status == "unchanged":
                report.skipped.append(f"{term.name} (unchanged)")
            else:
                (report.created if status == "created" else report.updated).append(term.name)
        term_refresh_search_vectors(slugs=[data.slug for data in planned])
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        term_index_invalidate()
    return report
