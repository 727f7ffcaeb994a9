"""The README's screenshots, taken afresh: `make screenshots` (pytest on this file, which the
suite does not collect: python_files is test_*.py).

The bundled course is loaded (`load_content`), a student reads a lesson, finishes the quiz of
its section (right on every question but one, so the review shows both) and trains a small CNN
on the MNIST test files in this process (the worker's own task, run eagerly), and headless
Chromium, through the browser tests' fixtures, photographs each page of PAGES into
docs/screenshots/. tests/test_screenshots_pages.py checks that PAGES covers what the README
shows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import login

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SECTION = "7.8"  # a lesson with a quiz, formulas and a table; the playground's CNN topic


@dataclass(frozen=True)
class Shot:
    name: str  # docs/screenshots/<name>.png
    alt: str  # the README's alternative text
    page: str  # which of the pages made by _course() it shows
    viewport: dict[str, int] = field(default_factory=lambda: dict(DESKTOP))
    color_scheme: str = "light"
    wait_for: str = "main"  # shown once this is visible
    scroll_to: str | None = None  # put this at the top of the picture
    scale: float = 1.0  # device pixels per CSS pixel (a phone's text stays sharp at 2)


PAGES: list[Shot] = [
    Shot("lesson", f"Lesson {SECTION}: the text column with its table of contents", "lesson"),
    Shot(
        "quiz-review",
        "A finished quiz: the score, then each question with the student's answer and the right one",
        "quiz-review",
        wait_for=".review-item, .result-item, main h1",
    ),
    Shot(
        "playground-run",
        "A finished CNN run: test accuracy, the confusion matrix and misclassified digits",
        "playground-run",
        viewport={"width": 1280, "height": 1000},
        wait_for="#results:not([hidden])",
        scroll_to="#results",
    ),
    Shot(
        "lesson-phone",
        f"Lesson {SECTION} on a phone (390 px): the contents folded away, the text first",
        "lesson",
        viewport=dict(PHONE),
        scale=2,
    ),
    Shot(
        "audio-lesson",
        f"An audio lesson of {SECTION}: the player, and the transcript with the current line",
        "lesson",
        viewport={"width": 1280, "height": 900},
        wait_for="[data-audio-player][data-kind=dialogue]",
        scroll_to="[data-audio-player][data-kind=dialogue]",
    ),
    Shot(
        "match-game",
        f"Match, played with the key terms of {SECTION}: pick a term, then its definition",
        "match",
        wait_for="main h1",
    ),
    Shot(
        "playground-curves-dark",
        "The same run in the dark theme: its loss and accuracy curves",
        "playground-run",
        viewport={"width": 1280, "height": 900},
        color_scheme="dark",
        wait_for="#results:not([hidden])",
    ),
]


def good_response(item: Any, wrong: bool = False) -> Any:
    """The stored (id) response that earns full marks, or a wrong one; None for an essay or a
    description (left unanswered)."""
    question = item.question
    kind = question.type
    choices = list(question.choices.order_by("order", "pk"))
    if kind in ("single", "truefalse"):
        pick = [c for c in choices if (c.fraction == 100) != wrong]
        return pick[0].pk if pick else None
    if kind == "multi":
        return [c.pk for c in choices if (c.fraction > 0) != wrong]
    if kind == "short":
        accepted = [c.text for c in choices if c.fraction == 100]
        return "no idea" if wrong or not accepted else accepted[0].replace("*", "")
    if kind == "numerical":
        answer = question.numerical_answers.order_by("-fraction").first()
        return None if answer is None else str(answer.value + (7 if wrong else 0))
    if kind == "ordering":
        items = [o.pk for o in question.ordering_items.order_by("position")]
        return items[::-1] if wrong else items
    if kind == "matching":
        pairs = list(question.match_pairs.exclude(left=""))
        return {str(p.pk): (p.right if not wrong else "?") for p in pairs}
    return None


def _quiz_review(student: Any) -> str:
    from django.utils import timezone

    from quizzes.models import Quiz
    from quizzes.services import attempt_save_answer, attempt_start, attempt_submit

    quiz = Quiz.objects.filter(section__number=SECTION).order_by("pk").first()
    assert quiz is not None, f"the bundled content has a quiz for section {SECTION}"
    now = timezone.now()
    attempt = attempt_start(quiz=quiz, user=student, now=now)
    items = list(attempt.items.select_related("question").order_by("order"))
    wrong_one = next((i for i in items if i.question.type in ("single", "multi")), None)
    for item in items:
        response = good_response(item, wrong=item is wrong_one)
        if response is not None:
            attempt_save_answer(
                attempt=attempt, question_id=item.question_id, response=response, now=now
            )
    attempt_submit(attempt=attempt, now=now)
    return f"/quizzes/attempt/{attempt.pk}/result/"


def _trained_run(student: Any) -> str:
    """A small CNN trained here, by the worker's task run eagerly (a real run, real results)."""
    from playground import tasks
    from playground.models import Job
    from playground.tests.conftest import TINY_CNN

    config = dict(
        TINY_CNN,
        blocks=[
            {"type": "conv", "channels": 8, "kernel": 3, "stride": 1, "padding": 1},
            {"type": "activation", "fn": "relu"},
            {"type": "pool", "kind": "max", "size": 2},
            {"type": "dense", "units": 64},
            {"type": "activation", "fn": "relu"},
        ],
        epochs=3,
        train_subset=4000,
        lr=0.005,
    )
    job = Job.objects.create(
        user=student, kind="cnn", title="8-channel CNN", config=config, task_id="screenshots"
    )
    outcome = tasks.run_training.apply(args=[job.pk], task_id="screenshots").get()
    job.refresh_from_db()
    assert outcome == "succeeded", (outcome, job.failure_reason)
    return f"/playground/jobs/{job.pk}/"


