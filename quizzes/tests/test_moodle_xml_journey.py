"""An instructor's whole journey with a Moodle XML bank, through the pages and API a person
uses (Django's test client on the real URLs, no service called directly):

import it in the admin (a dry run first: nothing written, its embedded picture included),
set up a quiz on it in the admin, let two students take it (one right everywhere, one partly
right), mark the essay, edit one question's answer weights in the question editor (a new
version; the attempts keep theirs), preview the regrade (each attempt's mark now and after, the
totals), apply it (an audit row, scores the sum of the marks, a second apply changes nothing),
export the bank as Moodle XML and import the export into an empty bank: the same questions,
and the same picture, byte for byte.

The bank is our own file, fixtures/moodle_xml/course_bank.xml, with every type this site has.
"""

from __future__ import annotations

import base64
import re
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes import qtypes
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Question,
    QuestionFile,
    QuestionVersion,
    Quiz,
    VersionRegrade,
)
from quizzes.services.bank import question_to_data

from .factories import make_section
from .form_data import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BANK = Path(__file__).parent / "fixtures" / "moodle_xml" / "course_bank.xml"
IMPORT_URL = "/admin/quizzes/question/import/"
API = "/api/quizzes"
# Every type but the two calculated ones added after the bank was written (on integ this
# journey compared with all of qtypes.TYPES and failed since they came).
BANK_TYPES = sorted(set(qtypes.TYPES) - {"calculatedsimple", "calculatedmulti"})
# The 1x1 PNG the bank's j-plot question embeds, as its <file> element gives it.
PICTURE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("course_bank.xml", text.encode(), "text/xml")


def _import(client, text: str, **fields: Any):
    form = form_data(client.get(IMPORT_URL).content.decode(), having="fmt")
    form.update({"fmt": "auto", **fields, "file": _upload(text)})
    return client.post(IMPORT_URL, form)


def _text(html: str, pattern: str) -> str:
    """The text (tags dropped, spaces squeezed) of the first match of `pattern` in a page."""
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def _report(response) -> str:
    return _text(
        response.content.decode(),
        r'<div class="import-report".*?</div>|<ul class="errorlist.*?</ul>',
    )


def _bank() -> list[dict[str, Any]]:
    """The bank as data, in a stable order (no database ids)."""
    rows = Question.objects.order_by("category", "idnumber")
    return [question_to_data(question=q) for q in rows]


# --- 1. import -----------------------------------------------------------------------------------
def _import_the_bank(client, section) -> dict[str, Question]:
    text = BANK.read_text(encoding="utf-8")
    dry = _import(client, text, dry_run="on", section=str(section.pk))
    report = _report(dry)
    assert dry.status_code == 200, report
    assert "dry run, nothing written: 16 of 16 question(s) valid, 0 error(s)" in report
    assert not QuestionVersion.objects.exists() and not QuestionFile.objects.exists()
    assert Question.objects.count() == 0

    done = _import(client, text, section=str(section.pk))  # all or nothing: no allow partial
    assert done.status_code == 200, _report(done)
    assert "Moodle XML imported 16 of 16 question(s), 0 error(s)" in done.content.decode()
    questions = {q.idnumber: q for q in Question.objects.order_by("pk")}
    assert sorted({q.type for q in questions.values()}) == BANK_TYPES
    assert all(q.versions.count() == 1 for q in questions.values())
    (picture,) = QuestionFile.objects.all()
    assert (picture.question, picture.area, picture.name) == (
        questions["j-plot"],
        "questiontext",
        "loss-plot.png",
    )
    assert (picture.content_type, bytes(picture.data)) == ("image/png", PICTURE)
    return questions


