"""What a student reads in a quiz review: accepted answers without the pattern syntax, marks
rounded half-up as Moodle does (one rule for pages, CSV and API), and practice questions whose
long text stays inside its card."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login
from quizzes import services
from quizzes.marks import format_mark, round_mark
from quizzes.models import Quiz, QuizSlot
from quizzes.presenters import short_answer_text

from .factories import make_question, make_section

FLATTEN = [
    {"text": "flatten", "fraction": 100, "feedback": ""},
    {"text": "flatten*", "fraction": 100, "feedback": ""},
    {"text": "reshap*", "fraction": 50, "feedback": ""},
]


@pytest.mark.parametrize(
    ("patterns", "shown"),
    [
        (["flatten", "flatten*"], "flatten"),
        (["*pool*"], "pool"),
        (["conv*net"], "conv…net"),
        (["ReLU", "rectified linear unit", "relu*"], "ReLU or rectified linear unit"),
        (["*"], ""),
    ],
)
def test_accepted_answers_read_as_words(patterns, shown):
    assert short_answer_text(patterns) == shown


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (Decimal("0.6666667"), "0.67"),  # two of three
        (Decimal("0.665"), "0.67"),  # half-up, not half-even (0.66)
        (0.665, "0.67"),  # a float's binary 0.66499… does not round down
        (Decimal("0.3333333"), "0.33"),
        (Decimal("0.125"), "0.13"),
        (Decimal("0E-7"), "0"),
        (Decimal("2"), "2"),
    ],
)
def test_marks_round_half_up_to_two_places(value, printed):
    assert format_mark(value) == printed
    assert round_mark(value) == Decimal(printed)


def _quiz_with_two_of_three(student):
    section = make_section()
    quiz = Quiz.objects.create(section=section, title="Review quiz", shuffle_answers=False)
    short = make_question(
        "short", section, stem="Which layer turns a map into a vector?", answers=FLATTEN
    )
    matching = make_question("matching", section)
    QuizSlot.objects.create(quiz=quiz, question=short, order=0)
    QuizSlot.objects.create(quiz=quiz, question=matching, order=1)
    now = timezone.now()
    attempt = services.attempt_start(quiz=quiz, user=student, now=now)
    pairs = list(matching.match_pairs.exclude(left="").order_by("id"))
    # Two of three pairs right: the third gets the second's answer.
    response = {str(pairs[0].id): pairs[0].right, str(pairs[1].id): pairs[1].right}
    response[str(pairs[2].id)] = pairs[1].right
    services.attempt_save_answer(attempt=attempt, question_id=short.id, response="flatten", now=now)
    services.attempt_save_answer(
        attempt=attempt, question_id=matching.id, response=response, now=now
    )
    services.attempt_submit(attempt=attempt, now=now)
    return quiz, attempt


@pytest.mark.browser
def test_review_reads_as_a_student_expects(
    page, live_server, student, instructor_client, student_client
):
    quiz, attempt = _quiz_with_two_of_three(student)
    login(page, live_server, student)
    page.goto(f"{live_server.url}/quizzes/attempt/{attempt.pk}/result/")
    rights = page.locator(".right-answer").all_inner_texts()
    assert rights[0] == "flatten", rights
    assert "|" not in " ".join(rights) and "*" not in " ".join(rights)
    marks = page.locator(".review .mark").all_inner_texts()
    assert "Mark 0.67 of 1" in marks[1], marks
    assert "(1.67 of 2 marks)" in page.locator(".score").inner_text()
    assert page.js_errors == []

    # The same rule in the CSV and the API.
    csv_response = instructor_client.get(reverse("quizzes:report-results-csv", args=[quiz.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode())))
    assert rows[1][3] == "1.67" and rows[1][-1] == "0.67", rows
    data = student_client.get(f"/api/quizzes/attempts/{attempt.pk}/").json()
    assert data["marks"] == "1.67"
    assert [item["result"]["mark"] for item in data["items"]] == ["1.00", "0.67"]


@pytest.mark.browser
def test_a_long_practice_question_stays_inside_its_card(page, live_server, student, monkeypatch):
    import random
    import uuid
    from types import SimpleNamespace

    from glossary.services import TermData, term_upsert
    from quizzes import practice

    long = "a long definition that wraps over several lines on any screen " * 6
    for i in range(5):
        term_upsert(
            data=TermData(
                slug=f"t{i}", name=f"Term {i}", definition=f"{long} ({i}).", category="fundamentals"
            )
        )
    # Each question's direction is drawn at random: a seed whose quiz asks for a term by its
    # (long) definition, so that a legend wraps in every run (1 in 32 drew none).
    seed = next(
        n
        for n in range(1, 1000)
        if any(
            q.direction == "definition-to-term"
            for q in practice.practice_build(count=10, category=None, rng=random.Random(n))
        )
    )
    monkeypatch.setattr(practice, "uuid", SimpleNamespace(uuid4=lambda: uuid.UUID(int=seed)))
    login(page, live_server, student)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{live_server.url}/quizzes/practice/")
        page.get_by_role("button", name="Start practising").click()
        page.wait_for_url(re.compile(r"/practice/play/$"))
        cards = page.locator("fieldset.practice-question")
        wrapped = 0
        for i in range(cards.count()):
            box = cards.nth(i).bounding_box()
            legend = cards.nth(i).locator("legend").bounding_box()
            wrapped += legend["height"] > 40
            # A wrapping <legend> sits on the fieldset's border (its top above the card's).
            assert legend["y"] >= box["y"] + 1, (width, i, legend, box)
            assert legend["x"] + legend["width"] <= box["x"] + box["width"]
        assert wrapped, "the test needs a question that wraps"
