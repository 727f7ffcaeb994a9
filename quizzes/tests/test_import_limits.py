"""GIFT import: a cap on answers per question, and work that grows linearly with the answers.

Attack: one GIFT question with 20,000 answers held a web worker for over 12 minutes (a save and
a signal-driven UPDATE of the question row per answer). Timings are in bench/gift_import.py;
here the cap is proven through the admin import, and linearity by counting queries.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes.formats import parse_gift
from quizzes.formats.result import MAX_ANSWERS
from quizzes.models import Choice, Question
from quizzes.services.bank import QuestionDataError, question_upsert_from_data
from quizzes.services.importing import questions_import

pytestmark = pytest.mark.django_db


def _gift(n: int, name: str = "big") -> str:
    wrong = " ".join(f"~wrong {i}" for i in range(1, n))
    return f"::{name}:: Which one? {{=right {wrong}}}\n"


def test_a_question_over_the_cap_is_a_line_numbered_error_in_the_admin(instructor_client):
    text = _gift(3, "fine") + "\n" + _gift(20_000)
    response = instructor_client.post(
        "/admin/quizzes/question/import/",
        {"file": SimpleUploadedFile("q.gift.txt", text.encode()), "fmt": "gift"},
    )
    assert response.status_code == 400
    body = response.content.decode().lower()
    assert "line 3" in body and f"at most {MAX_ANSWERS}" in body
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "answers",
    [
        "{" + " ".join(f"=a{i}" for i in range(MAX_ANSWERS + 1)) + "}",  # short answer
        "{" + " ".join(f"=l{i} -> r{i}" for i in range(MAX_ANSWERS + 1)) + "}",  # matching
        "{#" + " ".join(f"={i}" for i in range(MAX_ANSWERS + 1)) + "}",  # numerical
    ],
)
def test_every_gift_answer_kind_is_capped(answers):
    result = parse_gift(f"Q? {answers}")
    assert not result.questions and f"at most {MAX_ANSWERS}" in str(result.errors[0])


def test_exactly_the_cap_is_accepted():
    report = questions_import(text=_gift(MAX_ANSWERS), fmt="gift")
    assert report.ok and Choice.objects.count() == MAX_ANSWERS


def test_the_bank_refuses_over_the_cap_from_any_source():
    data = {
        "type": "single",
        "stem": "Which?",
        "choices": [{"text": "right", "fraction": 100}]
        + [{"text": f"w{i}", "fraction": 0} for i in range(MAX_ANSWERS)],
    }
    with pytest.raises(QuestionDataError, match=f"at most {MAX_ANSWERS}"):
        question_upsert_from_data(data=data)


def _queries_to_import(n: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert questions_import(text=_gift(n, f"q{n}"), fmt="gift").ok
    return len(queries)


def test_import_queries_do_not_grow_with_the_answers():
    """Before: two queries per answer (INSERT, then the signal's UPDATE of the question)."""
    assert _queries_to_import(MAX_ANSWERS) == _queries_to_import(3)


def test_reimport_keeps_answer_ids_and_moves_the_question_version():
    text = "// @dlp " + '{"slug": "cap-q"}\n' + _gift(5)
    questions_import(text=text, fmt="gift")
    question = Question.objects.get(slug="cap-q")
    ids, stamp = (
        list(question.choices.order_by("pk").values_list("pk", flat=True)),
        question.updated_at,
    )
    questions_import(text=text.replace("wrong 4", "changed 4").replace(" ~wrong 3", ""), fmt="gift")
    question.refresh_from_db()
    new_ids = list(question.choices.order_by("pk").values_list("pk", flat=True))
    assert new_ids == ids[:4], "kept by position, the extra one deleted"
    assert question.choices.filter(text="changed 4").exists()
    assert question.updated_at > stamp
