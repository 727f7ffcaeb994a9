"""Importing into the bank: Moodle fixtures, all or nothing, dry run, the command, DB round trip."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes.formats import export_gift, parse_aiken, parse_gift
from quizzes.formats.result import strip_meta
from quizzes.grading import grade_question
from quizzes.models import Question
from quizzes.services.bank import question_to_data
from quizzes.services.importing import questions_export, questions_import

from .moodle_fixtures import MOODLE, moodle_text

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
KEYS = ("name", "type", "stem", "stem_format", "explanation", "choices", "answers", "pairs")


def _core(q: dict) -> dict:
    """What GIFT carries, ignoring keys the bank adds (slug, difficulty...)."""
    out = {k: q[k] for k in KEYS if k in q}
    if q.get("distractors"):
        out["distractors"] = q["distractors"]
    return out


def test_gift_fixture_imports_nine_questions_of_the_right_types():
    report = questions_import(text=moodle_text("questions.gift.txt"), fmt="gift")
    assert report.ok and report.imported == 9
    types = sorted(Question.objects.values_list("type", flat=True))
    assert types == sorted(
        ["essay", "matching", "single", "multi", "numerical", "short"] + ["truefalse"] * 3
    )
    colours = Question.objects.get(name="colours")
    assert sorted(int(c.fraction) for c in colours.choices.all()) == [-100, -100, 50, 50]
    chat = Question.objects.get(name="Moodle activities").match_pairs.get(right="Chat")
    assert chat.left == ""  # the distractor


def test_numerical_catch_all_grades_like_moodle():
    questions_import(text=moodle_text("questions.gift.txt"), fmt="gift")
    q5 = Question.objects.get(name="Q5")
    assert grade_question(q5, "4.5").fraction == 1
    wrong = grade_question(q5, "10")
    assert wrong.fraction == 0 and "Completely wrong" in wrong.feedback


def test_bank_round_trip_export_then_import_gives_the_same_questions():
    questions_import(text=moodle_text("questions.gift.txt"), fmt="gift")
    text = questions_export(questions=list(Question.objects.order_by("pk")), fmt="gift")
    original = [
        _core(strip_meta(q)) for q in parse_gift(moodle_text("questions.gift.txt")).questions
    ]
    assert [_core(strip_meta(q)) for q in parse_gift(text).questions] == original
    before = Question.objects.count()
    assert questions_import(text=text, fmt="gift").imported == 9
    again = [_core(question_to_data(question=q)) for q in Question.objects.order_by("pk")[before:]]
    first = [_core(question_to_data(question=q)) for q in Question.objects.order_by("pk")[:before]]
    assert again == first


def test_aiken_errors_import_nothing_without_allow_partial():
    before = Question.objects.count()
    report = questions_import(text=moodle_text("aiken_errors.txt"), fmt="aiken")
    assert [e.line for e in report.errors] == [3, 5, 18]
    assert report.imported == 0 and Question.objects.count() == before


def test_aiken_errors_with_allow_partial_import_the_two_good_ones():
    report = questions_import(text=moodle_text("aiken_errors.txt"), fmt="aiken", allow_partial=True)
    assert report.imported == 2 and len(report.errors) == 3
    assert set(Question.objects.values_list("name", flat=True)) == {
        "A good question",
        "A second good question",
    }


def test_aiken_html_is_stored_as_plain_text_and_shown_as_text():
    from quizzes.presenters import render_stem

    questions_import(text=moodle_text("questions.aiken.txt"), fmt="aiken")
    q = Question.objects.get(stem__contains="cool")
    assert q.stem_format == "plain" and '<html class="cool"> &' in q.stem
    html = render_stem(q.stem, q.stem_format)
    assert "&lt;html class=&quot;cool&quot;&gt; &amp; images:" in html and "<html" not in html


def test_dry_run_writes_nothing_but_validates():
    report = questions_import(text=moodle_text("questions.gift.txt"), fmt="gift", dry_run=True)
    assert report.ok and report.accepted == 9 and report.imported == 0
    assert Question.objects.count() == 0
    assert "dry run" in report.summary()


def test_a_question_the_bank_refuses_is_a_line_error_and_rolls_back_the_rest():
    # 99.6% passes the parser's rounding but not the bank's 0.1 tolerance.
    text = "Fine{T}\n\n\nPick{~%33.2%a ~%33.2%b ~%33.2%c ~d}"
    report = questions_import(text=text, fmt="gift")
    assert [e.line for e in report.errors] == [4]
    assert "sum to" in report.errors[0].message
    assert Question.objects.count() == 0


def test_nul_bytes_refuse_the_file_even_with_allow_partial():
    report = questions_import(text="Good{T}\n\nBad\x00{T}", fmt="gift", allow_partial=True)
    assert [e.line for e in report.errors] == [3] and Question.objects.count() == 0


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format"):
        questions_import(text="x", fmt="qti")


def test_import_into_a_section():
    from .factories import make_section

    section = make_section("7.8")
    questions_import(text="Is pooling learnable?{F}", fmt="gift", section=section)
    assert Question.objects.get().section == section


def test_command_imports_and_reports(capsys):
    call_command("import_questions", str(MOODLE / "questions.gift.txt"), "--format", "gift")
    assert "imported 9 of 9" in capsys.readouterr().out
    assert Question.objects.count() == 9


def test_command_prints_line_numbered_errors_and_exits_non_zero():
    err = io.StringIO()
    path = str(MOODLE / "aiken_errors.txt")
    with pytest.raises(CommandError) as exc:
        call_command("import_questions", path, "--format", "aiken", stderr=err)
    # Django's runner turns a CommandError into this exit status.
    assert exc.value.returncode == 1
    for line in (3, 5, 18):
        assert f"aiken_errors.txt:{line}:" in err.getvalue()
    assert Question.objects.count() == 0


def test_command_dry_run_and_allow_partial(capsys):
    path = str(MOODLE / "aiken_errors.txt")
    with pytest.raises(CommandError):
        call_command("import_questions", path, "--format", "aiken", "--dry-run", "--allow-partial")
    assert Question.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("import_questions", path, "--format", "aiken", "--allow-partial")
    assert Question.objects.count() == 2


def test_command_rejects_unknown_section_and_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no lesson section"):
        call_command(
            "import_questions",
            str(MOODLE / "questions.gift.txt"),
            "--format",
            "gift",
            "--section",
            "9.9",
        )
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_questions", str(tmp_path / "nope.txt"), "--format", "gift")


@pytest.mark.subprocess
def test_command_help_describes_the_options():
    out = subprocess.run(
        [sys.executable, "manage.py", "import_questions", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out = " ".join(out.split())  # argparse wraps lines
    for option in ("--format", "--dry-run", "--allow-partial", "--section", "All or nothing"):
        assert option in out


def test_exported_gift_of_other_fixture_parses():
    assert parse_gift(export_gift([])).questions == []


# --- admin: import page and export actions -------------------------------------------------------
IMPORT_URL = "/admin/quizzes/question/import/"


def _upload(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, (MOODLE / name).read_bytes(), content_type="text/plain")


def test_admin_import_page_is_for_instructors(instructor_client, student_client):
    assert instructor_client.get(IMPORT_URL).status_code == 200
    response = student_client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    changelist = instructor_client.get("/admin/quizzes/question/").content.decode()
    assert IMPORT_URL in changelist


def test_admin_import_is_all_or_nothing_with_line_numbers(instructor_client, instructor):
    form = {"fmt": "aiken", "file": _upload("aiken_errors.txt")}
    html = instructor_client.post(IMPORT_URL, form).content.decode()
    for line in (3, 5, 18):
        assert f"Line {line}:" in html
    assert Question.objects.count() == 0
    form = {"fmt": "aiken", "file": _upload("aiken_errors.txt"), "allow_partial": "on"}
    instructor_client.post(IMPORT_URL, form)
    assert Question.objects.count() == 2
    assert set(Question.objects.values_list("created_by", flat=True)) == {instructor.pk}


def test_admin_import_pasted_gift_and_dry_run(instructor_client):
    text = moodle_text("questions.gift.txt")
    html = instructor_client.post(IMPORT_URL, {"fmt": "gift", "text": text, "dry_run": "on"})
    assert "dry run" in html.content.decode() and Question.objects.count() == 0
    instructor_client.post(IMPORT_URL, {"fmt": "gift", "text": text})
    assert Question.objects.count() == 9


def test_admin_import_refuses_empty_and_binary(instructor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert "Upload a file" in instructor_client.post(IMPORT_URL, {"fmt": "gift"}).content.decode()
    binary = SimpleUploadedFile("x.txt", b"\xff\xfe\x00bad")
    html = instructor_client.post(IMPORT_URL, {"fmt": "gift", "file": binary}).content.decode()
    assert "not UTF-8" in html


def test_admin_export_gift_action_downloads_what_was_imported(instructor_client):
    questions_import(text=moodle_text("questions.gift.txt"), fmt="gift")
    ids = list(Question.objects.values_list("pk", flat=True))
    response = instructor_client.post(
        "/admin/quizzes/question/", {"action": "export_gift", "_selected_action": ids}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="questions.gift.txt"'
    names = [q["name"] for q in parse_gift(response.content.decode()).questions]
    assert sorted(names) == sorted(Question.objects.values_list("name", flat=True))


def test_admin_export_warns_about_ordering_questions(instructor_client):
    from .factories import make_question

    ordering = make_question("ordering")
    response = instructor_client.post(
        "/admin/quizzes/question/", {"action": "export_gift", "_selected_action": [ordering.pk]}
    )
    assert response.content.decode().startswith("// skipped: ordering")
    page = instructor_client.get("/admin/quizzes/question/").content.decode()
    assert "no GIFT form" in page


def test_admin_export_aiken_skips_other_types_with_a_warning(instructor_client):
    questions_import(text=moodle_text("questions.gift.txt"), fmt="gift")
    ids = list(Question.objects.values_list("pk", flat=True))
    response = instructor_client.post(
        "/admin/quizzes/question/", {"action": "export_aiken", "_selected_action": ids}
    )
    assert [q["name"] for q in parse_aiken(response.content.decode()).questions] == [
        "What's between orange and green in the spectrum?"
    ]
    page = instructor_client.get("/admin/quizzes/question/").content.decode()
    assert "left out of the Aiken file" in page and "Aiken cannot hold it" in page
    single = Question.objects.get(name="Q2").pk
    response = instructor_client.post(
        "/admin/quizzes/question/", {"action": "export_aiken", "_selected_action": [single]}
    )
    assert response.content.decode().endswith("ANSWER: A\n")


def test_quiz_admin_links_to_the_statistics_report(instructor_client):
    from .factories import make_quiz

    quiz = make_quiz(["single"])
    html = instructor_client.get("/admin/quizzes/quiz/").content.decode()
    assert f"/quizzes/{quiz.pk}/report/" in html


def test_reimporting_an_exported_bank_question_updates_it_in_place():
    from glossary.services import TermData, term_upsert

    from .factories import make_question, make_section

    term_upsert(
        data=TermData(slug="pooling-layer", name="Pooling layer", definition="d", category="layers")
    )
    section = make_section("7.8")
    original = make_question(
        "single",
        section,
        slug="7.8-pool",
        difficulty="hard",
        tags=["cnn"],
        topic="cnn",
        terms=["pooling-layer"],
    )
    text = questions_export(questions=[original], fmt="gift")
    edited = text.replace("Which layer shrinks feature maps?", "Which layer downsamples?")
    report = questions_import(text=edited, fmt="gift")
    assert report.ok and Question.objects.count() == 1
    again = Question.objects.get()
    assert again.pk == original.pk and again.stem == "Which layer downsamples?"
    assert (again.difficulty, again.tags, again.section, again.topic.slug) == (
        "hard",
        ["cnn"],
        section,
        "cnn",
    )
    assert list(again.terms.values_list("slug", flat=True)) == ["pooling-layer"]
    other = make_section("6.1")
    moved = questions_import(text=edited.replace("7.8-pool", "6.1-pool"), fmt="gift", section=other)
    assert moved.ok and Question.objects.get(slug="6.1-pool").topic is None


def _load_bundled_content() -> None:
    import glossary.content
    import lessons.content
    import quizzes.content

    for module in (glossary.content, lessons.content, quizzes.content):
        module.load(stdout=io.StringIO())


@pytest.mark.slow
def test_the_whole_bundled_bank_survives_gift_export_and_reimport():
    """Real data: every bank question but ordering (which GIFT cannot hold) comes back equal."""
    _load_bundled_content()
    bank = list(Question.objects.order_by("pk"))
    assert len(bank) >= 80
    before = {q.slug: question_to_data(question=q) for q in bank}
    text = questions_export(questions=bank, fmt="gift")
    report = questions_import(text=text, fmt="gift")
    assert report.ok, report.errors[:3]
    assert Question.objects.count() == len(bank)  # updated in place by slug, no copies
    gift_types = [d for d in before.values() if d["type"] != "ordering"]
    assert report.imported == len(gift_types)
    for question in Question.objects.exclude(type="ordering"):
        after = question_to_data(question=question)
        assert _trimmed(after) == _trimmed(before[question.slug]), question.slug


def _trimmed(value):
    """GIFT trims texts, so a YAML block's trailing newline (insignificant in Markdown) goes."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return {k: _trimmed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_trimmed(v) for v in value]
    return value
