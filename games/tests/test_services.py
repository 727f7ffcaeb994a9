"""Match and Recall sprint services: pairing checked on the server, penalty seconds, best time,
the sprint's deadline, and the review each result records in the flashcards' FSRS schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from flashcards import selectors as flashcard_selectors
from flashcards import services as flashcard_services
from flashcards.models import Rating, ReviewLog, ReviewState
from games import selectors, services
from games.models import Outcome

pytestmark = pytest.mark.django_db


def _pairs(round):
    """The test's own view of the hidden pairing: pair index -> (term token, definition token)."""
    by_pair: dict[int, dict[str, str]] = {}
    for token, (index, side) in round.state["tiles"].items():
        by_pair.setdefault(index, {})[side] = token
    return {i: (sides["term"], sides["definition"]) for i, sides in by_pair.items()}


def _match(student, now):
    game_set = selectors.game_set("section:9.9")
    return services.match_start(user=student, game_set=game_set, now=now)


def _play_perfectly(round, now, step_s=2.0):
    at = now
    for term, definition in _pairs(round).values():
        at += timedelta(seconds=step_s)
        result = services.match_pick(round=round, first=term, second=definition, now=at)
    return result, at


def test_a_match_round_has_six_pairs_under_opaque_tokens(student, game_course):
    now = timezone.now()
    round = _match(student, now)
    tiles = services.match_tiles(round)
    assert len(tiles) == 12 and round.total == 6
    assert {t["side"] for t in tiles} == {"term", "definition"}
    assert set(tiles[0]) == {"token", "side", "text", "matched"}
    other = _match(student, now)
    assert not set(round.state["tiles"]) & set(other.state["tiles"])  # fresh tokens per round
    # No fixed layout gives pairs away: over a few rounds a term and its definition do not keep
    # the same distance in the page order.
    gaps = set()
    for _ in range(8):
        r = _match(student, now)
        order = r.state["order"]
        gaps |= {order.index(d) - order.index(t) for t, d in _pairs(r).values()}
    assert len(gaps) > 3


def test_right_and_wrong_picks_penalty_and_server_time(student, game_course):
    start = timezone.now()
    round = _match(student, start)
    pairs = list(_pairs(round).values())
    wrong = services.match_pick(round=round, first=pairs[0][0], second=pairs[1][1], now=start)
    assert not wrong.correct and wrong.wrong == 1 and wrong.matched == 0
    at = start
    for term, definition in pairs:
        at += timedelta(seconds=3)
        result = services.match_pick(round=round, first=term, second=definition, now=at)
        assert result.correct
    assert result.finished and result.matched == 6
    round.refresh_from_db()
    assert round.finished_at == at
    assert round.time_ms == 18_000 + 1_000  # six picks 3 s apart, one penalty second


@pytest.mark.parametrize("case", ["unknown", "same", "two_terms", "matched", "not_text"])
def test_bad_picks_are_refused_with_the_field(student, game_course, case):
    now = timezone.now()
    round = _match(student, now)
    pairs = list(_pairs(round).values())
    services.match_pick(round=round, first=pairs[0][0], second=pairs[0][1], now=now)
    first, second, field = {
        "unknown": ("nope", pairs[1][1], "first"),
        "same": (pairs[1][0], pairs[1][0], "second"),
        "two_terms": (pairs[1][0], pairs[2][0], "second"),
        "matched": (pairs[1][0], pairs[0][1], "second"),
        "not_text": (pairs[1][0], ["x"], "second"),
    }[case]
    with pytest.raises(services.GameError) as caught:
        services.match_pick(round=round, first=first, second=second, now=now)
    assert caught.value.field == field
    round.refresh_from_db()
    assert round.wrong == 0 and round.score == 1


def test_a_finished_round_takes_no_more_picks(student, game_course):
    now = timezone.now()
    round = _match(student, now)
    _play_perfectly(round, now)
    term, definition = _pairs(round)[0]
    with pytest.raises(services.GameError):
        services.match_pick(round=round, first=term, second=definition, now=now)


