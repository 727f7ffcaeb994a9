"""The record of every import (ImportRecord) and undoing one. A services module.

An import writes one ImportRecord in its own transaction, listing each term (or deck card) it
created or changed with the values before and after. Undo puts the "before" values back and
deletes what the import created, all or nothing; it refuses when something was edited after
the import (its current values are no longer the recorded "after"), unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import hooks
from .models import ImportRecord, Term
from .services import TermData, term_index_invalidate, term_refresh_search_vectors, term_upsert

# What an import can change on a term, and so what a record keeps of it.
SNAPSHOT_FIELDS = (
    "name",
    "abbreviation",
    "aliases",
    "definition",
    "explanation",
    "category",
    "formula",
)
CARD_FIELDS = ("front", "back", "topic")


def term_snapshot(term: Term) -> dict[str, Any]:
    return {name: getattr(term, name) for name in SNAPSHOT_FIELDS}


def card_snapshot(card: Any) -> dict[str, Any]:
    return {name: getattr(card, name) for name in CARD_FIELDS}


def record_import(
    *,
    target: str,
    filename: str,
    actor: str,
    user: Any = None,
    summary: str,
    changes: list[dict[str, Any]],
    deck_slug: str = "",
) -> ImportRecord:
    if not actor and user is not None:
        actor = getattr(user, "get_username", lambda: "")()
    return ImportRecord.objects.create(
        target=target,
        filename=filename[:255],
        actor=(actor or "unknown")[:150],
        user=user if getattr(user, "pk", None) else None,
        summary=summary[:300],
        changes=changes,
        deck_slug=deck_slug,
    )


@dataclass
class UndoReport:
    record: ImportRecord
    deleted: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    drifted: list[str] = field(default_factory=list)  # edited since the import (forced)

    def __str__(self) -> str:
        return (
            f"undid import {self.record.pk} ({self.record.filename}): deleted "
            f"{len(self.deleted)}, restored {len(self.restored)}"
        )


class UndoRefused(ValueError):
    """The import cannot be undone as asked; the message says why."""


def _term_drift(change: dict[str, Any]) -> str | None:
    term = Term.objects.filter(slug=change["key"]).first()
    current = term_snapshot(term) if term else None
    return None if current == change["after"] else change["key"]


def _undo_glossary(record: ImportRecord, report: UndoReport) -> None:
    touched = []
    for change in reversed(record.changes):
        slug = change["key"]
        if change["action"] == "created":
            Term.objects.filter(slug=slug).delete()
            report.deleted.append(slug)
        elif change["action"] == "updated":
            term_upsert(data=TermData(slug=slug, **change["before"]))
            report.restored.append(slug)
            touched.append(slug)
    term_refresh_search_vectors(slugs=touched)
    transaction.on_commit(term_index_invalidate)


def import_undo(*, record_id: int, actor: str, force: bool = False) -> UndoReport:
    """Undo one recorded import, all or nothing; see the module docstring."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().filter(pk=record_id).first()
        if record is None:
            raise UndoRefused(f"no import with id {record_id}")
        if record.undone_at is not None:
            raise UndoRefused(
                f"import {record_id} was already undone on {record.undone_at:%Y-%m-%d %H:%M} "
                f"by {record.undone_by}"
            )
        report = UndoReport(record=record)
        if record.target == ImportRecord.Target.GLOSSARY:
            drifted = [_term_drift(c) for c in record.changes]
        else:
            drifted = list(hooks.deck_undo().drifted(record))
        report.drifted = [key for key in drifted if key]
        if report.drifted and not force:
            raise UndoRefused(
                f"import {record_id}: changed since the import, so undo would lose those edits: "
                f"{', '.join(report.drifted)} (use --force to undo anyway)"
            )
        if record.target == ImportRecord.Target.GLOSSARY:
            _undo_glossary(record, report)
        else:
            hooks.deck_undo().undo(record, report)
        record.undone_at, record.undone_by = timezone.now(), (actor or "unknown")[:150]
        record.save(update_fields=["undone_at", "undone_by"])
    return report
