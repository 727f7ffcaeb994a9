"""GIFT: Moodle's own fixture imports as Moodle imports it, syntax, errors and round trips."""

from __future__ import annotations

import pytest

from quizzes.formats import export_gift, parse_gift
from quizzes.formats.result import strip_meta

from .moodle_fixtures import moodle_text


@pytest.fixture(scope="module")
def moodle():
    result = parse_gift(moodle_text("questions.gift.txt"))
    assert result.errors == []
    return {q["name"]: q for q in result.questions}, result.questions


def test_moodle_fixture_gives_the_nine_questions_moodle_makes(moodle):
    _, questions = moodle
    assert [(q["name"], q["type"], q["line"]) for q in questions] == [
        ("Q8", "essay", 2),
        ("Moodle activities", "matching", 5),
        ("Q2", "single", 14),
        ("colours", "multi", 22),
        ("Q5", "numerical", 31),
        ("Shortanswer", "short", 34),
        ("Q1", "truefalse", 41),
        ("2-08 TSL", "truefalse", 46),
        ("2-08 TSL", "truefalse", 49),
    ]


def test_matching_keeps_formats_pairs_and_the_distractor(moodle):
    q = moodle[0]["Moodle activities"]
    assert q["stem"] == "Match the <b>activity</b> to the description."
    assert q["stem_format"] == "html"
    assert [p["right"] for p in q["pairs"]] == ["Forum", "Choice", "Database", "Wiki"]
    assert q["pairs"][1]["left"].startswith("A teacher asks")  # the [moodle] marker is gone
    assert q["distractors"] == ["Chat"]


def test_single_choice_weights_and_feedback(moodle):
    q = moodle[0]["Q2"]
    assert q["choices"] == [
        {"text": "yellow", "fraction": 100, "feedback": "right; good!"},
        {"text": "red", "fraction": 0, "feedback": "wrong, it's yellow"},
        {"text": "blue", "fraction": 0, "feedback": "wrong, it's yellow"},
    ]


def test_multiple_response_has_negative_weights(moodle):
    q = moodle[0]["colours"]
    assert [(c["text"], c["fraction"]) for c in q["choices"]] == [
        ("yellow", 50),
        ("red", -100),
        ("off-beige", 50),
        ("blue", -100),
    ]
    assert q["choices"][1]["feedback"] == "wrong"


def test_numerical_tolerance_and_catch_all_despite_the_stray_quote(moodle):
    q = moodle[0]["Q5"]
    # The `";` after the block (the end of a PHP string in Moodle's test) is text after the
    # answer, so, as Moodle's importer does (the text does not end in "}"), a blank marks it.
    assert q["stem"] == 'What is a number from 1 to 5? _____";'
    assert q["answers"] == [
        {"value": 3, "tolerance": 2, "fraction": 100, "feedback": ""},
        {"value": "*", "tolerance": 0, "fraction": 0, "feedback": "Completely wrong"},
    ]


def test_short_answer_weights_and_wildcard(moodle):
    q = moodle[0]["Shortanswer"]
    assert [(a["text"], a["fraction"], a["feedback"]) for a in q["answers"]] == [
        ("Frog", 100, "Good!"),
        ("Cat", 50, "What is it with Moodlers and cats?"),
        ("*", 0, "Completely wrong"),
    ]


def test_true_false_feedback_goes_to_the_right_choice_and_general_feedback(moodle):
    q = moodle[0]["Q1"]
    true, false = q["choices"]
    assert (true["text"], true["fraction"], true["feedback"]) == (
        "True",
        0,
        "42 is the Ultimate Answer.",
    )
    assert (false["fraction"], false["feedback"]) == (100, "You gave the right answer.")
    assert q["explanation"] == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    for short_form in moodle[1][-2:]:
        assert [c["fraction"] for c in short_form["choices"]] == [100, 0]


def test_essay_and_description():
    result = parse_gift("Write about CNNs.{}\n\n::Intro::Read this first.")
    essay, description = result.questions
    assert (essay["type"], essay["stem"]) == ("essay", "Write about CNNs.")
    assert (description["type"], description["name"], description["line"]) == (
        "description",
        "Intro",
        3,
    )


def test_escapes_categories_and_comments():
    text = (
        "// a comment\n$CATEGORY: $course$/Deep\n\n"
        "::a\\:b:: Is 2 \\= 1\\+1 \\{really\\}? // not a comment{T#no \\# here}\n"
    )
    result = parse_gift(text)
    assert result.errors == []
    (q,) = result.questions
    assert q["name"] == "a:b"
    assert q["stem"] == "Is 2 = 1\\+1 {really}? // not a comment"
    assert q["choices"][1]["feedback"] == "no # here"
    assert q["category"] == "Deep"  # Moodle's context prefix is Moodle's; the path is ours


def test_numerical_range_and_several_weighted_answers():
    text = "Pi?{#\n=3.1416:0.0001#exact\n=%50%3.1:0.1#close\n}\n\nFrom one to five{#1..5}"
    pi, band = parse_gift(text).questions
    assert [(a["value"], a["tolerance"], a["fraction"]) for a in pi["answers"]] == [
        (3.1416, 0.0001, 100),
        (3.1, 0.1, 50),
    ]
    assert (band["answers"][0]["value"], band["answers"][0]["tolerance"]) == (3, 2)


