"""The audio lesson player in Chromium: it plays and the highlight follows, a transcript line
seeks, the keyboard drives it, the captions track is loaded; and without a recording the
browser's speech synthesis reads the transcript line by line (stubbed: headless Chromium has
no voices, so the stub records what it was asked to say)."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from conftest import require
from lessons import services
from lessons.models import AudioKind, Topic

pytestmark = [pytest.mark.browser, pytest.mark.subprocess, pytest.mark.slow]

PLAYER = "#audio-perceptron"

SPEECH_STUB = """
window.__spoken = [];
window.__highlighted = [];
const synth = {
  speaking: false,
  getVoices: () => [],
  cancel() {},
  pause() {},
  resume() {},
  speak(utterance) {
    window.__spoken.push(utterance.text);
    const current = document.querySelector("#audio-perceptron .transcript-line[aria-current]");
    window.__highlighted.push(current ? Number(current.dataset.index) : -1);
    setTimeout(() => utterance.onend && utterance.onend(), 20);
  },
};
Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
"""


@pytest.fixture
def recorded(course, settings, tmp_path):
    require(shutil.which("espeak-ng") is not None and shutil.which("ffmpeg") is not None, "no TTS")
    settings.LESSONS_TTS_BACKEND = "espeak-ng"
    settings.MEDIA_ROOT = tmp_path / "media"
    topic = Topic.objects.get(slug="perceptron")
    (track,) = [t for s, t in services.audio_tracks(topic=topic) if s.kind == AudioKind.DIALOGUE]
    track.status = "queued"
    track.save()
    track = services.audio_render(track=track)
    assert track.is_ready, track.error
    return track


def _serious_axe_violations(page) -> list[str]:
    """axe-core on the page as it is, light and dark (as tests/test_a11y_axe.py checks pages)."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for v in Axe().run(page).response["violations"]:
            if v["impact"] in {"serious", "critical"}:
                found.append(f"{v['id']} [{scheme}]: {[n['target'] for n in v['nodes'][:3]]}")
    page.emulate_media(color_scheme="light")
    return found


def _current(page) -> int:
    return page.eval_on_selector(PLAYER, "p => Number(p.dataset.current)")


def test_the_player_plays_follows_the_transcript_and_seeks(page, live_server, recorded):
    page.goto(f"{live_server.url}/learn/9.1/")
    player = page.locator(PLAYER)
    expect(player.locator("track[kind=captions]")).to_have_count(1)
    page.wait_for_function(
        f"() => {{ const t = document.querySelector('{PLAYER} audio').textTracks[0];"
        " return t && t.cues && t.cues.length === 6; }"
    )
    lines = player.locator(".transcript-line")
    expect(lines.nth(0)).to_have_attribute("aria-current", "true")
    # a recorded player (perceptron) and one without a recording (activation) on one page
    expect(page.locator("#audio-activation [data-action=speak]")).to_be_visible()
    assert _serious_axe_violations(page) == []

    player.locator("[data-role=speed]").select_option("2")
    player.locator("[data-action=play]").click()
    expect(player.locator("[data-action=play]")).to_have_text("Pause")
    page.wait_for_function(f"() => document.querySelector('{PLAYER}').dataset.current !== '0'")
    expect(lines.nth(_current(page))).to_have_attribute("aria-current", "true")
    assert page.eval_on_selector(f"{PLAYER} audio", "a => a.playbackRate") == 2

    lines.nth(4).click()  # jumps to the fifth line
    start = recorded.timings[4]["start"]
    assert page.eval_on_selector(f"{PLAYER} audio", "a => a.currentTime") >= start
    expect(lines.nth(4)).to_have_attribute("aria-current", "true")
    expect(lines.nth(1)).not_to_have_attribute("aria-current", "true")

    controls = player.locator("[data-role=keys]")
    controls.focus()
    page.keyboard.press("Space")
    expect(player.locator("[data-action=play]")).to_have_text("Play")  # paused by keyboard
    page.keyboard.press("ArrowUp")  # the line before
    expect(lines.nth(3)).to_have_attribute("aria-current", "true")
    before = page.eval_on_selector(f"{PLAYER} audio", "a => a.currentTime")
    page.keyboard.press("ArrowRight")
    after = page.eval_on_selector(f"{PLAYER} audio", "a => a.currentTime")
    assert after == pytest.approx(min(before + 5, recorded.duration), abs=0.3)
    assert page.js_errors == []


def test_without_a_recording_the_browser_reads_the_transcript_line_by_line(
    page, live_server, course, settings
):
    settings.LESSONS_TTS_BACKEND = "none"
    page.add_init_script(SPEECH_STUB)
    page.goto(f"{live_server.url}/learn/9.1/")
    player = page.locator(PLAYER)
    expect(player.locator("audio")).to_have_count(0)
    expect(player.locator("[data-role=missing]")).to_contain_text("no text-to-speech voice")
    lines = player.locator(".line-text").all_inner_texts()
    assert len(lines) == 6

    player.locator("[data-action=speak]").click()
    page.wait_for_function("() => window.__spoken.length === 6")
    assert page.evaluate("window.__spoken") == lines
    assert page.evaluate("window.__highlighted") == [0, 1, 2, 3, 4, 5]  # the highlight moved
    expect(player.locator("[data-action=speak]")).to_have_text("Read aloud")  # finished

    player.locator(".transcript-line").nth(3).click()  # read from the fourth line
    page.wait_for_function("() => window.__spoken.length === 9")
    assert page.evaluate("window.__spoken.slice(6)") == lines[3:]
    assert page.js_errors == []
