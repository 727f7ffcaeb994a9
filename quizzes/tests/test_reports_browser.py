"""The statistics report in a real browser: its SVG drawn, no CSP violations. Transactional (a
live server), so apart from test_reports.py, whose rows are written once for the module."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .factories import make_report_quiz


@pytest.fixture
def quiz(student, other_student):
    return make_report_quiz(student, other_student)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_report_renders_in_the_browser_without_csp_violations(page, live_server, quiz, instructor):
    from conftest import login

    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    login(page, live_server, instructor)
    page.goto(f"{live_server.url}{reverse('quizzes:report', args=[quiz.pk])}")
    bars = page.locator("svg.histogram rect")
    assert bars.count() == 10
    assert bars.first.bounding_box()["height"] > 0 or bars.nth(5).bounding_box()["height"] > 0
    assert page.locator("table.report-table tbody tr").count() == 2
    assert not [m for m in console if "Content Security Policy" in m], console