def test_missing_word_format_inserts_a_blank():
    (q,) = parse_gift("Pooling {=reduces ~adds} the size of feature maps.").questions
    assert q["stem"] == "Pooling _____ the size of feature maps."


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("ok{T}\n\n\n::bad:: oops {=a ~b", 4, "unbalanced braces"),
        ("ok{T}\n\nNumber{#abc}", 3, "not a number"),
        ("Pick one{~a ~b}", 1, "100%"),
        ("Pick some{~%50%a ~%20%b ~c}", 1, "add up to 70%"),
        ("Match{=a -> 1 =b}", 1, "question -> answer"),
        ("::unclosed name{T}", 1, "name is not closed"),
        ("\n\n::n::{T}", 3, "no text"),
    ],
)
def test_errors_carry_the_line_of_their_question(text, line, fragment):
    result = parse_gift(text)
    assert [e.line for e in result.errors] == [line]
    assert fragment in result.errors[0].message


def test_good_questions_still_parse_beside_bad_ones():
    result = parse_gift("Good{T}\n\nBad{#x}\n\nAlso good{=yes =oui}")
    assert [q["name"] for q in result.questions] == ["Good", "Also good"]
    assert [e.line for e in result.errors] == [3]


def test_moodle_fixture_round_trips_through_export():
    first = parse_gift(moodle_text("questions.gift.txt")).questions
    text = export_gift(first)
    # Stems always say their format, so Moodle renders our Markdown as Markdown.
    assert "::Q2::[markdown]What's between" in text and "::Moodle activities::[html]" in text
    again = parse_gift(text)
    assert again.errors == []
    assert [strip_meta(q) for q in again.questions] == [strip_meta(q) for q in first]


def test_export_escapes_special_characters_and_markers():
    question = {
        "name": "x: {y}",
        "type": "single",
        "stem": "[html] is literal; a=b ~c #d \\e\nline two",
        "stem_format": "markdown",
        "explanation": "gen ####",
        "choices": [
            {"text": "%50% right", "fraction": 100, "feedback": "f#1"},
            {"text": "-> wrong", "fraction": 0, "feedback": ""},
        ],
    }
    (back,) = parse_gift(export_gift([question])).questions
    assert strip_meta(back) == question


def test_ordering_questions_are_skipped_with_a_comment():
    text = export_gift([{"name": "Order", "type": "ordering", "stem": "s", "items": ["a", "b"]}])
    assert text.startswith("// skipped: ordering")
    assert parse_gift(text).questions == []


def test_bank_metadata_travels_in_a_comment_moodle_ignores():
    question = {
        "name": "Pooling",
        "type": "truefalse",
        "stem": "Pooling has weights.",
        "stem_format": "markdown",
        "explanation": "",
        "choices": [
            {"text": "True", "fraction": 0, "feedback": ""},
            {"text": "False", "fraction": 100, "feedback": ""},
        ],
        "slug": "7.8-pooling-weights",
        "difficulty": "easy",
        "tags": ["cnn", "pooling"],
        "terms": ["pooling-layer"],
    }
    text = export_gift([question])
    assert text.startswith('// @dlp {"difficulty": "easy", "slug": "7.8-pooling-weights"')
    (back,) = parse_gift(text).questions
    assert strip_meta(back) == question


@pytest.mark.parametrize(
    ("meta", "fragment"),
    [("{not json", "not valid JSON"), ('{"colour": "red"}', "unknown"), ('{"tags": "x"}', "list")],
)
def test_bad_metadata_is_a_line_error(meta, fragment):
    result = parse_gift(f"Good{{T}}\n\n// @dlp {meta}\n::q::Bad?{{F}}")
    assert [e.line for e in result.errors] == [4] and fragment in result.errors[0].message
    assert [q["name"] for q in result.questions] == ["Good"]


def test_byte_order_mark_and_windows_line_endings():
    (q,) = parse_gift("\ufeff::Q::Is it?\r\n{T}\r\n").questions
    assert (q["name"], q["type"], q["line"]) == ("Q", "truefalse", 1)


@pytest.mark.subprocess
def test_the_formats_package_imports_no_django():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, quizzes.formats; assert not any(m.startswith('django') for m in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def test_idnumber_and_tags_from_the_comment_lines_as_moodle_writes_them():
    text = (
        "// question: 12  name: E\n// [id:ep\\]1] [tag:training] [tag:week 2]\n"
        "::E:: One pass over the data is called an {=epoch}.\n\n"
        "// [tag:alone]\n\n::F:: No tags of its own {T}\n"
    )
    first, second = parse_gift(text).questions
    assert (first["idnumber"], first["tags"]) == ("ep]1", ["training", "week 2"])
    # A comment cut off by a blank line belongs to no question, as in Moodle.
    assert "tags" not in second and "idnumber" not in second


def test_text_after_the_answer_even_punctuation_makes_a_blank():
    (q,) = parse_gift("One pass over the data is called an {=epoch}.").questions
    assert q["stem"] == "One pass over the data is called an _____."
    (q,) = parse_gift("What is 2 + 2? {=4}").questions
    assert q["stem"] == "What is 2 + 2?"


def test_category_idnumber_and_tags_survive_export():
    text = "$CATEGORY: $course$/top/Week 1\n\n// [id:e1] [tag:a]\n::E:: An {=epoch}.\n"
    questions = parse_gift(text).questions
    exported = export_gift(questions)
    assert exported.startswith("$CATEGORY: Week 1\n")
    assert "// [id:e1] [tag:a]\n::E::" in exported
    assert "@dlp" not in exported  # tags go in Moodle's own line, not our metadata
    assert [strip_meta(q) for q in parse_gift(exported).questions] == [
        strip_meta(q) for q in questions
    ]
