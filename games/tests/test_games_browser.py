"""Match and Recall sprint played in Chromium by keyboard only, to the end: the best time is
saved and each result is recorded as a flashcard review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flashcards import selectors as flashcard_selectors
from flashcards import services as flashcard_services
from flashcards.models import Rating, ReviewLog
from games import selectors
from games.models import Outcome, Round

pytestmark = pytest.mark.browser


def _active_token(page) -> str:
    return page.evaluate("document.activeElement.dataset.token || ''")


def _walk_to(page, order: list[str], token: str) -> None:
    """Arrow keys from the focused tile to `token` (matched tiles are skipped by the grid)."""
    for _ in range(40):
        here = _active_token(page)
        if here == token:
            return
        page.keyboard.press("ArrowRight" if order.index(token) > order.index(here) else "ArrowLeft")
    raise AssertionError(f"could not reach {token}")


def _start(page, live_server, button: str) -> None:
    page.goto(f"{live_server.url}/games/?set=section:9.9")
    page.locator("#set").focus()
    page.keyboard.press("Tab")  # to the Match button
    if button == "Recall sprint":
        page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_contain_text(button)
    page.keyboard.press("Enter")


def test_match_by_keyboard_to_a_personal_best(
    page, live_server, browser_login, student, game_course
):
    now = timezone.now()
    cards = flashcard_selectors.term_cards(terms=list(game_course["terms"].values()))
    for card in cards.values():  # studied before, so every pair reschedules its card
        flashcard_services.review_card(
            user=student, card=card, rating=3, now=now - timedelta(days=9)
        )
    browser_login(page, live_server, student)
    _start(page, live_server, "Match")
    page.wait_for_url("**/games/round/**")
    round = Round.objects.get(user=student, game="match")
    order = round.state["order"]
    pairs: dict[int, dict[str, str]] = {}
    for token, (index, side) in round.state["tiles"].items():
        pairs.setdefault(index, {})[side] = token

    expect(page.locator(".tile").first).to_be_focused()
    columns = page.evaluate(
        "getComputedStyle(document.getElementById('match-grid')).gridTemplateColumns.split(' ').length"
    )
    page.keyboard.press("ArrowDown")
    assert _active_token(page) == order[columns]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible

    # One wrong pick: the term of pair 0 with the definition of pair 1.
    _walk_to(page, order, pairs[0]["term"])
    page.keyboard.press("Enter")
    expect(page.locator("#match-status")).to_contain_text("Selected term")
    _walk_to(page, order, pairs[1]["definition"])
    page.keyboard.press("Space")
    expect(page.locator("#match-status")).to_contain_text("Not a pair")
    expect(page.locator("#match-penalty")).to_have_text("1")

    for done, sides in enumerate(pairs.values(), start=1):
        _walk_to(page, order, sides["term"])
        page.keyboard.press("Enter")
        _walk_to(page, order, sides["definition"])
        page.keyboard.press("Enter")
        if done < len(pairs):
            expect(page.locator("#match-count")).to_have_text(str(done))
            expect(page.locator("#match-status")).to_have_text(f"Pair matched. {done} of 6.")
            expect(page.locator(f'[data-token="{sides["term"]}"]')).to_be_disabled()
    page.wait_for_url("**/result/")
    expect(page.locator("#personal-best")).to_have_text("New personal best!")

    round.refresh_from_db()
    assert round.time_ms is not None and round.time_ms >= 1000 and round.wrong == 1
    assert selectors.best_time_ms(user=student, set_key="section:9.9") == round.time_ms
    assert f"{round.time_ms / 1000:.1f} s" in page.locator("#result-time").inner_text()
    ratings = {o.card_id: (o.rating, o.review_id) for o in Outcome.objects.filter(round=round)}
    missed = {round.state["pairs"][i]["card"] for i in (0, 1)}
    for card_id, (rating, review_id) in ratings.items():
        assert review_id is not None
        assert rating == Rating.AGAIN if card_id in missed else rating in (Rating.GOOD, Rating.HARD)
        assert ReviewLog.objects.get(pk=review_id).rating == rating
    assert page.js_errors == []


def test_recall_sprint_by_keyboard_to_the_end(
    page, live_server, browser_login, student, game_course
):
    browser_login(page, live_server, student)
    _start(page, live_server, "Recall sprint")
    page.wait_for_url("**/games/round/**")
    expect(page.locator("#sprint-answer")).to_be_focused()
    round = Round.objects.get(user=student, game="recall")
    prompts = round.state["prompts"]
    typo = {"Gradient Descent": "gradient decent", "Learning Rate": "lerning rate", "Overfitting": "overfiting",
            "Dropout": "drop out", "Batch Normalization": "BN", "Epoch": "epoch", "Softmax": "sofmax"}  # fmt: skip
    for i, prompt in enumerate(prompts):
        expect(page.locator("#sprint-prompt")).to_have_text(prompt["clue"])
        if i == 1:
            page.keyboard.type("no idea at all")
            page.keyboard.press("Enter")
            expect(page.locator("#sprint-status")).to_have_text(
                f"Missed: it was {prompt['label']}."
            )
        elif i == 2:
            page.keyboard.press("Escape")
            expect(page.locator("#sprint-status")).to_have_text(
                f"Missed: it was {prompt['label']}."
            )
        else:
            page.keyboard.type(typo[prompt["label"]])
            page.keyboard.press("Enter")
            if i < len(prompts) - 1:
                expect(page.locator("#sprint-status")).to_have_text(f"Right: {prompt['label']}.")
    page.wait_for_url("**/result/")
    expect(page.locator("#sprint-final")).to_have_text(str(len(prompts) - 2))
    missed = page.locator("#missed a")
    expect(missed).to_have_count(2)
    assert missed.nth(0).get_attribute("href") == prompts[1]["href"]
    assert missed.nth(1).inner_text() == prompts[2]["label"]

    round.refresh_from_db()
    assert round.is_finished and round.score == len(prompts) - 2
    # Never-studied cards: the two misses are scheduled (Again), the right answers leave them new.
    logs = ReviewLog.objects.filter(user=student).order_by("reviewed_at")
    assert [(log.card_id, log.rating) for log in logs] == [
        (prompts[1]["card"], Rating.AGAIN), (prompts[2]["card"], Rating.AGAIN)
    ]  # fmt: skip
    assert page.js_errors == []
