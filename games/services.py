"""Writes for games: start a round, check a Match pick or a Recall answer, finish, record reviews.

Every time is the server's own (`now` from the view): the round is stamped when it is issued
and when its last pair is matched, so a client can neither post a time nor stretch the sprint.

Reviews (flashcards' FSRS): a pair matched with no wrong pick involving it is Good when it came
within FAST_MATCH_S of the previous match (or the start), Hard when slower; a pair involved in a
wrong pick is Again. A Recall answer is Good when right, Again when missed. A term reaches the
scheduler through its card in the glossary deck (flashcards.selectors.term_cards). When the
student has never studied that card, only a miss is recorded (it puts the card into their
reviews, due soon); a right answer leaves the card new rather than scheduling it for days on
the strength of one game. A term with no card records the game result only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from dlplatform.accounts.models import User
from flashcards import selectors as flashcard_selectors
from flashcards import services as flashcard_services
from flashcards.models import Card, Rating
from glossary import selectors as glossary_selectors

from .models import Game, Outcome, Round
from .selectors import MIN_ITEMS, GameSet, Item

MATCH_PAIRS = 6
PENALTY_MS = 1000
FAST_MATCH_S = 10.0
SPRINT_S = 60
# An answer sent in the last instant arrives a little after the deadline: it still counts.
SPRINT_GRACE_S = 1.0
SPRINT_PROMPTS = 40
MAX_ANSWER_LENGTH = 100
TERM, DEFINITION = "term", "definition"

_random = secrets.SystemRandom()


class GameError(ValueError):
    """Bad input for this round: `field` names what was wrong (a 400 on that field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _item_dict(item: Item) -> dict[str, Any]:
    return {"label": item.label, "text": item.text, "term": item.term_id, "card": item.card_id,
            "href": item.href, "clue": item.clue}  # fmt: skip


def match_start(*, user: User, game_set: GameSet, now: datetime) -> Round:
    """A round of up to six pairs: twelve tiles in random order, each named by a random token
    that says nothing about its pair (the pairing stays in `state`, on the server)."""
    if len(game_set.pairs) < MIN_ITEMS:
        raise GameError("set", "This set has too few pairs to play Match.")
    pairs = _random.sample(game_set.pairs, min(MATCH_PAIRS, len(game_set.pairs)))
    tiles = [(index, side) for index in range(len(pairs)) for side in (TERM, DEFINITION)]
    _random.shuffle(tiles)
    tokens = {secrets.token_urlsafe(9): tile for tile in tiles}
    state = {
        "pairs": [_item_dict(p) for p in pairs],
        "tiles": {token: list(tile) for token, tile in tokens.items()},
        "order": list(tokens),
        "matched": [],
        "missed": [],
        "match_times": {},
    }
    return Round.objects.create(
        user=user, game=Game.MATCH, set_key=game_set.key, set_title=game_set.title,
        started_at=now, total=len(pairs), state=state,
    )  # fmt: skip


def match_tiles(round: Round) -> list[dict[str, str]]:
    """What the page shows: token, side and text of each tile, in the round's random order."""
    pairs, tiles = round.state["pairs"], round.state["tiles"]
    shown = []
    for token in round.state["order"]:
        index, side = tiles[token]
        text = pairs[index]["label"] if side == TERM else pairs[index]["text"]
        done = index in round.state["matched"]
        shown.append({"token": token, "side": side, "text": text, "matched": done})
    return shown


@dataclass(frozen=True)
class PickResult:
    correct: bool
    tokens: tuple[str, str]
    matched: int
    total: int
    wrong: int
    finished: bool
    time_ms: int | None


def _locked(round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round.pk)


def _tile(state: dict[str, Any], token: str, field: str) -> tuple[int, str]:
    tile = state["tiles"].get(token) if isinstance(token, str) else None
    if tile is None:
        raise GameError(field, "Not a card of this round.")
    if tile[0] in state["matched"]:
        raise GameError(field, "That card is already matched.")
    return tile[0], tile[1]


def match_pick(*, round: Round, first: str, second: str, now: datetime) -> PickResult:
    """Check that `first` and `second` (tile tokens, one term and one definition) are a pair.
    A wrong pick adds a penalty second; the last pair stamps the finish and records reviews."""
    with transaction.atomic():
        locked = _locked(round)
        if locked.game != Game.MATCH or locked.is_finished:
            raise GameError("round", "This round is over.")
        state = locked.state
        if first == second:
            raise GameError("second", "Pick two different cards.")
        (a, side_a), (b, side_b) = _tile(state, first, "first"), _tile(state, second, "second")
        if side_a == side_b:
            raise GameError("second", "Pick one term and one definition.")
        correct = a == b
        if correct:
            state["matched"].append(a)
            state["match_times"][str(a)] = now.isoformat()
        else:
            locked.wrong += 1
            state["missed"] = sorted({*state["missed"], a, b})
        locked.score = len(state["matched"])
        if locked.score == locked.total:
            _match_finish(locked, now)
        locked.save()
    round.refresh_from_db()
    return PickResult(
        correct=correct, tokens=(first, second), matched=round.score, total=round.total,
        wrong=round.wrong, finished=round.is_finished, time_ms=round.time_ms,
    )  # fmt: skip


def _match_rating(state: dict[str, Any], index: int, started: datetime) -> Rating:
    if index in state["missed"]:
        return Rating.AGAIN
    times = sorted(datetime.fromisoformat(t) for t in state["match_times"].values())
    mine = datetime.fromisoformat(state["match_times"][str(index)])
    previous = max((t for t in times if t < mine), default=started)
    return Rating.GOOD if (mine - previous).total_seconds() <= FAST_MATCH_S else Rating.HARD


def _match_finish(round: Round, now: datetime) -> None:
    round.finished_at = now
    elapsed_ms = int((now - round.started_at).total_seconds() * 1000)
    round.time_ms = elapsed_ms + round.wrong * PENALTY_MS
    for index, pair in enumerate(round.state["pairs"]):
        rating = _match_rating(round.state, index, round.started_at)
        at = datetime.fromisoformat(round.state["match_times"][str(index)])
        _outcome(round=round, item=pair, correct=rating != Rating.AGAIN, rating=rating, at=at)


def _review(user: User, card_id: int | None, rating: Rating, at: datetime) -> Any:
    card = Card.objects.filter(pk=card_id).first() if card_id else None
    if card is None:
        return None
    if rating != Rating.AGAIN and not flashcard_selectors.has_review_state(user=user, card=card):
        return None  # a card never studied stays new on a right answer (see the module doc)
    return flashcard_services.review_card(user=user, card=card, rating=int(rating), now=at)


def _outcome(
    *, round: Round, item: dict[str, Any], correct: bool, rating: Rating, at: datetime,
    answer: str = "",
) -> Outcome:  # fmt: skip
    review = _review(round.user, item["card"], rating, at)
    return Outcome.objects.create(
        round=round, term_id=item["term"], card_id=item["card"], label=item["label"][:250],
        answer=answer, correct=correct, rating=rating, review=review, answered_at=at,
    )  # fmt: skip


def recall_start(*, user: User, game_set: GameSet, now: datetime) -> Round:
    """A 60-second sprint over the set's terms in random order; the deadline is the server's."""
    if len(game_set.terms) < MIN_ITEMS:
        raise GameError("set", "This set has too few terms for a Recall sprint.")
    prompts = _random.sample(game_set.terms, min(SPRINT_PROMPTS, len(game_set.terms)))
    return Round.objects.create(
        user=user, game=Game.RECALL, set_key=game_set.key, set_title=game_set.title,
        started_at=now, deadline=now + timedelta(seconds=SPRINT_S),
        state={"prompts": [_item_dict(p) for p in prompts], "index": 0},
    )  # fmt: skip


def recall_prompt(round: Round) -> str | None:
    """The definition to answer now, or None when the sprint is over."""
    prompts, index = round.state["prompts"], round.state["index"]
    if round.is_finished or index >= len(prompts):
        return None
    return prompts[index]["clue"] or prompts[index]["text"]


def _expired(round: Round, now: datetime) -> bool:
    assert round.deadline is not None
    return now > round.deadline + timedelta(seconds=SPRINT_GRACE_S)


def round_expire(*, round: Round, now: datetime) -> Round:
    """Finish a sprint whose minute is up (the page or the API asked after the deadline)."""
    # No grace here: the page's clock has run out, and the result must show at once.
    if (
        round.game == Game.RECALL
        and not round.is_finished
        and round.deadline
        and now >= round.deadline
    ):
        with transaction.atomic():
            locked = _locked(round)
            if not locked.is_finished:
                locked.finished_at = locked.deadline
                locked.save(update_fields=["finished_at"])
        round.refresh_from_db()
    return round


def is_right(*, answer: str, term_id: int | None) -> bool:
    """Right when the glossary search, typo-tolerant, ranks the asked term first for `answer`."""
    found = glossary_selectors.term_search(query=answer, limit=1)
    return bool(found) and found[0].pk == term_id


@dataclass(frozen=True)
class AnswerResult:
    counted: bool  # False: the answer came after the deadline
    correct: bool
    term: str
    href: str
    score: int
    answered: int
    finished: bool
    next_prompt: str | None


def recall_answer(*, round: Round, answer: str, now: datetime) -> AnswerResult:
    """Check the answer to the current prompt (an empty one is a skip, a miss) and move on."""
    if not isinstance(answer, str) or len(answer) > MAX_ANSWER_LENGTH:
        raise GameError("answer", f"An answer is text of at most {MAX_ANSWER_LENGTH} characters.")
    answer = " ".join(answer.split())
    with transaction.atomic():
        locked = _locked(round)
        if locked.game != Game.RECALL or locked.is_finished:
            raise GameError("round", "This sprint is over.")
        prompt = locked.state["prompts"][locked.state["index"]]
        counted = not _expired(locked, now)
        correct = counted and bool(answer) and is_right(answer=answer, term_id=prompt["term"])
        if counted:
            rating = Rating.GOOD if correct else Rating.AGAIN
            _outcome(round=locked, item=prompt, correct=correct, rating=rating, at=now,
                     answer=answer)  # fmt: skip
            locked.state["index"] += 1
            locked.total += 1
            locked.score += int(correct)
        if not counted or locked.state["index"] >= len(locked.state["prompts"]):
            locked.finished_at = min(now, locked.deadline) if locked.deadline else now
        locked.save()
    round.refresh_from_db()
    return AnswerResult(
        counted=counted, correct=correct, term=prompt["label"], href=prompt["href"],
        score=round.score, answered=round.total, finished=round.is_finished,
        next_prompt=recall_prompt(round),
    )  # fmt: skip
