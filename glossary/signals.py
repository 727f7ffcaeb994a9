"""Any change to a term rebuilds its search keys and drops link_terms' cached index (admin
edits, imports, content loads)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Term
from .services import term_index_invalidate, term_refresh_search_keys


@receiver(post_save, sender=Term)
def _term_saved(sender: type[Term], instance: Term, created: bool, **kwargs: Any) -> None:
    term_refresh_search_keys(terms=[instance], created=created)
    term_index_invalidate()


@receiver(post_delete, sender=Term)
def _term_deleted(sender: type[Term], **kwargs: Any) -> None:
    term_index_invalidate()
