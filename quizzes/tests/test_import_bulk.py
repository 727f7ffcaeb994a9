"""Imports save in bulk (quizzes/services/bank_many.py): the queries do not grow with the
questions, the caches' shared version moves once, and a database error still has its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary.services import TermData, term_upsert
from quizzes import caches
from quizzes.models import Choice, Question, QuestionVersion
from quizzes.services.bank_many import questions_save_many
from quizzes.services.importing import questions_import

from .factories import make_section

pytestmark = pytest.mark.django_db
ALL_TYPES = Path(__file__).parent / "fixtures" / "moodle_xml" / "all_types.xml"
META = '// @dlp {"section": "7.8", "topic": "cnn", "terms": ["pooling", "stride"], "tags": ["x"]}'


@pytest.fixture
def bank_places() -> None:
    make_section("7.8")
    for slug in ("pooling", "stride"):
        term_upsert(
            data=TermData(slug=slug, name=slug.title(), definition=f"About {slug}.", category="cnn")
        )


def gift(n: int, stem: str = "Which", ids: str = "q") -> str:
    """n questions of five types, each in its section and topic with two terms, idnumbered
    `ids` and a number."""
    kinds = [
        "{stem} {i} is right? {{=right ~wrong ~other}}",
        "{stem} {i}: pooling has weights. {{F}}",
        "{stem} {i}: two plus two? {{#4:0}}",
        "{stem} {i}: say yes. {{=yes =y}}",
        "{stem} {i}: match. {{=a -> 1 =b -> 2 =c -> 3}}",
    ]
    blocks = []
    for i in range(n):
        body = kinds[i % len(kinds)].format(stem=stem, i=i)
        blocks.append(f"$CATEGORY: Week {i % 3}\n\n{META}\n// [id:{ids}{i}]\n::q{i}:: {body}\n")
    return "\n".join(blocks)


def moodle_xml(copies: int, prefix: str = "Copy") -> str:
    """Every question of the fixture `copies` times, each copy in its own categories."""
    body = ALL_TYPES.read_text(encoding="utf-8")
    inner = body[body.index("<quiz>") + len("<quiz>") : body.index("</quiz>")]
    parts = [
        re.sub(r"\$course\$/top/", f"$course$/top/{prefix} {i}/", inner) for i in range(copies)
    ]
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>' + "".join(parts) + "</quiz>\n"


def queries_of(**kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        report = questions_import(**kwargs)
    assert report.ok, report.errors
    return len(captured), report


def test_gift_import_costs_the_same_queries_for_10_and_50_questions(bank_places):
    few, small = queries_of(text=gift(10), fmt="gift")
    many, large = queries_of(text=gift(50, "Again", "again"), fmt="gift")
    assert (small.imported, large.imported) == (10, 50)
    assert few == many, (few, many)
    # every question whole: its section, topic, terms, answers and a first version
    question = Question.objects.get(name="q48")
    assert question.section.number == "7.8" and question.topic.slug == "cnn"
    assert sorted(t.slug for t in question.terms.all()) == ["pooling", "stride"]
    assert sorted(c.text for c in question.choices.all()) == ["y", "yes"]
    assert question.versions.get().snapshot["fields"]["stem"].startswith("Again 48")


def test_an_update_import_costs_the_same_queries_for_10_and_50_questions(bank_places):
    questions_import(text=gift(50), fmt="gift")
    ids = sorted(Choice.objects.filter(question__name="q0").values_list("pk", flat=True))
    few, _ = queries_of(text=gift(10, "Edited"), fmt="gift", update=True)
    many, _ = queries_of(text=gift(50, "Changed"), fmt="gift", update=True)
    assert few == many, (few, many)
    q0 = Question.objects.get(name="q0")
    assert q0.stem.startswith("Changed 0")
    assert sorted(q0.choices.values_list("pk", flat=True)) == ids  # kept by position
    assert list(q0.versions.order_by("number").values_list("number", flat=True)) == [1, 2, 3]


def test_moodle_xml_import_costs_the_same_queries_for_one_copy_and_three():
    one, small = queries_of(text=moodle_xml(1), fmt="moodlexml")
    three, large = queries_of(text=moodle_xml(3, "Other"), fmt="moodlexml")
    assert large.imported == 3 * small.imported > 0
    assert one == three, (one, three)


def test_kept_questions_cost_no_query_each(bank_places):
    questions_import(text=gift(50), fmt="gift")
    few, small = queries_of(text=gift(10, "Edited"), fmt="gift")
    many, large = queries_of(text=gift(50, "Edited"), fmt="gift")
    assert (len(small.warnings), len(large.warnings), large.imported) == (10, 50, 0)
    assert few == many
    assert not Question.objects.filter(stem__startswith="Edited").exists()


def test_an_import_publishes_the_question_cache_once(
    bank_places, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assert questions_import(text=gift(20), fmt="gift").imported == 20
    published = [c for c in callbacks if getattr(c, "__self__", None) is caches.questions]
    assert len(published) == 1


def test_a_database_error_past_the_checks_still_names_its_question():
    Question.objects.create(name="theirs", type="truefalse", stem="S", category="c", idnumber="i")
    choices = [{"text": "True", "fraction": 100}, {"text": "False", "fraction": 0}]
    items = [
        {"type": "truefalse", "name": "fine", "stem": "Fine?", "choices": choices},
        # a new slug, but the category and idnumber of another question: the unique constraint
        {"type": "truefalse", "slug": "mine", "stem": "Clash?", "choices": choices,
         "category": "c", "idnumber": "i"},
    ]  # fmt: skip
    saved = questions_save_many(items=items)
    assert list(saved.questions) == [0] and list(saved.errors) == [1]
    assert "question_idnumber_unique_in_category" in saved.errors[1]
    assert QuestionVersion.objects.filter(question=saved.questions[0]).count() == 1
    assert not Question.objects.filter(slug="mine").exists()


def test_too_long_a_value_is_a_line_error_and_nothing_is_stored():
    text = "::ok:: Fine? {T}\n\n::long:: Which? {=right ~" + "w" * 600 + " ~x}\n"
    # a long choice is fine (a text field); a matching right holds at most 500 characters
    text += "\n::m:: Match. {=a -> " + "r" * 501 + " =b -> 2 =c -> 3}\n"
    report = questions_import(text=text, fmt="gift")
    assert [e.line for e in report.errors] == [5]
    assert "right is longer than 500 characters" in report.errors[0].message
    assert Question.objects.count() == 0


def test_what_the_bank_refuses_is_an_error_on_its_line(bank_places):
    text = "\n".join(
        [
            '// @dlp {"terms": ["pooling"]}',
            "::good:: Fine? {T}",
            "",
            '// @dlp {"terms": ["pooling", "nope"]}',
            "::term:: Fine? {T}",
            "",
            '// @dlp {"section": "7.8", "topic": "rnn"}',
            "::topic:: Fine? {T}",
            "",
            '// @dlp {"section": "9.9"}',
            "::section:: Fine? {T}",
        ]
    )
    report = questions_import(text=text, fmt="gift")
    assert [(e.line, e.message.split(": ", 1)[1]) for e in report.errors] == [
        (5, "unknown glossary terms: nope"),
        (8, "section 7.8 has no topic 'rnn'"),
        (11, "unknown section '9.9'"),
    ]
    assert report.imported == 0 and not Question.objects.exists()
    partial = questions_import(text=text, fmt="gift", allow_partial=True)
    assert partial.imported == 1 and Question.objects.get().terms.get().slug == "pooling"
