"""A click on a video card puts in the privacy-enhanced player; nothing external loads before."""

import pytest
from playwright.sync_api import expect

from lessons.videos import SectionVideo

pytestmark = pytest.mark.browser


def test_click_to_load_opens_the_nocookie_player(page, live_server, course):
    SectionVideo.objects.create(
        section=course["9.1"],
        title="Backprop, visually",
        url="https://www.youtube.com/watch?v=aircAruvnKk",
    )
    external: list[str] = []

    def refuse_external(route):
        external.append(route.request.url)
        route.abort()

    # Nothing may reach the network: every request off the live server is refused and noted.
    page.route(lambda url: not url.startswith(live_server.url), refuse_external)
    page.goto(f"{live_server.url}/learn/9.1/")
    button = page.get_by_role("button", name="Play “Backprop, visually”")
    expect(button).to_be_visible()
    assert page.locator("iframe").count() == 0
    assert external == []

    button.focus()
    page.keyboard.press("Enter")
    frame = page.locator("iframe.video-player")
    expect(frame).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/aircAruvnKk?autoplay=1&rel=0"
    )
    expect(frame).to_have_attribute("title", "Video: Backprop, visually")
    expect(page.get_by_role("button", name="Play “Backprop, visually”")).to_have_count(0)
    page.wait_for_function("() => true")
    assert all(url.startswith("https://www.youtube-nocookie.com/") for url in external)
    assert page.js_errors == []
