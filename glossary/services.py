"""Writes to the glossary: upserts by slug, related links, search keys and vectors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchVector
from django.db.models import Func, TextField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from . import search_text
from .caches import term_index
from .models import SearchWord, Term, TermSearchKey

TERM_FIELDS = (
    "name",
    "abbreviation",
    "aliases",
    "definition",
    "explanation",
    "category",
    "formula",
)


@dataclass
class TermData:
    slug: str
    name: str
    definition: str
    category: str
    abbreviation: str = ""
    aliases: list[str] = field(default_factory=list)
    explanation: str = ""
    formula: str = ""


def _values(data: TermData) -> dict[str, object]:
    return {name: getattr(data, name) for name in TERM_FIELDS}


def _unchanged(term: Term, values: dict[str, object]) -> bool:
    return all(getattr(term, name) == value for name, value in values.items())


def term_upsert(*, data: TermData) -> tuple[Term, str]:
    """Create or update one term by slug; returns the term and "created" / "updated" / "unchanged"."""
    values = _values(data)
    term = Term.objects.filter(slug=data.slug).first()
    if term is None:
        return Term.objects.create(slug=data.slug, **values), "created"
    if _unchanged(term, values):
        return term, "unchanged"
    for name, value in values.items():
        setattr(term, name, value)
    term.save()
    return term, "updated"


def terms_upsert_many(*, items: list[TermData]) -> dict[str, tuple[Term, str]]:
    """`term_upsert` for many terms in a few queries however many there are (the bundled
    glossary, `make run`'s first start): by slug, each term with "created" / "updated" /
    "unchanged". Bulk writes send no post_save, so the search keys and vectors of what changed
    are rebuilt here, and the managers bump the term index (dlplatform/versioned.py)."""
    existing = Term.objects.in_bulk([data.slug for data in items], field_name="slug")
    now = timezone.now()
    done: dict[str, tuple[Term, str]] = {}
    new, changed = [], []
    for data in items:
        values, term = _values(data), existing.get(data.slug)
        if term is None:
            term = Term(slug=data.slug, **values)
            new.append(term)
            done[data.slug] = (term, "created")
        elif _unchanged(term, values):
            done[data.slug] = (term, "unchanged")
        else:
            for name, value in values.items():
                setattr(term, name, value)
            term.updated_at = now
            changed.append(term)
            done[data.slug] = (term, "updated")
    Term.objects.bulk_create(new, batch_size=500)
    Term.objects.bulk_update(changed, [*TERM_FIELDS, "updated_at"], batch_size=500)
    if new or changed:
        term_refresh_search_vectors(slugs=[term.slug for term in [*new, *changed]])
    return done


def terms_set_related(*, related: dict[Term, list[Term]]) -> int:
    """Each given term's related terms become exactly its list, as `term.related.set` would make
    them (links are symmetrical), written only where they differ; returns how many terms' links
    changed."""
    current = {
        term.pk: {other.pk for other in term.related.all()}
        for term in Term.objects.filter(pk__in=[t.pk for t in related]).prefetch_related("related")
    }
    changed = sum(
        current.get(t.pk, set()) != {o.pk for o in others} for t, others in related.items()
    )
    for term, others in related.items():
        wanted = {other.pk for other in others}
        had = current.get(term.pk, set())
        if gone := had - wanted:
            term.related.remove(*gone)
            for pk in gone:
                current.get(pk, set()).discard(term.pk)
        if missing := wanted - had:
            term.related.add(*missing)
            # A link added from one side exists on both: the other side's turn adds nothing.
            for pk in missing:
                current.setdefault(pk, set()).add(term.pk)
        current[term.pk] = wanted
    return changed


def term_refresh_search_vectors(*, slugs: Iterable[str] | None = None) -> int:
    """Rebuild what search reads: the keys, and the weighted full-text vector (name A,
    abbreviation/aliases B, definition C) over unaccented text."""
    terms = Term.objects.all() if slugs is None else Term.objects.filter(slug__in=list(slugs))
    term_refresh_search_keys(terms=list(terms.only("pk", "name", "abbreviation", "aliases")))
    vector = (
        SearchVector(_unaccent("name"), weight="A", config="english")
        + SearchVector(_unaccent("abbreviation"), weight="B", config="english")
        + SearchVector(
            _unaccent(Coalesce(Cast("aliases", TextField()), Value(""), output_field=TextField())),
            weight="B",
            config="english",
        )
        + SearchVector(_unaccent("definition"), weight="C", config="english")
    )
    return terms.update(search_vector=vector)


def _unaccent(expression: object) -> Func:
    return Func(expression, function="unaccent", output_field=TextField())


def term_search_keys(*, term: Term) -> list[TermSearchKey]:
    found = search_text.term_keys(
        name=term.name, abbreviation=term.abbreviation, aliases=term.aliases or []
    )
    return [
        TermSearchKey(term=term, kind=kind, key=key, compact=key.replace(" ", ""))
        for kind, key in found
    ]


def term_refresh_search_keys(*, terms: list[Term], created: bool = False) -> None:
    """Replace the search keys of `terms` and add their words to the vocabulary (three queries
    however many terms; two for new ones)."""
    if not created:
        TermSearchKey.objects.filter(term__in=terms).delete()
    keys = TermSearchKey.objects.bulk_create(
        key for term in terms for key in term_search_keys(term=term)
    )
    spelled = {key.key for key in keys if key.kind == TermSearchKey.Kind.WORD}
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(spelled)], ignore_conflicts=True
    )


def term_index_invalidate() -> None:
    """Every process rebuilds its term index, and whatever follows it, within CHECK_EVERY_S
    (bulk writes on terms do this themselves, see dlplatform/versioned.py)."""
    term_index.bump()
