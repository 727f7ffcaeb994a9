"""The question types of issue 16 §2, each one module in quizzes/qtypes/: grading (right,
partly right, wrong), their spec checked by the bank, statistics and GIFT."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes import qtypes, services
from quizzes.models import Question
from quizzes.services.bank import QuestionDataError, question_to_data
from quizzes.statistics.queries import _response_labels

from .factories import QUESTION_DATA, make_question, make_quiz

pytestmark = pytest.mark.django_db


def _grade(question: Question, response) -> Decimal | None:
    question = Question.objects.prefetch_related("numerical_answers", "choices").get(pk=question.pk)
    return qtypes.grade_question(question, response).fraction


# --- short answer options ---------------------------------------------------------------------


def test_short_answer_case_sensitive_option_is_stored_and_graded():
    question = make_question("short", spec={"case_sensitive": True})
    assert question.spec == {"case_sensitive": True}
    assert _grade(question, "SECRETRELU") == 1
    assert _grade(question, "secretrelu") == 0
    assert question_to_data(question=question)["spec"] == {"case_sensitive": True}
    with pytest.raises(QuestionDataError, match="case_sensitive must be true or false"):
        make_question("short", spec={"case_sensitive": "yes"})
    with pytest.raises(QuestionDataError, match="unknown spec keys: colour"):
        make_question("short", spec={"colour": "red"})


# --- numerical with units ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"number": "26", "unit": "m"}, "1"),
        ({"number": "2600", "unit": "cm"}, "1"),  # converted by the unit's multiplier
        ({"number": "26", "unit": ""}, "0.5"),  # the unit penalty, of the response's grade
        ({"number": "26", "unit": "cm"}, "0"),  # 0.26 m: wrong
        ({"number": "abc", "unit": "m"}, "0"),
    ],
)
def test_numerical_with_chosen_units(response, expected):
    question = make_question("numerical_units")
    assert _grade(question, response) == Decimal(expected)


@pytest.mark.parametrize(
    ("response", "expected"),
    [("26 m", "1"), ("2600cm", "1"), ("26", "1"), ("26 km", "0.9"), ("2 m", "0")],
)
def test_numerical_with_typed_units_optional(response, expected):
    spec = {"units": [{"unit": "m", "multiplier": 1}, {"unit": "cm", "multiplier": 100}]}
    question = make_question("numerical", spec=spec)  # unit_input text, units optional
    assert _grade(question, response) == Decimal(expected)


def test_units_question_grading_penalty_is_of_the_question_and_right_answer_has_the_unit():
    spec = dict(QUESTION_DATA["numerical_units"]["spec"], unit_grading="question")
    spec["unit_penalty"] = 0.25
    question = make_question("numerical_units", spec=spec)
    assert _grade(question, {"number": "26", "unit": "km"}) == Decimal("0.75")
    question = Question.objects.prefetch_related("numerical_answers").get(pk=question.pk)
    assert qtypes.get("numerical").right_answer_text(question) == "26 ± 0.5 m"


def test_units_spec_is_checked():
    bad = {"units": [{"unit": "m", "multiplier": 0}]}
    with pytest.raises(QuestionDataError, match="multiplier must be above 0"):
        make_question("numerical", spec=bad)
    with pytest.raises(QuestionDataError, match="unit_input must be one of"):
        make_question("numerical", spec={"unit_input": "dial"})


def test_a_units_answer_refuses_another_shape():
    with pytest.raises(services.AttemptError):
        services.clean_response("numerical", {"number": "1", "extra": "x"})
    assert services.clean_response("numerical", {"number": "1"}) == {"number": "1", "unit": ""}


# --- select missing words, drag and drop into text ----------------------------------------


@pytest.mark.parametrize("kind", ["gapselect", "ddwtos"])
@pytest.mark.parametrize(
    ("response", "expected"),
    [({"1": 1, "2": 2}, "1"), ({"1": 1, "2": 4}, "0.5"), ({"1": 3, "2": 4}, "0"), ({}, "0")],
)
def test_gap_types_grade_each_gap(kind, response, expected):
    question = make_question(kind)
    assert _grade(question, response) == Decimal(expected)


def test_a_gap_counts_another_choice_of_its_group_with_the_same_text():
    spec = {"choices": [{"text": "ReLU", "group": 1}, {"text": "ReLU", "group": 1}]}
    question = make_question("gapselect", stem="[[1]] and [[2]]", spec=spec)
    assert _grade(question, {"1": 2, "2": 1}) == 1


def test_gap_spec_and_stem_are_checked():
    with pytest.raises(QuestionDataError, match="marks its gaps"):
        make_question("gapselect", stem="No gaps here.")
    with pytest.raises(QuestionDataError, match=r"gap \[\[5\]\] has no choice 5"):
        make_question("ddwtos", stem="[[1]] [[5]]")
    with pytest.raises(QuestionDataError, match="group is a number"):
        make_question("gapselect", spec={"choices": [{"text": "x", "group": 99}]})


@pytest.mark.parametrize("kind", ["gapselect", "ddwtos"])
def test_gap_types_through_the_services_statistics_and_texts(kind, student):
    quiz = make_quiz([kind])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.select_related("question").get()
    services.attempt_save_answer(
        attempt=attempt,
        question_id=item.question_id,
        response={"1": 1, "2": 3},
        now=timezone.now(),
    )
    done = services.attempt_submit(attempt=attempt, now=timezone.now())
    item = done.items.get()
    assert item.fraction == Decimal("0.5")
    question = item.question
    first, _, third, _ = (c["text"] for c in question.spec["choices"])
    labels = _response_labels(question, item.response)
    assert labels == [f"1: {first}; 2: {third}"]
    assert qtypes.get(kind).right_answer_text(question).startswith(f"1: {first}; 2: ")


def test_gap_types_have_no_table_and_no_gift_form():
    for kind in ("gapselect", "ddwtos"):
        assert qtypes.get(kind).relation is None
        assert not qtypes.get(kind).has_gift_form


# --- embedded answers (Cloze) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"1": "clozesecret", "2": "9", "3": 3001, "4": [4001, 4002]}, "1"),
        # weights 1, 2 (the NM gap), 1, 1: (0.5 + 2 + 0 + 0.5) / 5
        ({"1": "clozes", "2": "9", "3": 3002, "4": [4001]}, "0.6"),
        ({"1": "no", "2": "8", "3": 3002, "4": [4003]}, "0"),
    ],
)
def test_cloze_marks_each_gap_separately(response, expected):
    question = make_question("cloze")
    assert _grade(question, response) == Decimal(expected)


def test_cloze_weights_gaps_and_reads_every_kind():
    stem = "{2:SAC:=ReLU} {1:NUMERICAL:=1.5:0.1} {1:MCV:=a~b} {1:MULTICHOICE_HS:=c~d}"
    question = make_question("cloze", stem=stem)
    gaps = question.spec["gaps"]
    assert [(g["kind"], g["display"], g["weight"]) for g in gaps] == [
        ("short", "text", 2),
        ("numerical", "text", 1),
        ("choice", "vertical", 1),
        ("choice", "horizontal", 1),
    ]
    assert gaps[0]["case_sensitive"] and gaps[3]["shuffle"]
    assert question.stem == "[[1]] [[2]] [[3]] [[4]]"  # the answers are not in the stored text
    # relu is wrong case-sensitively: 0 of 2 weights there, 3 of 3 elsewhere
    assert _grade(question, {"1": "relu", "2": "1.55", "3": 3001, "4": 4001}) == Decimal("0.6")


def test_cloze_round_trips_through_the_bank_dict():
    question = make_question("cloze")
    data = question_to_data(question=question)
    assert "{1:SA:=CLOZESECRET#FEEDBACK-cloze-sa~%50%clozes*#FEEDBACK-half}" in data["stem"]
    copy = make_question("cloze", stem=data["stem"], slug="cloze-copy")
    assert copy.spec == question.spec and copy.stem == question.stem


def test_cloze_syntax_errors_are_question_errors():
    with pytest.raises(QuestionDataError, match="unknown Cloze gap type"):
        make_question("cloze", stem="A {1:HOTSPOT:=x} gap.")
    with pytest.raises(QuestionDataError, match="has no right answer"):
        make_question("cloze", stem="A {1:SA:%0%x} gap.")
    with pytest.raises(QuestionDataError, match="needs gaps"):
        make_question("cloze", stem="No gaps.")
    with pytest.raises(QuestionDataError, match="not number:tolerance"):
        make_question("cloze", stem="{1:NM:=abc}")


def test_cloze_through_the_services_tokens_and_statistics(student):
    from .factories import as_sent

    quiz = make_quiz(["cloze"], shuffle_answers=True)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.select_related("question").get()
    stored = {"1": "CLOZESECRET", "2": "9", "3": 3002, "4": [4001]}
    sent = as_sent(item, stored)
    assert isinstance(sent["3"], str) and len(sent["3"]) == 10  # a token, not the id
    from quizzes.tokens import ItemTokens

    assert ItemTokens.of(item).decode(sent) == stored
    services.attempt_save_answer(
        attempt=attempt, question_id=item.question_id, response=stored, now=timezone.now()
    )
    done = services.attempt_submit(attempt=attempt, now=timezone.now())
    item = done.items.get()
    assert item.fraction == Decimal("0.7")  # (1 + 2 + 0 + 0.5) / 5
    assert _response_labels(item.question, item.response) == [
        "1: CLOZESECRET; 2: 9; 3: dropout; 4: ReLU"
    ]


# --- calculated -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"item": 0, "value": "6"}, "1"),  # 3 * 2
        ({"item": 1, "value": "24.1"}, "1"),  # 4 * 6, within 1% relative
        ({"item": 2, "value": "12"}, "0.2"),  # 5 + 7: the partly right formula
        ({"item": 2, "value": "36"}, "0"),
        ({"item": 0, "value": "six"}, "0"),
    ],
)
def test_calculated_grades_against_the_drawn_dataset_item(response, expected):
    question = make_question("calculated")
    assert _grade(question, response) == Decimal(expected)


@pytest.mark.parametrize(
    ("kind", "value", "right"),
    [
        ("nominal", 10.4, True),
        ("nominal", 10.6, False),
        ("relative", 10.4, True),  # 0.5 * 10 = 5 either way
        ("relative", 15.1, False),
        ("geometric", 14.9, True),  # 10 / 1.5 .. 10 * 1.5
        ("geometric", 6.6, False),
    ],
)
def test_calculated_tolerances(kind, value, right):
    from quizzes.qtypes import _formula

    tolerance = 0.5
    assert _formula.within(value, 10.0, tolerance, kind) is right


def test_calculated_display_format_and_a_safe_evaluator():
    from quizzes.qtypes import _formula

    assert _formula.display(2 / 3, "decimals", 2) == "0.67"
    assert _formula.display(12345.6, "significant", 3) == "12300"
    assert _formula.display(0.0012345, "significant", 2) == "0.0012"
    assert _formula.evaluate("sqrt({x}) + pi()", {"x": 4.0}) == pytest.approx(5.14159265)
    for evil in ("__import__('os').system('true')", "().__class__", "9**9**9**9", "{x}.real"):
        with pytest.raises(qtypes.DataError):
            _formula.evaluate(evil, {"x": 2.0})


def test_calculated_generates_datasets_from_ranges_and_checks_formulas():
    spec = {
        "answers": [{"formula": "{a} / {b}", "fraction": 100}],
        "ranges": {"a": {"min": 1, "max": 9, "decimals": 1}, "b": {"min": 1, "max": 3}},
        "items": 5,
    }
    question = make_question("calculated", stem="Divide {a} by {b}.", spec=spec)
    items = question.spec["datasets"]
    assert len(items) == 5 and all(1 <= i["a"] <= 9 and 1 <= i["b"] <= 3 for i in items)
    again = make_question("calculated", stem="Divide {a} by {b}.", spec=spec, slug="again")
    assert again.spec["datasets"] == items  # seeded by the question: saving again draws the same
    assert (
        make_question(
            "calculated",
            stem=question_to_data(question=question)["stem"],
            spec=question_to_data(question=question)["spec"],
            slug="copy",
        ).spec
        == question.spec
    )
    with pytest.raises(QuestionDataError, match=r"no dataset for \{c\}"):
        make_question("calculated", stem="{c}", spec=spec)
    bad = dict(spec, answers=[{"formula": "{a} / 0", "fraction": 100}])
    with pytest.raises(QuestionDataError, match="cannot be computed"):
        make_question("calculated", stem="x", spec=bad)


def test_each_attempt_draws_its_item_the_stem_shows_it_and_the_client_cannot_choose(
    student, student_client
):
    import json

    from quizzes.tokens import ItemTokens

    quiz = make_quiz(["calculated"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.select_related("question").get()
    drawn = item.choice_order["item"]
    n, m = (QUESTION_DATA["calculated"]["spec"]["datasets"][k][drawn] for k in ("n", "m"))
    page = student_client.get(f"/quizzes/attempt/{attempt.pk}/").content.decode()
    assert f"maps {n} inputs to {m} outputs" in page and "{n}" not in page
    assert ItemTokens.of(item).decode(str(n * m)) == {"item": drawn, "value": str(n * m)}
    forged = student_client.post(
        f"/api/quizzes/attempts/{attempt.pk}/answer/",
        json.dumps({"question_id": item.question_id, "response": {"item": 0, "value": "6"}}),
        content_type="application/json",
    )
    assert forged.status_code == 400
    saved = student_client.post(
        f"/api/quizzes/attempts/{attempt.pk}/answer/",
        json.dumps({"question_id": item.question_id, "response": str(n * m)}),
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    done = services.attempt_submit(attempt=attempt, now=timezone.now())
    done_item = done.items.get()
    assert done_item.fraction == 1
    result = student_client.get(f"/quizzes/attempt/{attempt.pk}/result/").content.decode()
    assert f'Right answer: <span class="right-answer">{n * m}</span>' in result


# --- random short-answer matching -------------------------------------------------------------


def _rsm_attempt(student):
    quiz = make_quiz(["randomsamatch"], shuffle_answers=True)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    return attempt, attempt.items.select_related("question").get()


def test_random_short_matching_draws_short_answer_questions_of_its_section(student):
    from .factories import SHORT_POOL

    attempt, item = _rsm_attempt(student)
    drawn = Question.objects.filter(pk__in=item.choice_order["left"])
    assert len(drawn) == 3 and {q.type for q in drawn} == {"short"}
    assert {q.section_id for q in drawn} == {item.question.section_id}
    answers = dict(SHORT_POOL)
    assert sorted(item.choice_order["right"]) == sorted(answers[q.stem] for q in drawn)


@pytest.mark.parametrize(
    ("right", "expected"), [(3, "1"), (2, "0.6666666666666666666666666667"), (0, "0")]
)
def test_random_short_matching_grades_each_pair(student, right, expected):
    from .factories import SHORT_POOL

    attempt, item = _rsm_attempt(student)
    answers = dict(SHORT_POOL)
    drawn = list(Question.objects.filter(pk__in=item.choice_order["left"]).order_by("pk"))
    response = {str(q.pk): (answers[q.stem] if i < right else "WRONG") for i, q in enumerate(drawn)}
    services.attempt_save_answer(
        attempt=attempt, question_id=item.question_id, response=response, now=timezone.now()
    )
    done = services.attempt_submit(attempt=attempt, now=timezone.now())
    assert done.items.get().fraction == Decimal(expected).quantize(Decimal("0.0000001"))
    labels = _response_labels(item.question, response)
    assert labels[0].startswith(drawn[0].stem[:20])


def test_random_short_matching_spec_is_checked():
    with pytest.raises(QuestionDataError, match="count must be a number from 2 to 20"):
        make_question("randomsamatch", spec={"count": 1})


@pytest.mark.parametrize(
    ("kind", "key"),
    [("gapselect", "gaps"), ("ddwtos", "tiles"), ("cloze", "cloze"), ("numerical_units", "units")],
)
def test_the_api_carries_each_new_type_s_controls_in_parts(kind, key, student, student_client):
    quiz = make_quiz([kind], shuffle_answers=True)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = student_client.get(f"/api/quizzes/attempts/{attempt.pk}/").json()["items"][0]
    assert item["parts"][key]
    if key != "units":  # every option is named by a token, never by its number
        options = item["parts"][key]
        options = [o for gap in options for o in gap.get("options", [gap])]
        assert all(len(o["id"]) == 10 for o in options if "id" in o)


NEW_KINDS = [
    "numerical_units",
    "gapselect",
    "ddwtos",
    "cloze",
    "calculated",
    "randomsamatch",
    "calculatedsimple",
    "calculatedmulti",
    "calculatedmulti_many",
]


def test_statistics_report_and_csv_cover_the_new_types(student, other_student, instructor_client):
    """Two finished attempts (one right, one blank) of a quiz with every new type: the report
    page and the statistics CSV list each question, its facility and its responses."""
    import csv
    import io

    from django.urls import reverse

    from .factories import right_response

    quiz = make_quiz(NEW_KINDS)
    for user, right in ((student, True), (other_student, False)):
        attempt = services.attempt_start(quiz=quiz, user=user, now=timezone.now())
        for item in attempt.items.select_related("question"):
            if right:
                services.attempt_save_answer(
                    attempt=attempt,
                    question_id=item.question_id,
                    response=right_response(item.question),
                    now=timezone.now(),
                )
        services.attempt_submit(attempt=attempt, now=timezone.now())
    page = instructor_client.get(reverse("quizzes:report", args=[quiz.pk]))
    assert page.status_code == 200
    response = instructor_client.get(reverse("quizzes:report-statistics-csv", args=[quiz.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    questions = rows[1 : 1 + len(NEW_KINDS)]
    assert len(questions) == len(NEW_KINDS)
    for row in questions:
        assert row[2] == "2" and float(row[3]) == pytest.approx(0.5), row
        assert "(no answer): 1" in row[-1], row


def test_gift_export_skips_the_types_gift_cannot_hold_and_keeps_the_others():
    from quizzes.formats import export_gift

    questions = [question_to_data(question=make_question(kind)) for kind in NEW_KINDS]
    text = export_gift(questions)
    skipped = ("gapselect", "ddwtos", "cloze", "calculated", "randomsamatch")
    for kind in (*skipped, "calculatedsimple", "calculatedmulti"):
        assert f"// skipped: {kind} question" in text
    assert "=%100%26:0.5#FEEDBACK-units" in text  # numerical with units: its numbers


# --- essay options ------------------------------------------------------------------------------


def test_essay_template_limits_and_grader_information(student, student_client, instructor_client):
    quiz = make_quiz(["essay_limits"])
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    item = attempt.items.get()
    page = student_client.get(f"/quizzes/attempt/{attempt.pk}/").content.decode()
    assert "Your answer (5 to 40 words)" in page and ">Gradients grow when</textarea>" in page
    assert "GRADERINFO" not in page
    services.attempt_save_answer(
        attempt=attempt, question_id=item.question_id, response="Too short.", now=timezone.now()
    )
    services.attempt_submit(attempt=attempt, now=timezone.now())
    grading = instructor_client.get("/quizzes/grading/").content.decode()
    assert "For the grader:</strong> GRADERINFO look for clipping" in grading
    assert "The answer has 2 words; at least 5 were asked for." in grading
    result = student_client.get(f"/quizzes/attempt/{attempt.pk}/result/").content.decode()
    assert "GRADERINFO" not in result
