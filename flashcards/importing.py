"""Plain-text items (parsed by glossary/textformats.py) into a flashcard deck.

The glossary's import form and `import_content --deck` reach this through glossary/hooks.py
(registered in apps.py): the glossary sits below flashcards and does not import it.
"""

from __future__ import annotations

from django.db import transaction

from glossary.textformats import Item

from .models import Deck
from .services import ImportSummary, deck_import_cards


def deck_import_items(*, deck_slug: str, items: list[Item], dry_run: bool) -> ImportSummary:
    """Import (front, back) pairs into the deck `deck_slug`; all or nothing."""
    deck = Deck.objects.filter(slug=deck_slug).first()
    if deck is None:
        raise LookupError(f"no deck with slug {deck_slug!r}")
    with transaction.atomic():
        return deck_import_cards(
            deck=deck, cards=[(item.front, item.back) for item in items], dry_run=dry_run
        )