def test_best_time_is_the_fastest_finished_round(student, other_student, game_course):
    now = timezone.now()
    _play_perfectly(_match(student, now), now, step_s=5)
    fast = _match(student, now)
    _play_perfectly(fast, now, step_s=1)
    _play_perfectly(_match(student, now), now, step_s=4)
    _play_perfectly(_match(other_student, now), now, step_s=0.5)
    _match(student, now)  # unfinished: no time
    fast.refresh_from_db()
    assert selectors.best_time_ms(user=student, set_key="section:9.9") == fast.time_ms == 6000
    (best,) = selectors.personal_bests(user=student)
    assert (best.game, best.best, best.played) == ("match", 6000, 3)


def _card(game_course, slug):
    term = game_course["terms"][slug]
    return flashcard_selectors.term_cards(terms=[term])[term.pk]


def test_match_reviews_fast_good_slow_hard_missed_again(student, game_course):
    now = timezone.now()
    round = _match(student, now)
    labels = {i: p["label"] for i, p in enumerate(round.state["pairs"])}
    slugs = {t.name: slug for slug, t in game_course["terms"].items()}
    # The student already studies every card, so every pair reschedules its card.
    for index in labels:
        card = _card(game_course, slugs[labels[index]])
        flashcard_services.review_card(
            user=student, card=card, rating=3, now=now - timedelta(days=9)
        )
    pairs = _pairs(round)
    services.match_pick(round=round, first=pairs[0][0], second=pairs[1][1], now=now)  # 0, 1 missed
    at = now
    for index, (term, definition) in pairs.items():
        at += timedelta(seconds=30 if index == 2 else 2)  # pair 2 comes slowly
        services.match_pick(round=round, first=term, second=definition, now=at)
    ratings = {o.label: o.rating for o in Outcome.objects.filter(round=round)}
    assert ratings[labels[0]] == ratings[labels[1]] == Rating.AGAIN
    assert ratings[labels[2]] == Rating.HARD
    assert {ratings[labels[i]] for i in (3, 4, 5)} == {Rating.GOOD}
    for outcome in Outcome.objects.filter(round=round):
        assert outcome.review is not None
        assert (outcome.review.card_id, outcome.review.rating) == (outcome.card_id, outcome.rating)
        assert outcome.review.reviewed_at > now


def test_a_card_never_studied_is_scheduled_only_by_a_miss(student, game_course):
    now = timezone.now()
    round = _match(student, now)
    pairs = _pairs(round)
    services.match_pick(round=round, first=pairs[0][0], second=pairs[1][1], now=now)
    _play_perfectly(round, now)
    reviewed = set(ReviewLog.objects.filter(user=student).values_list("rating", flat=True))
    assert reviewed == {Rating.AGAIN}
    missed = {o.card_id for o in Outcome.objects.filter(round=round, correct=False)}
    assert len(missed) == 2
    assert set(ReviewState.objects.filter(user=student).values_list("card_id", flat=True)) == missed
    assert Outcome.objects.filter(round=round, correct=True, review__isnull=True).count() == 4


def _sprint(student, now):
    return services.recall_start(user=student, game_set=selectors.game_set("section:9.9"), now=now)


def _current(round):
    round.refresh_from_db()
    return round.state["prompts"][round.state["index"]]


def test_recall_checks_with_the_glossary_search_typos_included(student, game_course):
    now = timezone.now()
    round = _sprint(student, now)
    assert round.deadline == now + timedelta(seconds=60)
    prompt = _current(round)
    assert prompt["label"] not in services.recall_prompt(round)  # the definition hides its name
    answers = {
        "Gradient Descent": "gradient decent", "Learning Rate": "lerning rate",
        "Overfitting": "overfiting", "Dropout": "drop out", "Batch Normalization": "bn",
        "Epoch": "epoch", "Softmax": "sofmax",
    }  # fmt: skip
    for i in range(7):
        prompt = _current(round)
        result = services.recall_answer(
            round=round, answer=answers[prompt["label"]], now=now + timedelta(seconds=i)
        )
        assert result.counted and result.correct, prompt["label"]
    assert result.finished and result.score == 7 and result.next_prompt is None


