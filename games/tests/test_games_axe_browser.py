"""axe-core on every games page and the section videos, light and dark, at desktop and phone
widths: no serious or critical violation, and no page wider than the phone's screen."""

from __future__ import annotations

import os

import pytest

from conftest import login, require
from games.models import Round
from lessons.videos import SectionVideo

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERIOUS = {"serious", "critical"}
SHOTS = os.environ.get("GAMES_SCREENSHOTS", "")  # a folder: keep a full-page shot of each page


def _violations(page, axe, name: str) -> list[str]:
    result = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}) on {name}: {'; '.join(' '.join(n['target']) for n in v['nodes'][:3])}"
        for v in result.response["violations"]
        if v["impact"] in SERIOUS
    ]


def _visit_all(page, base: str, axe) -> list[str]:
    found: list[str] = []

    def check(name: str) -> None:
        if SHOTS:
            dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
            shot = f"{name.replace(' ', '_')}-{page.viewport_size['width']}-{'dark' if dark else 'light'}"
            page.screenshot(path=f"{SHOTS}/{shot}.png", full_page=True)
        found.extend(_violations(page, axe, name))
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.viewport_size["width"]
        if width > viewport:
            found.append(f"{name} is {width} px wide in a {viewport} px window")

    page.goto(f"{base}/games/?set=section:9.9")
    check("games index")
    page.click("button[value=match]")
    page.wait_for_url("**/games/round/**")
    check("match")
    page.locator(".tile").first.press("Enter")
    check("match, a tile picked")
    page.locator(".tile").first.press("Enter")  # and put back
    round = Round.objects.filter(game="match").latest("started_at")
    tiles = round.state["tiles"]
    for index in range(round.total):
        for side in ("term", "definition"):
            token = next(t for t, (i, s) in tiles.items() if i == index and s == side)
            page.locator(f'[data-token="{token}"]').click()
        if index < round.total - 1:
            page.locator(f'[data-token="{token}"]:disabled').wait_for()
    page.wait_for_url("**/result/")
    check("match result")
    page.goto(f"{base}/games/?set=section:9.9")
    page.click("button[value=recall]")
    page.wait_for_url("**/games/round/**")
    page.fill("#sprint-answer", "nothing like it")
    page.keyboard.press("Enter")
    page.locator("#sprint-status").filter(has_text="Missed").wait_for()
    check("recall sprint")
    round = Round.objects.filter(game="recall").latest("started_at")
    Round.objects.filter(pk=round.pk).update(deadline=round.started_at)
    page.goto(f"{base}/games/round/{round.pk}/result/")
    check("recall result")
    page.goto(f"{base}/flashcards/history/")
    check("study history with games")
    page.goto(f"{base}/learn/9.9/")
    check("section with videos")
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1366, 390])
def test_games_pages_pass_axe(browser, live_server, student, game_course, scheme, width):
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        Axe = None
    require(Axe is not None, "axe-playwright-python is not installed (the dev extras)")
    SectionVideo.objects.create(
        section=game_course["section"], title="Descent, drawn", url="https://youtu.be/aircAruvnKk",
        duration_s=300, watch_for="Where the steps shrink.",
    )  # fmt: skip
    SectionVideo.objects.create(
        section=game_course["section"], title="Notes", url="https://example.org/notes"
    )
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    try:
        login(page, live_server, student)
        found = _visit_all(page, live_server.url, Axe())
    finally:
        context.close()
    assert not found, "\n".join(found)