# --- 2. the quiz -----------------------------------------------------------------------------
def _set_up_the_quiz(client, section, questions: list[Question]) -> Quiz:
    page = client.get("/admin/quizzes/quiz/add/").content.decode()
    form = form_data(page, form_id="quiz_form")
    form.update(
        {
            "title": "Sequence models (imported)",
            "section": str(section.pk),
            "behaviour": "deferred",
            "slots-TOTAL_FORMS": str(len(questions)),
        }
    )
    form.pop("shuffle_questions", None)  # unticked: the slots' order is the file's
    for i, question in enumerate(questions):
        form.update(
            {
                f"slots-{i}-order": str(i),
                f"slots-{i}-question": str(question.pk),
                f"slots-{i}-mark": str(question.default_mark),
            }
        )
    response = client.post("/admin/quizzes/quiz/add/", form)
    assert response.status_code == 302, _text(response.content.decode(), r'<ul class="errorlist.*')
    quiz = Quiz.objects.get(title="Sequence models (imported)")
    assert [s.question_id for s in quiz.slots.order_by("order")] == [q.pk for q in questions]
    return quiz


# --- 3. two students take it --------------------------------------------------------------------
# What each student answers, by the texts the page shows (the tokens differ per attempt).
RIGHT: dict[str, Any] = {
    "j-forget": "The forget gate",
    "j-plot": "The one that turns upwards",
    "j-overfit": ["Dropout", "Weight decay"],
    "j-bn": "True",
    "j-step": "iteration",
    "j-gradient": "gradient",
    "j-bytes": "4000 kB",
    "j-memory": {
        "Plain RNN": "one hidden vector",
        "LSTM": "a gated cell state",
        "Transformer": "attention over every position",
    },
    "j-stages": [
        "Tokenise the text",
        "Look up the embeddings",
        "Run the transformer blocks",
        "Project to the vocabulary",
    ],
    "j-residual": "The identity path lets the gradient reach early layers undiminished.",
    "j-attention": ["queries", "values"],
    "j-mask": ["future", "earlier"],
    "j-softmax": ["probabilities", "1", "last"],
    "j-tokens": "b*t",
    "j-words": {"weights from one batch": "step or iteration", "partial derivatives": "gradient"},
}
PARTLY: dict[str, Any] = {
    **RIGHT,
    "j-forget": "The output gate",
    "j-overfit": ["Dropout", "Early stopping"],
    "j-bn": "False",
    "j-step": "batch",
    "j-bytes": "8 MB",
    "j-memory": {
        "Plain RNN": "one hidden vector",
        "LSTM": "attention over every position",
        "Transformer": "a lookup table of n-grams",
    },
    "j-residual": "It is faster.",
    "j-attention": ["queries", "gradients"],
    "j-mask": ["future", "padded"],
    "j-softmax": ["probabilities", "2", "final"],
    "j-tokens": "12",
    "j-words": {"weights from one batch": "gradient", "partial derivatives": "step or iteration"},
}
# Bob's marks, item by item (Alice has full marks everywhere): the grading of each type.
PARTLY_MARKS: dict[str, str | None] = {
    "j-forget": "0",
    "j-plot": "1",
    "j-overfit": "1",  # Dropout 50 % of 2 marks; Early stopping 0 %
    "j-bn": "0",
    "j-step": "0.5",
    "j-gradient": "1",
    "j-bytes": "0.25",
    "j-memory": "0.6666667",
    "j-stages": "1",
    "j-residual": "1",  # the instructor's mark
    "j-about": None,  # a description has no mark
    "j-attention": "0.5",
    "j-mask": "0.5",
    "j-softmax": "0.5",  # three equal gaps: right, wrong, half
    "j-tokens": "0",
    "j-words": "0",
}


def _token(options: list[dict], text: str) -> str:
    return next(o["id"] for o in options if o["text"] == text)


def _response(item: dict, answer: Any) -> Any:
    """The response the attempt page's script sends for `answer`, in this attempt's tokens."""
    kind = item["type"]
    if kind in ("single", "truefalse"):
        return _token(item["options"], answer)
    if kind == "multi":
        return [_token(item["options"], a) for a in answer]
    if kind == "ordering":
        return [_token(item["ordering"], a) for a in answer]
    if kind in ("matching", "randomsamatch"):
        return {
            next(left["id"] for left in item["left"] if key in left["text"]): _token(
                item["right_options"], value
            )
            for key, value in answer.items()
        }
    if kind in ("gapselect", "ddwtos", "cloze"):
        gaps = item["parts"]["gaps" if kind != "cloze" else "cloze"]
        return {
            str(gap["number"]): _token(gap["options"], a) if gap["options"] else a
            for gap, a in zip(gaps, answer, strict=True)
        }
    if kind == "calculated" and answer == "b*t":
        b, t = map(int, re.findall(r"\d+", item["stem_html"]))
        return str(b * t)
    return answer


