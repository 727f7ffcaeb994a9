"""Every page type on a phone (390×844): nothing wider than the screen, and the page's own
content (its <h1>) starts on the first screen, not below a header or a table of contents."""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# The content's widest lesson (its table of contents overflowed) and a term page that did.
LESSON = "7.8"


def _check(page, url: str, start: str = "main h1") -> dict:
    page.goto(url)
    page.wait_for_load_state("load")
    return page.evaluate(
        """(start) => {
          const doc = document.documentElement;
          const main = document.querySelector(start) || document.querySelector('main');
          const box = main.getBoundingClientRect();
          const wide = [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1
                     && getComputedStyle(el).position !== 'fixed' && el.offsetParent !== null)
            .slice(0, 3).map((el) => el.tagName + '.' + el.className);
          return {visible: box.height > 0 && box.width > 0, width: doc.scrollWidth, viewport: doc.clientWidth, top: box.top + window.scrollY,
                  height: window.innerHeight, wide};
        }""",
        start,
    )


def _fits(result: dict) -> bool:
    """No wider than the phone; the start is shown (not hidden) and on the first screen."""
    return (
        result["visible"] and result["width"] <= PHONE["width"] and result["top"] < PHONE["height"]
    )


def test_every_page_type_fits_a_phone(page, live_server, student):
    from playground.models import Job
    from quizzes import services
    from quizzes.models import Quiz

    call_command("load_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from glossary.models import Term

    base = live_server.url
    page.set_viewport_size(PHONE)
    pages = {"login": f"{base}/accounts/login/"}
    problems = {}
    for name, url in pages.items():
        result = _check(page, url)
        if not _fits(result):
            problems[name] = result

    login(page, live_server, student)
    quiz = Quiz.objects.filter(slots__isnull=False).distinct().order_by("pk").first()
    now = timezone.now()
    finished = services.attempt_start(quiz=quiz, user=student, now=now)
    services.attempt_submit(attempt=finished, now=now)
    open_attempt = services.attempt_start(quiz=quiz, user=student, now=now)
    job = Job.objects.create(user=student, kind="cnn", config={}, title="phone run")
    term = max(Term.objects.all(), key=lambda t: len(t.name))
    pages = {
        "home": f"{base}/",
        "course": f"{base}/learn/",
        "lesson": f"{base}/learn/{LESSON}/",
        "glossary": f"{base}/glossary/",
        "term (longest name)": f"{base}/glossary/{term.slug}/",
        "search": f"{base}/glossary/?q=gradient",
        "flashcards": f"{base}/flashcards/",
        "study": f"{base}/flashcards/section/{LESSON}/",
        "quizzes": f"{base}/quizzes/",
        "quiz": f"{base}/quizzes/{quiz.pk}/",
        "attempt": f"{base}/quizzes/attempt/{open_attempt.pk}/",
        "review": f"{base}/quizzes/attempt/{finished.pk}/result/",
        "playground": f"{base}/playground/",
        "new run": f"{base}/playground/new/",
        "job": f"{base}/playground/jobs/{job.pk}/",
    }
    for term_page in Term.objects.order_by("slug"):
        pages[f"term {term_page.slug}"] = f"{base}/glossary/{term_page.slug}/"
    for name, url in pages.items():
        # A lesson's own text (not its title and table of contents) must start on screen one.
        result = _check(page, url, "article.lesson" if name == "lesson" else "main h1")
        if not _fits(result):
            problems[name] = result
    assert not problems, json.dumps(problems, indent=1)

    # The lesson's table of contents: closed on a phone, one tap away; a column on a desktop.
    page.goto(pages["lesson"])
    compact = page.locator("details.toc-compact")
    assert compact.is_visible() and compact.get_attribute("open") is None
    assert page.locator("nav.lesson-toc").is_hidden()
    compact.locator("summary").click()
    assert compact.get_by_role("link", name="Overview").is_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("nav.lesson-toc").is_visible() and compact.is_hidden()
    assert not re.search("error", " ".join(page.js_errors), re.I), page.js_errors
