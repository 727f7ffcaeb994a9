"""Issue 16: a Moodle XML question's images (base64 <file> elements).

Read from the bytes (PNG, JPEG, GIF, WebP; SVG and anything else refused with the <file>'s
line), names that could be paths refused, size limits from settings, stored in the import's
transaction, served only to whoever may see them now (a student: their own attempt's question;
a feedback image only once the review options show that feedback), exported byte for byte.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from quizzes import services
from quizzes.formats import files as qfiles
from quizzes.formats import parse_moodle_xml
from quizzes.formats.moodle_xml import export_moodle_xml
from quizzes.formats.result import FormatError
from quizzes.models import Question, QuestionFile, Quiz, QuizSlot
from quizzes.presenters import render_stem
from quizzes.review import ALL_TIMES
from quizzes.services.importing import questions_import

from .factories import make_section

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 8
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L" + b"\x00" * 14
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def file_el(name: str, data: bytes) -> str:
    return f'<file name="{name}" path="/" encoding="base64">{b64(data)}</file>'


def question_xml(
    *,
    stem_files: str = "",
    name: str = "pic.png",
    feedback: str = "",
    hint: str = "",
    answer_feedback: str = "",
) -> str:
    """One single-choice question; its stem shows @@PLUGINFILE@@/<name>."""
    return (
        '<question type="multichoice">\n'
        "<name><text>Pictured</text></name>\n"
        '<questiontext format="html"><text><![CDATA[<p>Look <img src="@@PLUGINFILE@@/'
        f'{name}" alt="a plot"></p>]]></text>\n'
        f"{stem_files}\n</questiontext>\n"
        f'<generalfeedback format="html">{feedback}</generalfeedback>\n'
        "<single>true</single>\n"
        '<answer fraction="100"><text>Up</text><feedback><text>right</text>'
        f"{answer_feedback}</feedback></answer>\n"
        '<answer fraction="0"><text>Down</text><feedback><text></text></feedback></answer>\n'
        f"{hint}</question>\n"
    )


def quiz_xml(*questions: str) -> str:
    return "<quiz>\n" + "".join(questions) + "</quiz>\n"


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# --- the parser ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "content_type"),
    [(PNG, "image/png"), (GIF, "image/gif"), (JPEG, "image/jpeg"), (WEBP, "image/webp")],
)
def test_the_type_is_read_from_the_bytes_not_the_name(data, content_type):
    text = quiz_xml(question_xml(stem_files=file_el("pic.png", data)))
    (question,) = parse_moodle_xml(text).questions
    (file,) = question["files"]
    assert (file["content_type"], file["data"], file["size"]) == (content_type, data, len(data))


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (SVG, "not a PNG, JPEG, GIF or WebP image"),
        (b"<html><script>alert(1)</script></html>", "not a PNG, JPEG, GIF or WebP image"),
        (b"%PDF-1.7\n", "not a PNG, JPEG, GIF or WebP image"),
    ],
)
def test_svg_and_other_files_are_refused_with_the_line_of_their_file(data, why):
    good = question_xml(stem_files=file_el("pic.png", PNG))
    text = quiz_xml(good, question_xml(stem_files=file_el("pic.png", data)))
    result = parse_moodle_xml(text)
    assert len(result.questions) == 1  # the other question still parses
    (error,) = result.errors
    second_file = text.count("\n", 0, text.index("<file ", text.index("<file ") + 1)) + 1
    assert error.line == second_file and why in error.message
    assert "'pic.png'" in error.message


def test_a_file_that_is_not_base64_is_refused():
    text = quiz_xml(question_xml(stem_files='<file name="pic.png" encoding="base64">@@@</file>'))
    (error,) = parse_moodle_xml(text).errors
    assert "not valid base64" in error.message and error.line == line_of(text, "<file ")


def test_file_and_import_size_limits():
    big = PNG + b"\x00" * 200
    text = quiz_xml(question_xml(stem_files=file_el("pic.png", big)))
    (error,) = parse_moodle_xml(text, file_limits=qfiles.FileLimits(100, 10_000)).errors
    assert "larger than 100 bytes" in error.message and error.line == line_of(text, "<file ")
    assert parse_moodle_xml(text, file_limits=qfiles.FileLimits(1000, 10_000)).ok

    # Two questions of 270 bytes each: the second takes the import past 500.
    two = quiz_xml(*[question_xml(stem_files=file_el("pic.png", big))] * 2)
    result = parse_moodle_xml(two, file_limits=qfiles.FileLimits(1000, 500))
    assert len(result.questions) == 1
    (error,) = result.errors
    assert "past 500 bytes of files in all" in error.message


def test_the_service_takes_its_limits_from_settings(settings, db):
    settings.QUIZ_FILE_MAX_BYTES = 50
    text = quiz_xml(question_xml(stem_files=file_el("pic.png", PNG)))
    report = questions_import(text=text, fmt="moodlexml")
    assert not report.ok and "larger than 50 bytes" in str(report.errors[0])
    assert not QuestionFile.objects.exists() and not Question.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["../pic.png", "/etc/passwd", "a/b.png", "..\\pic.png", "x" * 101 + ".png", ".htaccess", ""],
)
def test_names_that_are_paths_or_too_long_are_refused(name):
    text = quiz_xml(question_xml(stem_files=file_el(name, PNG), name=name))
    (error,) = parse_moodle_xml(text).errors
    assert error.line == line_of(text, "<file ")
    assert "file name" in error.message


@pytest.mark.parametrize("name", ["a\x00.png", "a\n.png", "a\x7f.png", "a\ufffd.png"])
def test_control_characters_in_names_are_refused(name):
    with pytest.raises(FormatError, match="file name"):
        qfiles.clean_name(name)


def test_a_nul_in_a_file_name_fails_the_whole_import(db):
    text = quiz_xml(question_xml(stem_files=file_el("a\x00b.png", PNG), name="a\x00b.png"))
    report = questions_import(text=text, fmt="moodlexml", allow_partial=True)
    assert not report.ok and not QuestionFile.objects.exists()


def test_a_name_is_normalized_and_spaces_are_kept():
    text = quiz_xml(question_xml(stem_files=file_el(" my plot.png ", PNG), name="my%20plot.png"))
    (question,) = parse_moodle_xml(text).questions
    assert question["files"][0]["name"] == "my plot.png"


def test_a_reference_to_a_missing_file_and_files_in_other_places_are_refused():
    text = quiz_xml(question_xml(stem_files=file_el("other.png", PNG)))
    (error,) = parse_moodle_xml(text).errors
    assert "'pic.png'" in error.message and "lacks" in error.message

    elsewhere = quiz_xml(
        question_xml(stem_files=file_el("pic.png", PNG)).replace(
            "</question>",
            f"<correctfeedback><text>yes</text>{file_el('x.png', PNG)}</correctfeedback>"
            "</question>",
        )
    )
    (error,) = parse_moodle_xml(elsewhere).errors
    assert "<correctfeedback>" in error.message and error.line == line_of(elsewhere, "x.png")


def test_every_area_round_trips_byte_for_byte():
    text = quiz_xml(
        question_xml(
            stem_files=file_el("pic.png", PNG),
            feedback='<text><![CDATA[<img src="@@PLUGINFILE@@/fb.gif">]]></text>'
            + file_el("fb.gif", GIF),
            hint='<hint format="html"><text><![CDATA[See <img src="@@PLUGINFILE@@/h.jpg">]]>'
            f"</text>{file_el('h.jpg', JPEG)}</hint>\n",
            answer_feedback=file_el("af.webp", WEBP),
        )
    )
    (question,) = parse_moodle_xml(text).questions
    areas = {f["area"]: (f["name"], f["data"]) for f in question["files"]}
    assert areas == {
        "questiontext": ("pic.png", PNG),
        "generalfeedback": ("fb.gif", GIF),
        "hint": ("h.jpg", JPEG),
        "answerfeedback": ("af.webp", WEBP),
    }
    (again,) = parse_moodle_xml(export_moodle_xml([question])).questions
    assert again["files"] == question["files"]


# --- the import service ------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_dry_run_stores_no_file_and_a_failing_import_none():
    good = question_xml(stem_files=file_el("pic.png", PNG))
    report = questions_import(text=quiz_xml(good), fmt="moodlexml", dry_run=True)
    assert report.ok and report.accepted == 1 and not QuestionFile.objects.exists()

    bad = question_xml(stem_files=file_el("pic.png", SVG))
    report = questions_import(text=quiz_xml(good, bad), fmt="moodlexml")
    assert not report.ok and not QuestionFile.objects.exists() and not Question.objects.exists()

    report = questions_import(text=quiz_xml(good), fmt="moodlexml")
    (stored,) = QuestionFile.objects.all()
    assert (stored.question_id, bytes(stored.data), stored.size) == (
        report.question_ids[0],
        PNG,
        len(PNG),
    )
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()


# --- who may see a file ------------------------------------------------------------------------
def _pictured_quiz(**review: int) -> tuple[Quiz, Question]:
    text = quiz_xml(
        question_xml(
            stem_files=file_el("pic.png", PNG),
            feedback='<text><![CDATA[<p>Why: <img src="@@PLUGINFILE@@/why.png"></p>]]></text>'
            + file_el("why.png", PNG),
            answer_feedback=file_el("up.png", PNG),
        )
    )
    section = make_section()
    report = questions_import(text=text, fmt="moodlexml", section=section)
    assert report.ok, report.errors
    question = Question.objects.get(pk=report.question_ids[0])
    quiz = Quiz.objects.create(section=section, title="Pictures", shuffle_answers=False, **review)
    QuizSlot.objects.create(quiz=quiz, question=question, order=0)
    return quiz, question


def _url(question: Question, area: str, name: str) -> str:
    return f"/quizzes/files/{question.pk}/{area}/{name}"


@pytest.mark.django_db
def test_a_student_sees_their_question_s_image_others_get_404(
    student, student_client, other_client, instructor_client
):
    quiz, question = _pictured_quiz()
    url = _url(question, "questiontext", "pic.png")
    assert student_client.get(url).status_code == 404  # no attempt yet
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    shown = student_client.get(url)
    assert shown.status_code == 200 and shown.content == PNG
    assert shown["Content-Type"] == "image/png"
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert shown["Content-Disposition"] == 'inline; filename="pic.png"'
    assert shown["Cache-Control"].startswith("private")
    assert other_client.get(url).status_code == 404  # another student
    assert Client().get(url).status_code == 404  # nobody logged in
    assert instructor_client.get(url).status_code == 200
    assert instructor_client.get(_url(question, "questiontext", "nope.png")).status_code == 404
    assert instructor_client.get(_url(question, "hint", "pic.png")).status_code == 404
    # The page's stem points at the file; the CSP stays img-src 'self' data:.
    page = student_client.get(f"/quizzes/attempt/{attempt.pk}/")
    assert f'<img src="{url}" alt="a plot">' in page.content.decode()
    assert "img-src 'self' data:" in page["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_feedback_image_shows_only_when_the_review_options_show_feedback(
    student, student_client, other_student, other_client
):
    quiz, question = _pictured_quiz()
    url = _url(question, "generalfeedback", "why.png")
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    assert student_client.get(url).status_code == 404  # not locked yet
    services.attempt_submit(attempt=attempt, now=timezone.now())
    assert student_client.get(url).status_code == 200  # locked, feedback shown (defaults)
    assert other_client.get(url).status_code == 404

    hidden, other_question = _pictured_quiz(review_general_feedback=0)
    theirs = services.attempt_start(quiz=hidden, user=other_student, now=timezone.now())
    services.attempt_submit(attempt=theirs, now=timezone.now())
    hidden_url = _url(other_question, "generalfeedback", "why.png")
    assert other_client.get(hidden_url).status_code == 404  # locked, but feedback not shown
    assert other_client.get(_url(other_question, "questiontext", "pic.png")).status_code == 200
    Quiz.objects.filter(pk=hidden.pk).update(review_general_feedback=ALL_TIMES)
    assert other_client.get(hidden_url).status_code == 200  # now the review options allow it


@pytest.mark.django_db
@pytest.mark.parametrize("specific", [ALL_TIMES, 0])
def test_an_answer_feedback_image_follows_the_specific_feedback_option(
    specific, student, student_client
):
    quiz, question = _pictured_quiz(review_specific_feedback=specific)
    url = _url(question, "answerfeedback", "up.png")
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    assert student_client.get(url).status_code == 404
    services.attempt_submit(attempt=attempt, now=timezone.now())
    assert student_client.get(url).status_code == (200 if specific else 404)


def test_stems_keep_only_our_own_images():
    html = render_stem(
        '<p><img src="@@PLUGINFILE@@/pic.png" alt="ours"><img src="https://evil.example/x.png">'
        '<img src="data:image/png;base64,AAAA"><img src="/media/x.png"></p>',
        "html",
        question_id=7,
    )
    assert html.count("<img") == 4
    assert html.count("src=") == 1 and 'src="/quizzes/files/7/questiontext/pic.png"' in html
    markdown = render_stem("![ours](@@PLUGINFILE@@/pic.png) ![theirs](http://x/y.png)", "markdown")
    assert "src=" not in markdown  # without its question there is no URL to point at
