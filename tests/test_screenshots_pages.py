"""`make screenshots` (tests/screenshots.py) photographs every page the README shows: a lesson,
a quiz review, a finished run with its confusion matrix, a phone view of a lesson and a page in
the dark theme; and the README shows each picture it takes. Nothing here starts a browser."""

from __future__ import annotations

from pathlib import Path

from tests.screenshots import PAGES, PHONE

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_page_list_covers_what_the_readme_promises():
    by_name = {shot.name: shot for shot in PAGES}
    assert {"lesson", "quiz-review", "playground-run", "lesson-phone"} <= by_name.keys()
    assert {"audio-lesson", "match-game"} <= by_name.keys()  # listen and play (issue 15)
    assert by_name["lesson"].page == "lesson" and by_name["lesson-phone"].page == "lesson"
    assert by_name["quiz-review"].page == "quiz-review"
    run = by_name["playground-run"]
    assert run.page == "playground-run" and "#results" in run.wait_for  # the matrix is drawn
    assert by_name["lesson-phone"].viewport["width"] == PHONE["width"] == 390
    assert any(shot.color_scheme == "dark" for shot in PAGES), "one page in the dark theme"
    assert len(by_name) == len(PAGES), "two shots would write the same file"


def test_the_readme_shows_every_screenshot_with_its_text_alternative():
    readme = README.read_text()
    for shot in PAGES:
        assert f"![{shot.alt}](docs/screenshots/{shot.name}.png)" in readme, shot.name