def _course(student: Any) -> dict[str, str]:
    from django.core.management import call_command

    call_command("load_content", stdout=io.StringIO())
    return {
        "lesson": _rendered_lesson(),
        "quiz-review": _quiz_review(student),
        "playground-run": _trained_run(student),
        "match": _match_round(student),
    }


def _rendered_lesson() -> str:
    """The lesson, its first topic's audio lesson rendered (espeak-ng where installed; without
    a backend the picture shows the page's own fallback, the browser's voice)."""
    from lessons import services
    from lessons.models import Topic

    topic = Topic.objects.filter(section__number=SECTION).order_by("order").first()
    for _script, track in services.audio_tracks(topic=topic):
        if track.kind == "dialogue":
            track.save()
            services.audio_render(track=track)
    return f"/learn/{SECTION}/"


def _match_round(student: Any) -> str:
    from django.utils import timezone

    from games import selectors, services

    game_set = selectors.game_set(f"section:{SECTION}")
    round = services.match_start(user=student, game_set=game_set, now=timezone.now())
    return f"/games/round/{round.pk}/"


@pytest.fixture
def mnist_dir(tmp_path, settings) -> Path:
    from playground.tests.conftest import SHARED_MNIST

    (tmp_path / "mnist").mkdir()
    for file in SHARED_MNIST.glob("*.gz"):
        (tmp_path / "mnist" / file.name).symlink_to(file)
    settings.PLAYGROUND_DATA_DIR = tmp_path
    return tmp_path


def _take(browser: Any, live_server: Any, student: Any, shot: Shot, url: str) -> Path:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=shot.viewport,
        color_scheme=shot.color_scheme,
        device_scale_factor=shot.scale,
        reduced_motion="reduce",
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        login(page, live_server, student)
        page.goto(url)
        page.locator(shot.wait_for).first.wait_for()
        page.evaluate("document.fonts.ready")
        if shot.scroll_to:  # to just below the sticky header, which would cover the top
            page.locator(shot.scroll_to).first.evaluate(
                """el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY
                     - document.querySelector('.site-header').offsetHeight - 12)"""
            )
        page.mouse.move(0, 0)  # no hover state in the picture
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"{shot.name}.png"
        page.screenshot(path=str(path), animations="disabled", caret="hide")
        return path
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.live
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_take_screenshots(browser, live_server, student, mnist_dir) -> None:
    urls = _course(student)
    for shot in PAGES:
        path = _take(browser, live_server, student, shot, urls[shot.page])
        print(f"{path.relative_to(OUT.parent.parent)}: {path.stat().st_size // 1024} KiB")
