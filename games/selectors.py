"""Reads for games: what a set holds, a student's own rounds, best times and the progress panel."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404

from dlplatform.accounts.models import User
from flashcards import selectors as flashcard_selectors
from flashcards.models import Deck
from glossary.models import Term
from lessons.models import Section

from .models import Game, Outcome, Round

MIN_ITEMS = 3  # a set with fewer pairs or terms is not offered


class SetError(ValueError):
    """The set named does not exist or holds too little to play."""


@dataclass(frozen=True)
class Item:
    label: str  # the term (Match: a card's front)
    text: str  # its definition (Match: a card's back)
    term_id: int | None = None
    card_id: int | None = None
    href: str = ""  # the term's glossary page
    clue: str = ""  # Recall sprint: the definition with the term's own names blanked


@dataclass
class GameSet:
    key: str
    title: str
    pairs: list[Item] = field(default_factory=list)  # for Match
    terms: list[Item] = field(default_factory=list)  # for Recall sprint: terms only


def _term_items(terms: QuerySet[Term]) -> list[Item]:
    chosen = [t for t in terms.exclude(definition="").order_by("name")]
    cards = flashcard_selectors.term_cards(terms=chosen)
    return [
        Item(
            label=t.name,
            text=t.definition,
            term_id=t.pk,
            card_id=cards[t.pk].pk if t.pk in cards else None,
            href=t.get_absolute_url(),
            clue=masked(t.definition, [t.name, t.abbreviation, *map(str, t.aliases or [])]),
        )
        for t in chosen
    ]


def _deck_terms(deck: Deck) -> QuerySet[Term]:
    if deck.section_id:
        return Term.objects.filter(sections=deck.section_id)
    return (
        Term.objects.filter(category=deck.glossary_category)
        if deck.glossary_category
        else Term.objects.none()
    )


def game_set(key: str) -> GameSet:
    """The set named "section:<number>" (its key terms) or "deck:<slug>" (its cards to match;
    the terms of its section or glossary category to recall)."""
    kind, _, ref = key.partition(":")
    if kind == "section":
        section = Section.objects.filter(number=ref).first()
        if section is None:
            raise SetError("No such section.")
        items = _term_items(Term.objects.filter(sections=section))
        return GameSet(key=key, title=f"{section.number} {section.title}", pairs=items, terms=items)
    if kind == "deck":
        deck = Deck.objects.select_related("section").filter(slug=ref).first()
        if deck is None:
            raise SetError("No such deck.")
        pairs = [Item(label=c.front, text=c.back, card_id=c.pk) for c in deck.cards.all()]
        return GameSet(key=key, title=deck.title, pairs=pairs, terms=_term_items(_deck_terms(deck)))
    raise SetError("Choose a section or a deck.")


@dataclass(frozen=True)
class SetChoice:
    key: str
    title: str


def set_choices() -> list[SetChoice]:
    """Sections with enough defined key terms, then decks with enough cards, for the index form."""
    sections = Section.objects.annotate(n=Count("terms", filter=~Q(terms__definition=""))).filter(
        n__gte=MIN_ITEMS
    )
    decks = Deck.objects.annotate(n=Count("cards")).filter(n__gte=MIN_ITEMS)
    return [SetChoice(f"section:{s.number}", f"Section {s.number} {s.title}") for s in sections] + [
        SetChoice(f"deck:{d.slug}", f"Deck: {d.title}") for d in decks
    ]


def round_for_user(*, user: User, pk: str) -> Round:
    """The user's own round; anyone else's (or a malformed id) is a 404."""
    try:
        round_id = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Http404("No such round.") from exc
    found = Round.objects.filter(user=user, pk=round_id).first()
    if found is None:
        raise Http404("No such round.")
    return found


def best_time_ms(*, user: User, set_key: str, before: datetime | None = None) -> int | None:
    rounds = Round.objects.filter(
        user=user, game=Game.MATCH, set_key=set_key, time_ms__isnull=False
    )
    if before is not None:
        rounds = rounds.filter(finished_at__lt=before)
    return rounds.aggregate(best=Min("time_ms"))["best"]


@dataclass(frozen=True)
class Best:
    set_key: str
    set_title: str
    game: str
    best: int  # Match: fewest ms; Recall sprint: most terms right
    played: int
    last: datetime


def personal_bests(*, user: User) -> list[Best]:
    """One row per game and set the user finished: best time or score, rounds, last played."""
    rows = (
        Round.objects.filter(user=user, finished_at__isnull=False)
        .values("game", "set_key")
        .annotate(
            fastest=Min("time_ms"),
            top=Max("score"),
            played=Count("id"),
            last=Max("finished_at"),
            title=Max("set_title"),
        )  # fmt: skip
        .order_by("-last")
    )
    return [
        Best(
            set_key=r["set_key"],
            set_title=r["title"],
            game=r["game"],
            played=r["played"],
            best=r["fastest"] if r["game"] == Game.MATCH else r["top"],
            last=r["last"],
        )  # fmt: skip
        for r in rows
    ]


def missed_outcomes(*, round: Round) -> list[Outcome]:
    return list(round.outcomes.filter(correct=False).select_related("term"))


@dataclass
class ProgressPanel:
    bests: list[Best]
    rounds: int
    answers: int
    right: int

    @property
    def share_right(self) -> float | None:
        return self.right / self.answers if self.answers else None


def progress_panel(*, user: User, now: datetime, days: int = 30) -> ProgressPanel:
    """The games' part of the study history page (flashcards.hooks): the last `days` days."""
    since = now - timedelta(days=days)
    outcomes = Outcome.objects.filter(round__user=user, answered_at__gte=since).aggregate(
        n=Count("id"), right=Count("id", filter=Q(correct=True))
    )
    rounds = Round.objects.filter(user=user, finished_at__gte=since).count()
    return ProgressPanel(
        bests=personal_bests(user=user)[:8], rounds=rounds,
        answers=outcomes["n"], right=outcomes["right"],
    )  # fmt: skip


_WORD_EDGE = r"(?<![0-9A-Za-z]){}(?![0-9A-Za-z])"


def masked(text: str, names: list[str]) -> str:
    """`text` with the term's own names blanked, so a definition does not give its term away."""
    for name in sorted((n for n in names if n), key=len, reverse=True):
        text = re.sub(_WORD_EDGE.format(re.escape(name)), "___", text, flags=re.IGNORECASE)
    return text
