"""Load the bundled glossary (glossary/content/terms/*.yaml) idempotently, upserting by slug."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

from django.core.exceptions import ValidationError
from django.db import transaction

from dlplatform.yaml_io import load_yaml

from .models import Category, Term
from .services import (
    TermData,
    term_index_invalidate,
    term_refresh_search_vectors,
    terms_set_related,
    terms_upsert_many,
)

TERMS_DIR = Path(__file__).resolve().parent / "content" / "terms"
REQUIRED = ("slug", "name", "category", "definition")
OPTIONAL = ("abbreviation", "aliases", "explanation", "formula", "related")


class ContentError(ValidationError):
    """Bad bundled content; the message names the file and the slug."""


def _read_entries(paths: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    entries: list[tuple[Path, dict[str, Any]]] = []
    for path in paths:
        data = load_yaml(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ContentError(f"{path.name}: expected a list of terms")
        entries.extend((path, entry) for entry in data)
    return entries


def _check_entry(path: Path, entry: Any, seen: dict[str, Path]) -> None:
    if not isinstance(entry, dict):
        raise ContentError(f"{path.name}: every term must be a mapping, got {entry!r}")
    slug = entry.get("slug", "?")
    missing = [key for key in REQUIRED if not entry.get(key)]
    unknown = set(entry) - set(REQUIRED) - set(OPTIONAL)
    if missing or unknown:
        problem = f"missing {missing}" if missing else f"unknown keys {sorted(unknown)}"
        raise ContentError(f"{path.name}: term {slug!r}: {problem}")
    if entry["category"] not in Category.values:
        raise ContentError(f"{path.name}: term {slug!r}: unknown category {entry['category']!r}")
    if slug in seen:
        raise ContentError(f"{path.name}: duplicate slug {slug!r} (also in {seen[slug].name})")
    if not isinstance(entry.get("aliases", []), list) or not isinstance(
        entry.get("related", []), list
    ):
        raise ContentError(f"{path.name}: term {slug!r}: aliases and related must be lists")
    seen[slug] = path


def _check_related(entries: list[tuple[Path, dict[str, Any]]], known: set[str]) -> None:
    for path, entry in entries:
        for other in entry.get("related", []):
            if other not in known:
                raise ContentError(
                    f"{path.name}: term {entry['slug']!r}: related slug {other!r} does not exist"
                )


def _to_data(entry: dict[str, Any]) -> TermData:
    return TermData(
        slug=entry["slug"],
        name=str(entry["name"]).strip(),
        definition=str(entry["definition"]).strip(),
        category=entry["category"],
        abbreviation=str(entry.get("abbreviation") or "").strip(),
        aliases=[str(alias) for alias in entry.get("aliases", [])],
        explanation=str(entry.get("explanation") or "").strip(),
        formula=str(entry.get("formula") or "").strip(),
    )


def load(*, stdout: TextIO, directory: Path | None = None) -> str:
    """Validate every file first, then upsert in one transaction; returns a one-line summary."""
    paths = sorted((directory or TERMS_DIR).glob("*.yaml"))
    entries = _read_entries(paths)
    seen: dict[str, Path] = {}
    for path, entry in entries:
        _check_entry(path, entry, seen)
    known = set(seen) | set(Term.objects.values_list("slug", flat=True))
    _check_related(entries, known)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        done = terms_upsert_many(items=[_to_data(entry) for _, entry in entries])
        for _, status in done.values():
            counts[status] += 1
        # The keys of unchanged terms too: the rules that derive them (search_text.py) may have
        # changed since the last load (a few queries however many terms).
        term_refresh_search_vectors(
            slugs=[slug for slug, (_, status) in done.items() if status == "unchanged"]
        )
        _link_related(entries, {slug: term for slug, (term, _) in done.items()})
    term_index_invalidate()
    # load_content prints the summary line (once); this loader has no per-file lines of its own.
    return f"glossary: {len(entries)} terms from {len(paths)} files ({_fmt(counts)})"


def _link_related(entries: list[tuple[Path, dict[str, Any]]], terms: dict[str, Term]) -> None:
    # "related" is symmetrical: a link listed on either side must survive setting the other
    # side, so each term gets the union of what it lists and what lists it.
    closure: dict[str, set[str]] = {slug: set() for slug in terms}
    for _, entry in entries:
        for other in entry.get("related", []):
            closure[entry["slug"]].add(other)
            if other in closure:
                closure[other].add(entry["slug"])
    outside = {o for linked in closure.values() for o in linked} - set(terms)
    everything = {**terms, **{t.slug: t for t in Term.objects.filter(slug__in=outside)}}
    terms_set_related(
        related={
            term: [everything[o] for o in sorted(closure[slug])] for slug, term in terms.items()
        }
    )


def _fmt(counts: dict[str, int]) -> str:
    return ", ".join(f"{value} {key}" for key, value in counts.items())
