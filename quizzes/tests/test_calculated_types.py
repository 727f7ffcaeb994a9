"""Calculated simple and calculated multichoice (issue 16, the remaining types): datasets
generated from ranges, grading (right, partly right, wrong), one dataset item per attempt kept
for the attempt, nothing about the answer on the page before it locks, statistics labels,
Moodle XML both ways and the editor's fields."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import qtypes, services
from quizzes.formats import export_moodle_xml, parse_moodle_xml
from quizzes.models import Question
from quizzes.services.bank import QuestionDataError, question_to_data
from quizzes.services.importing import questions_export, questions_import
from quizzes.statistics.queries import _response_labels

from .admin_forms import question_change_data
from .factories import QUESTION_DATA, make_question, make_quiz

pytestmark = pytest.mark.django_db


def _loaded(question: Question) -> Question:
    return Question.objects.prefetch_related("choices").get(pk=question.pk)


def _grade(question: Question, response) -> Decimal | None:
    return qtypes.grade_question(_loaded(question), response).fraction


def _start(student, kind: str, **settings):
    quiz = make_quiz([kind], **settings)
    attempt = services.attempt_start(quiz=quiz, user=student, now=timezone.now())
    return attempt, attempt.items.select_related("question").get()


def _send(client, attempt, item, response):
    return client.post(
        f"/api/quizzes/attempts/{attempt.pk}/answer/",
        json.dumps({"question_id": item.question_id, "response": response}),
        content_type="application/json",
    )


def _api_item(client, attempt) -> dict:
    return client.get(f"/api/quizzes/attempts/{attempt.pk}/").json()["items"][0]


# --- calculated simple ---------------------------------------------------------------------------
def test_simple_draws_its_items_from_the_ranges_and_keeps_them():
    question = make_question("calculatedsimple")
    items = question.spec["datasets"]
    assert len(items) == 4 and question.spec["items"] == 4
    for item in items:
        assert set(item) == {"n", "m"}
        assert 3 <= item["n"] <= 9 and 3 <= item["m"] <= 5
        assert item["n"] == int(item["n"]) and item["m"] == int(item["m"])  # 0 decimals
    again = make_question("calculatedsimple", slug="simple-again")
    assert again.spec["datasets"] == items  # seeded by the stem: the same draw
    back = question_to_data(question=question)
    copy = make_question("calculatedsimple", slug="simple-copy", spec=back["spec"])
    assert copy.spec == question.spec  # items that fit their ranges are kept as they are
    spec = dict(
        back["spec"],
        ranges=[{"name": "n", "min": 20, "max": 30, "decimals": 1}, back["spec"]["ranges"][1]],
    )
    moved = make_question("calculatedsimple", slug="simple-moved", spec=spec)
    assert all(20 <= i["n"] <= 30 for i in moved.spec["datasets"])  # out of range: drawn again


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"name": "n x", "min": 1, "max": 2}, "wildcard name"),
        ({"name": "n", "min": 5, "max": 2}, "min above max"),
        ({"name": "n", "min": "a", "max": 2}, "are numbers"),
        ({"name": "n", "min": 1, "max": 2, "decimals": 11}, "decimals outside"),
    ],
)
def test_simple_ranges_are_checked(bad, message):
    spec = dict(QUESTION_DATA["calculatedsimple"]["spec"])
    spec["ranges"] = [bad, spec["ranges"][1]]
    with pytest.raises(QuestionDataError, match=message):
        make_question("calculatedsimple", spec=spec)


def test_simple_needs_a_range_for_every_wildcard():
    spec = dict(QUESTION_DATA["calculatedsimple"]["spec"])
    with pytest.raises(QuestionDataError, match=r"no dataset for \{k\}"):
        make_question("calculatedsimple", stem="{n} {m} {k}", spec=spec)
    with pytest.raises(QuestionDataError, match="needs a range"):
        make_question("calculatedsimple", spec=dict(spec, ranges=[], datasets=[]))


def test_simple_grades_right_partly_right_and_wrong_against_the_item():
    question = make_question("calculatedsimple")
    for number, item in enumerate(question.spec["datasets"]):
        n, m = int(item["n"]), int(item["m"])
        assert _grade(question, {"item": number, "value": str(n * m)}) == 1
        assert _grade(question, {"item": number, "value": str(n + m)}) == Decimal("0.25")
        assert _grade(question, {"item": number, "value": str(n * m + 1)}) == 0
    grade = qtypes.grade_question(_loaded(question), {"item": 0, "value": "x"})
    assert grade.fraction == 0 and grade.feedback == ["That is not a number."]
    # An item the question no longer has grades nothing right (and never fails).
    assert _grade(question, {"item": 99, "value": "12"}) == 0


def test_simple_attempt_keeps_its_item_and_hides_the_answer_until_locked(student, student_client):
    attempt, item = _start(student, "calculatedsimple", behaviour="interactive")
    drawn = item.choice_order["item"]
    values = item.question.spec["datasets"][drawn]
    n, m = int(values["n"]), int(values["m"])
    page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert f"A layer has {n} units fed by {m} inputs" in page
    for secret in ("{n} * {m}", "FEEDBACK-", "right-answer", "Right answer"):
        assert secret not in page
    assert _send(student_client, attempt, item, {"item": 0, "value": "1"}).status_code == 400
    assert _send(student_client, attempt, item, str(n * m)).status_code == 200
    item.refresh_from_db()
    assert item.choice_order == {"item": drawn}  # fixed for the attempt
    assert item.response == {"item": drawn, "value": str(n * m)}
    again = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert f"A layer has {n} units fed by {m} inputs" in again
    check = student_client.post(
        f"/api/quizzes/attempts/{attempt.pk}/check/",
        {"question_id": item.question_id},
        content_type="application/json",
    )
    assert check.status_code == 200 and check.json()["locked"] is True
    shown = _api_item(student_client, attempt)
    assert shown["result"]["fraction"] == "1.0000000" or float(shown["result"]["fraction"]) == 1
    assert shown["right_answer"] == str(n * m)


# --- calculated multichoice ----------------------------------------------------------------------
def _ids(question: Question) -> list[int]:
    return list(question.choices.order_by("order").values_list("pk", flat=True))


def test_multi_single_answer_grades_the_picked_choice_with_its_values_in_the_feedback():
    question = make_question("calculatedmulti")
    right, plus, double = _ids(question)
    grade = qtypes.grade_question(_loaded(question), {"item": 1, "choices": [right]})
    assert grade.fraction == 1 and grade.feedback == ["FEEDBACK-cmulti 4 times 20"]
    assert _grade(question, {"item": 1, "choices": [plus]}) == 0
    assert _grade(question, {"item": 1, "choices": [double]}) == 0
    # Radio buttons pick one: all choices at once is no way round the grading.
    assert _grade(question, {"item": 1, "choices": [right, plus, double]}) == 0
    assert _grade(question, {"item": 1, "choices": []}) == 0


def test_multi_many_answers_grade_as_multiple_response():
    question = make_question("calculatedmulti_many")
    product, total, diff, quotient = _ids(question)
    assert _grade(question, {"item": 0, "choices": [product, total]}) == 1
    assert _grade(question, {"item": 0, "choices": [total]}) == Decimal("0.5")
    assert _grade(question, {"item": 0, "choices": [product, diff]}) == 0
    assert _grade(question, {"item": 0, "choices": [product, total, diff, quotient]}) == 0


def test_multi_bank_checks_fractions_formulas_and_datasets():
    data = QUESTION_DATA["calculatedmulti"]
    none_right = [dict(c, fraction=0) for c in data["choices"]]
    with pytest.raises(QuestionDataError, match="no choice has fraction 100"):
        make_question("calculatedmulti", choices=none_right)
    many = dict(data["spec"], single=False)
    with pytest.raises(QuestionDataError, match="sum to 150, not 100"):
        make_question(
            "calculatedmulti", spec=many, choices=data["choices"] + [{"text": "x", "fraction": 50}]
        )
    broken = [*data["choices"][:2], {"text": "{={b} / ({p} - 10)}", "fraction": 0}]
    with pytest.raises(QuestionDataError, match="cannot be computed"):
        make_question("calculatedmulti", choices=broken)  # p = 10 in the first item
    unknown = [*data["choices"][:2], {"text": "{={q} + 1}", "fraction": 0}]
    with pytest.raises(QuestionDataError, match=r"no dataset for \{q\}"):
        make_question("calculatedmulti", choices=unknown)
    with pytest.raises(QuestionDataError, match="__import__|cannot be computed|attribute"):
        make_question(
            "calculatedmulti",
            choices=[*data["choices"][:2], {"text": "{=__import__('os')}", "fraction": 0}],
        )


def _values(item) -> tuple[int, int]:
    spec = QUESTION_DATA["calculatedmulti"]["spec"]["datasets"]
    drawn = item.choice_order["item"]
    return spec["b"][drawn], spec["p"][drawn]


def test_multi_attempt_shows_values_of_its_item_and_nothing_about_the_answer(
    student, student_client
):
    attempt, item = _start(student, "calculatedmulti", shuffle_answers=True)
    b, p = _values(item)
    shown = _api_item(student_client, attempt)
    assert sorted(o["text"] for o in shown["options"]) == sorted(
        [str(b * p), str(b + p), f"{b * p * 2} values"]
    )
    assert shown["parts"] == {"multiple": False}
    assert f"A batch holds {b} images of {p} pixels" in shown["stem_html"]
    page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    for text in (json.dumps(shown), page):
        for secret in ("{=", "{b}", "FEEDBACK-", "EXPLAIN-", '"fraction"', '"correct_ids"'):
            assert secret not in text, secret
        assert "right-answer" not in text and "review-correct" not in text
    ids = _ids(item.question)
    assert all(len(o["id"]) == 10 and o["id"] not in map(str, ids) for o in shown["options"])
    right = next(o["id"] for o in shown["options"] if o["text"] == str(b * p))
    assert _send(student_client, attempt, item, [right]).status_code == 400  # one, not a list
    forged = {"item": 0, "choices": [ids[0]]}
    assert _send(student_client, attempt, item, forged).status_code == 400
    assert _send(student_client, attempt, item, right).status_code == 200
    item.refresh_from_db()
    assert item.response == {"item": item.choice_order["item"], "choices": [ids[0]]}
    saved = _api_item(student_client, attempt)
    assert saved["response"] == right and '"fraction"' not in json.dumps(saved)
    student_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    done = student_client.get(f"/api/quizzes/attempts/{attempt.pk}/results/").json()["items"][0]
    assert float(done["result"]["fraction"]) == 1
    assert done["right_answer"] == str(b * p) and done["response_text"] == str(b * p)
    assert done["correct_ids"] == [right]
    assert done["result"]["feedback"] == f"FEEDBACK-cmulti {b} times {p}"


def test_multi_item_drawn_per_attempt_is_fixed_for_that_attempt(student, other_student):
    seen = set()
    for user in (student, other_student):
        for _ in range(6):
            quiz = make_quiz(["calculatedmulti"])
            attempt = services.attempt_start(quiz=quiz, user=user, now=timezone.now())
            item = attempt.items.select_related("question").get()
            order = dict(item.choice_order)
            assert order["item"] in (0, 1, 2) and order["many"] is False
            services.attempt_save_answer(
                attempt=attempt,
                question_id=item.question_id,
                response={"item": order["item"], "choices": [order["ids"][0]]},
                now=timezone.now(),
            )
            item.refresh_from_db()
            assert item.choice_order == order  # saving never draws again
            seen.add(order["item"])
    assert len(seen) > 1  # 12 attempts over 3 items: not one item for everyone


def test_multi_many_sends_a_list_of_tokens_and_shows_checkboxes(student, student_client):
    attempt, item = _start(student, "calculatedmulti_many")
    shown = _api_item(student_client, attempt)
    assert shown["parts"] == {"multiple": True}
    drawn = item.choice_order["item"]
    a, b = ([6, 9][drawn], [3, 2][drawn])
    texts = {o["text"]: o["id"] for o in shown["options"]}
    assert set(texts) == {f"{a * b:.2f}", f"{a + b:.2f}", f"{a - b:.2f}", f"{a / b:.2f}"}
    page = student_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert page.count('type="checkbox" name="q') == 4
    assert _send(student_client, attempt, item, texts[f"{a * b:.2f}"]).status_code == 400
    picked = [texts[f"{a * b:.2f}"], texts[f"{a + b:.2f}"]]
    assert _send(student_client, attempt, item, picked).status_code == 200
    assert _api_item(student_client, attempt)["response"] == picked
    done = services.attempt_submit(attempt=attempt, now=timezone.now())
    assert done.items.get().fraction == 1


def test_statistics_label_each_choice_as_authored():
    question = _loaded(make_question("calculatedmulti_many"))
    product, total, *_ = _ids(question)
    labels = _response_labels(question, {"item": 1, "choices": [product, total]})
    assert labels == ["{={a} * {b}}", "{={a} + {b}}"]
    qtype = qtypes.get(question.type)
    rows = qtype.frequency_rows(question, {"{={a} + {b}}": 2}, 10)
    assert rows[0] == ("{={a} * {b}}", 0) and rows[1] == ("{={a} + {b}}", 2)
    assert qtype.response_text(question, {"item": 1, "choices": [product]}) == "18.00"
    simple = _loaded(make_question("calculatedsimple"))
    assert _response_labels(simple, {"item": 0, "value": " 12 "}) == ["12"]


# --- Moodle XML ------------------------------------------------------------------------------
OURS = ["calculatedsimple", "calculatedmulti", "calculatedmulti_many"]


def test_moodle_xml_reads_both_types_from_their_own_elements():
    from .test_moodle_xml import fixture

    by_name = {q["name"]: q for q in parse_moodle_xml(fixture("all_types.xml")).questions}
    simple = by_name["Stride and output width"]
    assert simple["type"] == "calculatedsimple"
    assert simple["spec"]["ranges"] == [
        {"name": "k", "min": 2.0, "max": 5.0, "decimals": 0},
        {"name": "w", "min": 20.0, "max": 40.0, "decimals": 0},
    ]
    assert simple["spec"]["datasets"][1] == {"k": 5.0, "w": 32.0}
    assert [a["fraction"] for a in simple["spec"]["answers"]] == [100.0, 30.0]
    single = by_name["Learning-rate step"]
    assert single["type"] == "calculatedmulti" and single["spec"]["single"] is True
    assert single["choices"][0] == {
        "text": "{={w} - 0.1 * {g}}",
        "fraction": 100,
        "feedback": "Down the gradient.",
    }
    assert single["combined_feedback"]["incorrect"] == "Step against the gradient."
    many = by_name["Which are parameter counts"]
    assert many["spec"]["single"] is False and many["spec"]["shuffle"] is False
    assert (many["spec"]["answer_format"], many["spec"]["answer_length"]) == ("significant", 3)
    assert [c["fraction"] for c in many["choices"]] == [50, 50, -100]


def test_moodle_xml_bank_round_trip_keeps_each_type_and_its_items():
    questions = [make_question(kind, slug=f"rt-{kind}") for kind in OURS]
    before = [question_to_data(question=q) for q in questions]
    text = questions_export(questions=questions, fmt="moodlexml")
    assert text.count('<question type="calculatedsimple">') == 1
    assert text.count('<question type="calculatedmulti">') == 2
    assert "<text>{={b} * {p}}</text>" in text and "<single>0</single>" in text
    Question.objects.all().delete()
    report = questions_import(text=text, fmt="moodlexml")
    assert report.ok and report.warnings == []
    after = [question_to_data(question=q) for q in Question.objects.order_by("pk")]
    assert after == before
    again = parse_moodle_xml(export_moodle_xml(after))
    assert [q["type"] for q in again.questions] == [
        "calculatedsimple",
        "calculatedmulti",
        "calculatedmulti",
    ]


def test_calculated_stays_calculated_and_simple_is_no_longer_read_as_calculated():
    from .test_moodle_xml import fixture

    kinds = {q["name"]: q["type"] for q in parse_moodle_xml(fixture("all_types.xml")).questions}
    assert kinds["Parameters of a dense layer"] == "calculated"
    assert kinds["Stride and output width"] == "calculatedsimple"


# --- the editor ------------------------------------------------------------------------------
ADD = "/admin/quizzes/question/add/"


def test_the_editor_shows_each_type_s_own_fields(admin_client):
    simple = admin_client.get(ADD + "?type=calculatedsimple").content.decode()
    for field in ("spec_answers", "spec_ranges", "spec_items", "spec_answer_format"):
        assert f'name="{field}"' in simple
    assert "-TOTAL_FORMS" not in simple and 'name="spec_single"' not in simple
    assert "name | min | max | decimals" in simple
    multi = admin_client.get(ADD + "?type=calculatedmulti").content.decode()
    assert "choices-TOTAL_FORMS" in multi and "numerical_answers-TOTAL_FORMS" not in multi
    assert 'type="checkbox" name="spec_single"' in multi and 'name="spec_datasets"' in multi
    assert 'name="spec_answers"' not in multi and 'name="spec_ranges"' not in multi
    assert 'name="combined_correct"' in multi and 'name="combined_correct"' not in simple


def test_the_editor_draws_the_items_again_when_a_range_changes(admin_client):
    question = make_question("calculatedsimple", slug="ed-simple")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert "n | 3 | 9 | 0\nm | 3 | 5 | 0" in page
    form = question_change_data(
        name=question.name,
        stem=question.stem,
        **{
            "spec_answers": json.dumps(question.spec["answers"]),
            "spec_ranges": "n | 3 | 9 | 0\nm | 5 | 1",
            "spec_items": "6",
            "spec_datasets": json.dumps(question.spec["datasets"]),
            "spec_answer_format": "decimals",
            "spec_answer_length": "0",
        },
    )
    html = admin_client.post(url, form).content.decode()
    assert re.search(r"min above max", html)
    form["spec_ranges"] = "n | 3 | 9 | 0\nm | 10 | 20 | 0"
    assert admin_client.post(url, form).status_code == 302
    question.refresh_from_db()
    items = question.spec["datasets"]
    assert len(items) == 6 and all(10 <= i["m"] <= 20 for i in items)


@pytest.mark.parametrize("kind", OURS)
def test_the_preview_shows_an_item_s_values_and_its_review(admin_client, kind):
    question = make_question(kind, slug=f"pv-{kind}")
    url = f"/admin/quizzes/question/{question.pk}/preview/"
    page = admin_client.get(url).content.decode()
    assert "{=" not in page and "FEEDBACK-" not in page and "right-answer" not in page
    values = question.spec["datasets"]
    shown = [any(f"{v:g}" in page for v in item.values()) for item in values]
    assert any(shown)  # the stem shows one item's values
    review = admin_client.get(url + "?show=review").content.decode()
    assert "right-answer" in review and "{=" not in review


@pytest.mark.parametrize("shuffle", [True, False])
def test_multi_shuffles_only_when_quiz_and_question_both_say_so(student, shuffle):
    spec = dict(QUESTION_DATA["calculatedmulti"]["spec"], shuffle=shuffle)
    question = make_question("calculatedmulti", spec=spec)
    authored = _ids(question)
    qtype = qtypes.get(question.type)
    rng = random.Random(7)
    orders = {tuple(qtype.start_order(_loaded(question), True, rng)["ids"]) for _ in range(12)}
    assert (len(orders) > 1) is shuffle
    if not shuffle:
        assert orders == {tuple(authored)}
    unshuffled = qtype.start_order(_loaded(question), False, rng)["ids"]
    assert unshuffled == authored  # the quiz does not shuffle: authoring order
