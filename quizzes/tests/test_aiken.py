"""Aiken: Moodle's fixtures, HTML kept as text, line-numbered errors, export."""

from __future__ import annotations

import pytest

from quizzes.formats import export_aiken, parse_aiken
from quizzes.formats.result import strip_meta

from .moodle_fixtures import moodle_text


def test_moodle_fixture_gives_two_single_choice_questions():
    result = parse_aiken(moodle_text("questions.aiken.txt"))
    assert result.errors == []
    first, second = result.questions
    assert first["stem"] == "The Moodle project was started by:"
    assert [c["text"] for c in first["choices"] if c["fraction"] == 100] == ["Martin Dougiamas"]
    assert len(first["choices"]) == 4
    assert second["line"] == 8
    assert second["choices"][0] == {"text": "True", "fraction": 100, "feedback": ""}


def test_html_in_the_text_stays_literal_text():
    _, second = parse_aiken(moodle_text("questions.aiken.txt")).questions
    assert '<html class="cool"> & images:' in second["stem"]
    assert second["stem_format"] == "plain"  # rendered escaped, never as markup


def test_error_file_gives_the_two_good_questions_and_one_error_per_bad_one():
    result = parse_aiken(moodle_text("aiken_errors.txt"))
    good = {q["name"]: q for q in result.questions}
    assert sorted(good) == ["A good question", "A second good question"]
    assert [c["text"] for c in good["A good question"]["choices"]] == ["Correct", "Incorrect"]
    second = good["A second good question"]["choices"]
    assert [(c["text"], c["fraction"]) for c in second] == [
        ("Incorrect (No space)", 0),
        ("Correct (No space)", 100),
    ]
    assert [(e.line, e.message.split(":")[0]) for e in result.errors] == [
        (3, "a question must have at least 2 choices"),
        (5, "question not started"),
        (18, "question not completed before the next question starts"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("Q\nA) a\nB) b\nANSWER: C", 4, "does not name"),
        ("Q\nA) a\nB) b", 1, "no 'ANSWER:'"),
        ("ANSWER: A", 1, "before any question"),
    ],
)
def test_errors(text, line, fragment):
    result = parse_aiken(text)
    assert [e.line for e in result.errors] == [line]
    assert fragment in result.errors[0].message


def test_export_round_trips_single_choice():
    questions = parse_aiken(moodle_text("questions.aiken.txt")).questions
    again = parse_aiken(export_aiken(questions)).questions
    assert [strip_meta(q) for q in again] == [strip_meta(q) for q in questions]


def test_export_skips_what_aiken_cannot_hold_and_writes_plain_text():
    single = {
        "name": "s",
        "type": "single",
        "stem": "<p>Which is <b>largest</b> &amp; why?</p>",
        "stem_format": "html",
        "choices": [{"text": "2", "fraction": 100}, {"text": "1", "fraction": 0}],
    }
    multi = {"name": "m", "type": "multi", "stem": "s", "choices": []}
    warnings: list[str] = []
    text = export_aiken([multi, single], warnings)
    assert text == "Which is largest & why?\nA) 2\nB) 1\nANSWER: A\n"
    assert warnings == ["multi question 'm': Aiken cannot hold it"]
    assert export_aiken([multi]) == ""
