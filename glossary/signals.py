"""Any change to a term drops link_terms' cached index (admin edits, imports, content loads)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Term
from .services import term_index_invalidate


@receiver(post_save, sender=Term)
@receiver(post_delete, sender=Term)
def _term_changed(sender: type[Term], **kwargs: Any) -> None:
    term_index_invalidate()
