"""Twenty Match picks on one round at once, each its own request on its own database
connection: every pair counts once, the score, the penalty count, the outcomes and the FSRS
reviews agree, and no request fails with a 500."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from flashcards import selectors as flashcard_selectors
from flashcards import services as flashcard_services
from flashcards.models import ReviewLog, ReviewState
from games import selectors, services
from games.api import views as api_views
from games.models import Outcome, Round

pytestmark = pytest.mark.django_db(transaction=True)
PICKS = 20


def _pairs(round: Round) -> dict[int, tuple[str, str]]:
    by_pair: dict[int, dict[str, str]] = {}
    for token, (index, side) in round.state["tiles"].items():
        by_pair.setdefault(index, {})[side] = token
    return {i: (sides["term"], sides["definition"]) for i, sides in by_pair.items()}


def _study_every_card(student, game_course, round: Round) -> list[int]:
    """The student already studies each card, so every matched pair records a review."""
    by_name = {t.name: t for t in game_course["terms"].values()}
    terms = [by_name[p["label"]] for p in round.state["pairs"]]
    cards = flashcard_selectors.term_cards(terms=terms)
    past = timezone.now() - timedelta(days=9)
    for term in terms:
        flashcard_services.review_card(user=student, card=cards[term.pk], rating=3, now=past)
    return [cards[t.pk].pk for t in terms]


def _fire(student, round: Round, picks: list[tuple[str, str]]) -> list[tuple[int, dict]]:
    url = reverse("games-api:round-pick", args=[round.pk])
    clients = []
    for _ in picks:  # logged in before the race: the race is the picks, not the sessions
        client = Client()
        client.force_login(student)
        clients.append(client)
    barrier = threading.Barrier(len(picks))
    results: list[tuple[int, dict]] = [(0, {})] * len(picks)

    def pick(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            first, second = picks[i]
            response = clients[i].post(
                url, {"first": first, "second": second}, content_type="application/json"
            )
            results[i] = (response.status_code, response.json())
        finally:
            connection.close()  # each thread's own connection, closed before the test's flush

    threads = [threading.Thread(target=pick, args=(i,)) for i in range(len(picks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_twenty_concurrent_picks_count_each_pair_once(student, game_course, monkeypatch):
    monkeypatch.setattr(api_views, "MOVE_LIMIT", 1000)  # every pick reaches the service
    round = services.match_start(
        user=student, game_set=selectors.game_set("section:9.9"), now=timezone.now()
    )
    cards = _study_every_card(student, game_course, round)
    pairs = _pairs(round)
    # each pair sent three times at once, and two wrong picks among them
    picks = [pair for pair in pairs.values() for _ in range(3)]
    picks += [(pairs[0][0], pairs[1][1]), (pairs[2][0], pairs[3][1])]
    random.Random(7).shuffle(picks)
    assert len(picks) == PICKS
    results = _fire(student, round, picks)

    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {200, 400}, results
    right = [body for status, body in results if status == 200 and body["correct"]]
    wrong = [body for status, body in results if status == 200 and not body["correct"]]
    assert len(right) == 6  # each pair once; its duplicates were told it is matched
    refused = [body for status, body in results if status == 400]
    assert len(refused) == PICKS - 6 - len(wrong)
    assert all({"first", "second", "round"} & set(body) for body in refused), refused
    assert sum(b["finished"] for s, b in results if s == 200) == 1  # one pick finished it
    round.refresh_from_db()
    assert round.is_finished and round.score == round.total == 6
    assert round.wrong == len(wrong)
    assert sorted(round.state["matched"]) == list(range(6))
    elapsed = (round.finished_at - round.started_at).total_seconds() * 1000
    assert round.time_ms == int(elapsed) + round.wrong * services.PENALTY_MS
    # one outcome and one review per pair, on the pair's own card
    outcomes = list(Outcome.objects.filter(round=round))
    assert sorted(o.card_id for o in outcomes) == sorted(cards)
    assert all(o.review is not None and o.review.card_id == o.card_id for o in outcomes)
    per_card = Counter(ReviewLog.objects.filter(user=student).values_list("card_id", flat=True))
    assert per_card == dict.fromkeys(cards, 2)  # the study review before, and the game's
    reps = dict(ReviewState.objects.filter(user=student).values_list("card_id", "reps"))
    assert reps == dict.fromkeys(cards, 2)
