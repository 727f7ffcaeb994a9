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
    SectionVideo.objects.create(
        section=course["9.1"], title="A talk", url="https://vimeo.com/76979871", order=2
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

    page.get_by_role("button", name="Play “A talk”").click()  # and by mouse
    expect(page.locator("iframe.video-player")).to_have_count(2)
    expect(page.locator("iframe.video-player").nth(1)).to_have_attribute(
        "src", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"
    )
    # The only requests off the site are the two players', made after the clicks (and refused).
    page.wait_for_function("() => true")
    assert {url.split("?")[0] for url in external} <= {
        "https://www.youtube-nocookie.com/embed/aircAruvnKk",
        "https://player.vimeo.com/video/76979871",
    }
    assert page.js_errors == []
