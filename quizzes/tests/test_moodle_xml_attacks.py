"""Hostile Moodle XML files through the admin's import page: elements nested 5,000 deep, an
entity expansion (billion laughs), a NUL byte in a question's text and a 20 MB file. Each is a
400 naming what is wrong (and where), and nothing is written, not even when "allow partial" is
ticked. (test_moodle_xml.py has the parser's side of the DTD attacks.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.formats import parse_moodle_xml
from quizzes.formats.moodle_xml import MAX_DEPTH
from quizzes.models import Question, QuestionVersion

from .test_moodle_xml import BILLION_LAUGHS

IMPORT_URL = "/admin/quizzes/question/import/"
GOOD = (
    '<question type="truefalse"><name><text>Fine {n}</text></name>\n'
    "<questiontext><text>Adam keeps two moving averages ({n}).</text></questiontext>\n"
    '<answer fraction="100"><text>true</text></answer>\n'
    '<answer fraction="0"><text>false</text></answer></question>\n'
)


def _bank(*middle: str) -> str:
    """A file with a good question before and after the hostile part."""
    return "<quiz>\n" + GOOD.format(n=1) + "".join(middle) + GOOD.format(n=2) + "</quiz>\n"


def _deep(levels: int) -> str:
    # One element a line, so the line of the refusal says how deep it got.
    return "<b>\n" * levels + "x" + "</b>" * levels


DEEP_TEXT = _bank(
    '<question type="essay"><name><text>Deep</text></name>\n<questiontext><text>',
    _deep(5000),
    "</text></questiontext></question>\n",
)
NUL_TEXT = _bank(
    '<question type="essay"><name><text>Binary</text></name>\n'
    "<questiontext><text>What does a NUL\x00 do here?</text></questiontext></question>\n"
)


def _post(client, text: str | bytes, name: str = "bank.xml", **fields: str):
    data = text.encode() if isinstance(text, str) else text
    upload = SimpleUploadedFile(name, data, "text/xml")
    return client.post(IMPORT_URL, {"fmt": "auto", "allow_partial": "on", **fields, "file": upload})


def _nothing_written() -> None:
    assert not Question.objects.exists() and not QuestionVersion.objects.exists()


# --- the parser ---------------------------------------------------------------------------------
def test_elements_nested_beyond_the_limit_are_refused_at_their_line():
    (error,) = parse_moodle_xml(DEEP_TEXT).errors
    # The essay's <question> is on line 6, its <text> on 7; the <b> elements one a line after.
    assert error.line == 7 + (MAX_DEPTH - 4)
    assert f"nested more than {MAX_DEPTH} deep, refused" in error.message
    assert parse_moodle_xml(DEEP_TEXT).questions == []


def test_a_nesting_moodle_writes_is_well_inside_the_limit():
    text = _bank("<!-- " + "x" * 10 + " -->\n")
    assert len(parse_moodle_xml(text).questions) == 2
    nested = "<quiz>" + "<b>" * (MAX_DEPTH - 1) + "</b>" * (MAX_DEPTH - 1) + "</quiz>"
    assert parse_moodle_xml(nested).errors == []


# --- the admin's import page --------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", ["", "on"])
def test_a_file_nested_5000_deep_is_a_400_with_its_line(instructor_client, dry_run):
    response = _post(instructor_client, DEEP_TEXT, dry_run=dry_run)
    html = response.content.decode()
    assert response.status_code == (200 if dry_run else 400)
    assert f"Line {7 + MAX_DEPTH - 4}: elements are nested more than {MAX_DEPTH} deep" in html
    _nothing_written()


@pytest.mark.django_db
def test_billion_laughs_is_a_400_and_writes_nothing(instructor_client):
    response = _post(instructor_client, BILLION_LAUGHS)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Line 2: declares a DTD (&lt;!DOCTYPE&gt;), refused" in html
    assert "lollol" not in html
    _nothing_written()


@pytest.mark.django_db
def test_a_nul_byte_in_a_question_text_is_a_400_and_writes_nothing(instructor_client):
    response = _post(instructor_client, NUL_TEXT)
    html = response.content.decode()
    assert response.status_code == 400
    line = NUL_TEXT.split("\n").index(next(x for x in NUL_TEXT.split("\n") if "\x00" in x)) + 1
    assert f"Line {line}: contains a NUL character: is this a text file?" in html
    # The good questions around it are not imported either: a NUL means a binary file.
    _nothing_written()


@pytest.mark.django_db
@pytest.mark.slow
def test_a_20_mb_file_is_a_400_and_writes_nothing(instructor_client):
    question = GOOD.format(n="{n}")
    body = "".join(question.format(n=n) for n in range(100_000))
    text = "<quiz>\n" + body + "</quiz>\n"
    assert len(text.encode()) > 20 * 1024 * 1024
    response = _post(instructor_client, text)
    assert response.status_code == 400
    assert "The file is larger than 2 MB." in response.content.decode()
    _nothing_written()


@pytest.mark.django_db
@pytest.mark.slow
def test_20_mb_pasted_instead_of_uploaded_is_a_400_too(instructor_client):
    text = _bank("<!-- " + "x" * (20 * 1024 * 1024) + " -->\n")
    response = instructor_client.post(IMPORT_URL, {"fmt": "moodlexml", "text": text})
    assert response.status_code == 400
    assert "The request is too large" in response.content.decode()
    _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "text"), [("moodlexml", '<?xml version="1.0"?>\n<quiz>\n</quiz>\n'), ("gift", "\n\n")]
)
def test_a_file_without_questions_is_an_error_not_zero_of_zero(fmt, text):
    from quizzes.services.importing import questions_import

    report = questions_import(text=text, fmt=fmt)
    assert report.accepted == 0 and report.errors
    assert "no question to import" in report.errors[0].message
