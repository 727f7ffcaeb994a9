"""What the lessons add to the glossary (glossary/hooks.py): the sections that use a term.

Search counts a term's sections (the course leaning on a term ranks it higher among equals),
and the term page lists them under "Used in".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary import hooks

from .models import Section

if TYPE_CHECKING:
    from glossary.models import Term


def sections_using(term: Term) -> list[Section]:
    return list(Section.objects.filter(terms=term).select_related("chapter"))


def register() -> None:
    hooks.register_term_uses(
        hooks.TermUses(
            table=Section.terms.through._meta.db_table,
            term_column="term_id",
            template="lessons/_term_sections.html",
            uses=sections_using,
        )
    )