def test_a_wrong_answer_is_a_miss_reviewed_again(student, game_course):
    now = timezone.now()
    round = _sprint(student, now)
    prompt = _current(round)
    wrong = "softmax" if prompt["label"] != "Softmax" else "epoch"
    result = services.recall_answer(round=round, answer=wrong, now=now + timedelta(seconds=1))
    assert result.counted and not result.correct and result.term == prompt["label"]
    assert result.href == f"/glossary/{game_course['terms'][_slug(game_course, prompt)].slug}/"
    skipped = _current(round)
    services.recall_answer(round=round, answer="", now=now + timedelta(seconds=2))
    logs = ReviewLog.objects.filter(user=student).order_by("reviewed_at")
    assert [(log.card_id, log.rating) for log in logs] == [
        (prompt["card"], Rating.AGAIN), (skipped["card"], Rating.AGAIN)
    ]  # fmt: skip
    assert [o.label for o in selectors.missed_outcomes(round=round)] == [
        prompt["label"], skipped["label"]
    ]  # fmt: skip


def _slug(game_course, prompt):
    return next(s for s, t in game_course["terms"].items() if t.pk == prompt["term"])


def test_a_right_answer_on_a_studied_card_is_good(student, game_course):
    now = timezone.now()
    round = _sprint(student, now)
    prompt = _current(round)
    card = _card(game_course, _slug(game_course, prompt))
    flashcard_services.review_card(user=student, card=card, rating=3, now=now - timedelta(days=5))
    services.recall_answer(round=round, answer=prompt["label"], now=now + timedelta(seconds=1))
    log = ReviewLog.objects.filter(user=student).order_by("-reviewed_at").first()
    assert (log.card_id, log.rating, log.reviewed_at) == (
        card.pk,
        Rating.GOOD,
        now + timedelta(seconds=1),
    )


def test_the_sprint_ends_at_sixty_seconds_on_the_server(student, game_course):
    now = timezone.now()
    round = _sprint(student, now)
    prompt = _current(round)
    # Within the grace second a last answer still counts.
    inside = services.recall_answer(
        round=round, answer=prompt["label"], now=now + timedelta(seconds=60.5)
    )
    assert inside.counted and inside.correct and not inside.finished
    late = services.recall_answer(
        round=round, answer=_current(round)["label"], now=now + timedelta(seconds=62)
    )
    assert not late.counted and late.finished and late.score == 1
    round.refresh_from_db()
    assert round.finished_at == round.deadline and round.total == 1
    with pytest.raises(services.GameError):
        services.recall_answer(round=round, answer="epoch", now=now + timedelta(seconds=63))


def test_an_unanswered_sprint_expires_when_looked_at(student, game_course):
    now = timezone.now()
    round = _sprint(student, now)
    services.round_expire(round=round, now=now + timedelta(seconds=30))
    assert not round.is_finished
    services.round_expire(round=round, now=now + timedelta(seconds=60))
    assert round.is_finished and round.score == 0 and round.finished_at == round.deadline


def test_an_overlong_answer_is_refused(student, game_course):
    round = _sprint(student, timezone.now())
    with pytest.raises(services.GameError) as caught:
        services.recall_answer(round=round, answer="x" * 101, now=timezone.now())
    assert caught.value.field == "answer"


def test_sets_and_their_errors(game_course):
    deck = selectors.game_set("deck:glossary-fundamentals")
    assert len(deck.pairs) == 7 and len(deck.terms) == 7 and all(p.card_id for p in deck.pairs)
    keys = {c.key for c in selectors.set_choices()}
    assert {"section:9.9", "deck:glossary-fundamentals"} <= keys
    for bad in ["", "section:0.0", "deck:nope", "lesson:9.9", "section"]:
        with pytest.raises(selectors.SetError):
            selectors.game_set(bad)


def test_masking_hides_the_name_and_abbreviation():
    text = "Batch normalization (BN) rescales; BNs aside, a bank is not hidden."
    assert selectors.masked(text, ["Batch Normalization", "BN"]) == (
        "___ (___) rescales; BNs aside, a bank is not hidden."
    )