def _take(client, quiz: Quiz, by_id: dict[int, str], answers: dict[str, Any]) -> Attempt:
    """Start on the quiz page, answer through the API as attempt.js does, submit on the page."""
    assert "Start attempt" in client.get(f"/quizzes/{quiz.pk}/").content.decode()
    started = client.post(f"/quizzes/{quiz.pk}/start/")
    assert started.status_code == 302
    attempt_id = int(started["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert client.get(started["Location"]).status_code == 200
    items = client.get(f"{API}/attempts/{attempt_id}/").json()["items"]
    assert len(items) == len(by_id)
    for item in items:
        idnumber = by_id[item["question_id"]]
        if idnumber not in answers:
            continue
        body = {"question_id": item["question_id"], "response": _response(item, answers[idnumber])}
        saved = client.post(f"{API}/attempts/{attempt_id}/answer/", body, "application/json")
        assert saved.status_code == 200 and saved.json()["answered"], (idnumber, saved.json())
    submitted = client.post(f"/quizzes/attempt/{attempt_id}/submit/")
    assert submitted["Location"] == f"/quizzes/attempt/{attempt_id}/result/"
    assert client.get(submitted["Location"]).status_code == 200
    return Attempt.objects.get(pk=attempt_id)


def _mark_the_essays(client, marks: dict[int, str]) -> None:
    """The instructor's grading page: one form per essay waiting for a mark."""
    page = client.get("/quizzes/grading/").content.decode()
    waiting = {int(pk) for pk in re.findall(r'action="/quizzes/grading/(\d+)/"', page)}
    assert waiting == set(marks)
    for pk, mark in marks.items():
        saved = client.post(f"/quizzes/grading/{pk}/", {"mark": mark, "comment": "Thanks."})
        assert saved.status_code == 302
    assert "Nothing to grade." in client.get("/quizzes/grading/").content.decode()


def _marks(attempt: Attempt, by_id: dict[int, str]) -> dict[str, Decimal]:
    return {by_id[i.question_id]: i.mark for i in AttemptQuestion.objects.filter(attempt=attempt)}


def _assert_sum_of_marks(attempt: Attempt) -> None:
    attempt.refresh_from_db()
    items = AttemptQuestion.objects.filter(attempt=attempt)
    assert attempt.marks == sum((i.mark or 0 for i in items), Decimal(0))
    assert attempt.score == (attempt.marks / attempt.max_marks * 100).quantize(attempt.score)


# --- 4. the instructor edits one question's answer weights --------------------------------------
NEW_WEIGHTS = {"Dropout": 40, "Weight decay": 30, "Early stopping": 30, "Training far longer": -100}


def _edit_the_weights(client, question: Question) -> None:
    """The question editor (its type's inline of choices), as the instructor fills it in."""
    url = f"/admin/quizzes/question/{question.pk}/change/"
    before = question_to_data(question=question)
    form = form_data(client.get(url).content.decode(), form_id="question_form")
    count = int(form["choices-TOTAL_FORMS"])
    texts = {form[f"choices-{i}-text"]: i for i in range(count) if form.get(f"choices-{i}-id")}
    assert set(texts) == set(NEW_WEIGHTS)
    for text, fraction in NEW_WEIGHTS.items():
        form[f"choices-{texts[text]}-fraction"] = str(fraction)
    form["_save"] = "Save"
    saved = client.post(url, form)
    assert saved.status_code == 302, _text(saved.content.decode(), r'<ul class="errorlist.*?</ul>')
    assert {c.text: c.fraction for c in question.choices.all()} == NEW_WEIGHTS
    # Nothing else changed: the form posted back the name, text, hints, tags, settings as shown.
    question.refresh_from_db()
    for choice in before["choices"]:
        choice["fraction"] = NEW_WEIGHTS[choice["text"]]
    assert question_to_data(question=question) == before
    assert list(question.versions.values_list("number", flat=True).order_by("number")) == [1, 2]


# --- 5. the regrade: a preview, then apply ------------------------------------------------------
def _preview_rows(html: str) -> dict[int, tuple[str, str, str]]:
    """Each attempt's row of the preview table: (versions, mark now, mark after)."""
    rows = re.findall(
        r'<tr data-attempt="(\d+)"[^>]*>.*?<td>.*?</td><td>.*?</td>\s*<td>(.*?)</td>\s*'
        r"<td data-mark-before>(.*?)</td>\s*<td data-mark-after>(.*?)</td>",
        html,
        re.S,
    )
    return {int(pk): (unescape(v), before, after) for pk, v, before, after in rows}


def _regrade(client, quiz: Quiz, question: Question, alice: Attempt, bob: Attempt) -> None:
    url = f"/quizzes/{quiz.pk}/report/regrade/"
    marks_before = {a.pk: (a.marks, a.score) for a in (alice, bob)}
    report = client.get(f"/quizzes/{quiz.pk}/report/").content.decode()
    assert f'href="{url}?dry_run=1"' in report  # the report links the regrade's dry run
    choose = form_data(client.get(url, {"dry_run": "1"}).content.decode(), having="version")
    choose.update(question=str(question.pk), dry_run="1")  # the question; its current version
    page = client.get(url, choose)
    assert page.status_code == 200
    html = page.content.decode()
    # Alice had Dropout and Weight decay (50 + 50 -> 40 + 30 of 2 marks), Bob Dropout and Early
    # stopping (50 + 0 -> 40 + 30).
    assert _preview_rows(html) == {
        alice.pk: ("1 → 2", "2.00", "1.40"),
        bob.pk: ("1 → 2", "1.00", "1.40"),
    }
    assert "<td data-total-before>3.00</td><td data-total-after>2.80</td>" in html
    assert "Total (2 changed)" in html
    assert not VersionRegrade.objects.exists()
    for attempt in (alice, bob):
        attempt.refresh_from_db()
        assert (attempt.marks, attempt.score) == marks_before[attempt.pk]
        assert attempt.items.get(question=question).version.number == 1  # kept its version

    apply = form_data(html, having="reason")
    apply["reason"] = "Early stopping counts too"
    done = client.post(url, apply)
    assert done.status_code == 302
    assert "Regraded: 2 attempt item(s) changed." in client.get(done["Location"]).content.decode()
    audit = VersionRegrade.objects.get()
    assert (audit.question_id, audit.reason, audit.by_id) == (
        question.pk,
        "Early stopping counts too",
        page.wsgi_request.user.pk,
    )
    assert audit.to_version.number == 2
    changes = {
        c["attempt"]: (Decimal(c["mark_before"]), Decimal(c["mark_after"])) for c in audit.changes
    }
    assert changes == {alice.pk: (2, Decimal("1.4")), bob.pk: (1, Decimal("1.4"))}
    for attempt, before, after in ((alice, "2", "1.4"), (bob, "1", "1.4")):
        item = attempt.items.get(question=question)
        assert (item.mark, item.version.number) == (Decimal(after), 2)
        _assert_sum_of_marks(attempt)
        assert attempt.marks == marks_before[attempt.pk][0] - Decimal(before) + Decimal(after)

    again = client.post(url, apply)  # the same regrade again changes nothing
    assert again.status_code == 302
    assert "Regraded: 0 attempt item(s) changed." in client.get(again["Location"]).content.decode()
    assert VersionRegrade.objects.count() == 1  # no second audit row for no change
    for attempt in (alice, bob):
        before_again = (attempt.marks, attempt.score)
        _assert_sum_of_marks(attempt)
        assert (attempt.marks, attempt.score) == before_again


# --- 6. out and back in ------------------------------------------------------------------------
def _export(client) -> str:
    ids = list(Question.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/quizzes/question/", {"action": "export_moodle_xml", "_selected_action": ids}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="questions.moodle.xml"'
    return response.content.decode()


def _empty_the_bank() -> None:
    """A fresh bank: what the export is read back into (the rows are test set-up, not a page)."""
    VersionRegrade.objects.all().delete()
    Quiz.objects.all().delete()
    Question.objects.all().delete()
    assert not Question.objects.exists()


def _teach(clients: dict[str, Any], quiz: Quiz, questions: dict[str, Question]):
    by_id = {q.pk: idnumber for idnumber, q in questions.items()}
    alice = _take(clients["alice"], quiz, by_id, RIGHT)
    bob = _take(clients["bob"], quiz, by_id, PARTLY)
    essays = AttemptQuestion.objects.filter(question=questions["j-residual"])
    _mark_the_essays(clients["irene"], {e.pk: "3" if e.attempt == alice else "1" for e in essays})
    full = {k: q.default_mark for k, q in questions.items() if q.type != "description"}
    assert _marks(alice, by_id) == {**full, "j-about": None}
    assert _marks(bob, by_id) == {k: v and Decimal(v) for k, v in PARTLY_MARKS.items()}
    for attempt in (alice, bob):
        _assert_sum_of_marks(attempt)
    assert alice.score == 100
    return alice, bob


def _round_trip(client, section) -> None:
    bank = _bank()
    exported = _export(client)
    assert exported.count('<file name="loss-plot.png" path="/" encoding="base64">') == 1
    _empty_the_bank()
    assert not QuestionFile.objects.exists()
    back = _import(client, exported, section=str(section.pk))
    assert back.status_code == 200, _report(back)
    assert "Moodle XML imported 16 of 16 question(s), 0 error(s)" in _report(back)
    again = _bank()
    assert len(again) == 16 and sorted({q["type"] for q in again}) == BANK_TYPES
    edited = next(q for q in again if q["idnumber"] == "j-overfit")
    assert {c["text"]: c["fraction"] for c in edited["choices"]} == NEW_WEIGHTS
    assert {q["category"] for q in again} == {"Journey", "Journey/Sequences"}
    assert edited["tags"] == ["regularisation"] and len(edited["hints"]) == 2
    assert edited["combined_feedback"]["show_num_correct"] is True
    # Every field of every question: answers, fractions, feedback, tags, idnumbers, hints,
    # settings, combined feedback, marks, penalties, formats, section.
    assert again == bank
    (picture,) = QuestionFile.objects.all()  # and the picture, byte for byte
    assert (picture.question.idnumber, picture.name, bytes(picture.data)) == (
        "j-plot",
        "loss-plot.png",
        PICTURE,
    )


def test_a_moodle_xml_bank_goes_in_is_taught_edited_regraded_and_comes_back_out(
    instructor_client, student_client, other_client
):
    clients = {"irene": instructor_client, "alice": student_client, "bob": other_client}
    section = make_section("9.1")
    questions = _import_the_bank(instructor_client, section)
    quiz = _set_up_the_quiz(instructor_client, section, list(questions.values()))
    alice, bob = _teach(clients, quiz, questions)
    overfit = questions["j-overfit"]
    _edit_the_weights(instructor_client, overfit)
    for attempt in (alice, bob):  # the attempts keep the version their students saw
        attempt.refresh_from_db()
        assert attempt.items.get(question=overfit).version.number == 1
    _regrade(instructor_client, quiz, overfit, alice, bob)
    # Bob sees his regraded result: 7.92 + 0.4 of 19 marks.
    seen = other_client.get(f"{API}/attempts/{bob.pk}/results/").json()
    assert (seen["marks"], Decimal(seen["score"])) == ("8.32", bob.score)
    item = next(i for i in seen["items"] if i["question_id"] == overfit.pk)
    assert item["result"]["mark"] == "1.40"
    _the_picture_is_shown(clients, alice, questions["j-plot"])
    _round_trip(instructor_client, section)


def _the_picture_is_shown(clients: dict[str, Any], alice: Attempt, plot: Question) -> None:
    """The stem's @@PLUGINFILE@@ is our URL on Alice's page; the file is hers to fetch."""
    items = clients["alice"].get(f"{API}/attempts/{alice.pk}/results/").json()["items"]
    stem = next(i["stem_html"] for i in items if i["question_id"] == plot.pk)
    url = f"/quizzes/files/{plot.pk}/questiontext/loss-plot.png"
    assert f'<img src="{url}" alt="two loss curves">' in stem and "@@PLUGINFILE@@" not in stem
    shown = clients["alice"].get(url)
    assert shown.status_code == 200 and shown.content == PICTURE
    assert shown["Content-Type"] == "image/png"
