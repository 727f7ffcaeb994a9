"""What the apps above the glossary add to it, without the glossary importing them.

Imports point one way (CONTRIBUTING.md): dlplatform <- glossary <- lessons <- (flashcards,
quizzes) <- playground. The glossary still ranks the terms the course leans on higher, lists on a
term's page where the course uses it, and imports text into a flashcard deck; the apps that own
those things register them here from their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .textformats import Item


@dataclass(frozen=True)
class TermUses:
    """Where an app uses terms: the table linking its rows to terms, which search counts (a term
    used more ranks higher among equals), and a panel on the term page: `template` is included
    with `uses(term)` as `panel` in its context."""

    table: str
    term_column: str
    template: str
    uses: Callable[[Any], object]


class DeckImporter(Protocol):
    def __call__(
        self,
        *,
        deck_slug: str,
        items: list[Item],
        dry_run: bool,
        actor: str = "",
        user: object | None = None,
        filename: str = "",
    ) -> Any: ...


@dataclass(frozen=True)
class DeckUndo:
    """How the deck owner undoes a recorded deck import (glossary.import_log calls it):
    `drifted(record)` lists the cards edited since the import, `undo(record, report)` reverts."""

    drifted: Callable[[Any], list[str]]
    undo: Callable[[Any, Any], None]


_term_uses: list[TermUses] = []
_deck_importer: list[DeckImporter] = []
_deck_undo: list[DeckUndo] = []


def register_term_uses(uses: TermUses) -> None:
    if uses not in _term_uses:
        _term_uses.append(uses)


def term_uses() -> tuple[TermUses, ...]:
    return tuple(_term_uses)


def register_deck_importer(importer: DeckImporter) -> None:
    _deck_importer[:] = [importer]


def deck_importer() -> DeckImporter:
    """The registered importer of (front, back) items into a deck (flashcards.importing)."""
    if not _deck_importer:
        raise LookupError("no installed app imports flashcard decks")
    return _deck_importer[0]


def register_deck_undo(entry: DeckUndo) -> None:
    _deck_undo[:] = [entry]


def deck_undo() -> DeckUndo:
    if not _deck_undo:
        raise LookupError("no installed app undoes flashcard deck imports")
    return _deck_undo[0]
