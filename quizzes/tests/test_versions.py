"""Question versions: every edit makes one, an attempt keeps the one its student saw, and a
regrade to a version is previewed exactly, then applied atomically and idempotently."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes import selectors, services, versioning
from quizzes.models import (
    AttemptQuestion,
    AttemptRegrade,
    AttemptState,
    Question,
    QuestionVersion,
    Quiz,
    QuizSlot,
    VersionRegrade,
)
from quizzes.services.errors import AttemptError

from .factories import QUESTION_DATA, make_section

pytestmark = pytest.mark.django_db

OLD_STEM = "Which layer shrinks feature maps?"
NEW_STEM = "Which layer shrinks feature maps (v2)?"


def _data(**changes):
    data = dict(QUESTION_DATA["single"], slug="pool-q")
    data["choices"] = [dict(c) for c in data["choices"]]
    data.update(changes)
    return data


def _fixed_data():
    """The fix: Dropout counted as right too, and a new stem."""
    data = _data(stem=NEW_STEM)
    data["choices"][1]["fraction"] = 100
    return data


@pytest.fixture
def quiz():
    return make_versioned_quiz()


def make_versioned_quiz() -> Quiz:
    section = make_section()
    question = services.question_upsert_from_data(data=_data(), section=section)
    quiz = Quiz.objects.create(section=section, title="Versions", shuffle_answers=False)
    QuizSlot.objects.create(quiz=quiz, question=question, order=0)
    return quiz


def _question(quiz) -> Question:
    return quiz.slots.get().question


def _answer(quiz, user, text: str, *, submit: bool = True):
    now = timezone.now()
    attempt = services.attempt_start(quiz=quiz, user=user, now=now)
    question = _question(quiz)
    choice = question.choices.get(text=text)
    services.attempt_save_answer(
        attempt=attempt, question_id=question.pk, response=choice.pk, now=now
    )
    return services.attempt_submit(attempt=attempt, now=now) if submit else attempt


def _item(attempt) -> AttemptQuestion:
    return AttemptQuestion.objects.select_related("version").get(attempt=attempt)


def _assert_score_is_sum(attempt) -> None:
    attempt.refresh_from_db()
    marks = sum((i.mark or Decimal(0) for i in attempt.items.all()), Decimal(0))
    assert attempt.marks == marks
    assert attempt.score == (marks * 100 / attempt.max_marks).quantize(Decimal("0.001"))


def test_an_edit_makes_a_version_and_an_unchanged_save_does_not(quiz):
    question = _question(quiz)
    assert list(question.versions.values_list("number", flat=True)) == [1]
    services.question_upsert_from_data(data=_data())  # the same content again
    assert question.versions.count() == 1
    services.question_upsert_from_data(data=_fixed_data())
    latest = question.versions.order_by("-number").first()
    assert latest.number == 2
    assert latest.snapshot["fields"]["stem"] == NEW_STEM
    fractions = [row["fraction"] for row in latest.snapshot["rows"]["choices"]]
    assert fractions == ["100.00000", "100.00000", "0.00000"]


def test_a_change_of_one_answer_row_alone_makes_a_version(quiz):
    question = _question(quiz)
    choice = question.choices.get(text="Embedding")
    choice.feedback = "changed feedback"
    choice.save()
    version = services.question_version_record(question=question)
    assert version.number == 2
    assert services.question_version_record(question=question).number == 2


def test_an_attempt_started_before_an_edit_shows_and_grades_by_its_version(quiz, student):
    attempt = _answer(quiz, student, "Dropout", submit=False)
    services.question_upsert_from_data(data=_fixed_data())
    item = _item(attempt)
    assert item.version.number == 1
    shown = selectors.attempt_items_for_display(attempt=attempt)[0].question
    assert shown.stem == OLD_STEM
    assert [c.fraction for c in shown.choices.all()] == [Decimal(100), Decimal(0), Decimal(0)]
    attempt = services.attempt_submit(attempt=attempt, now=timezone.now())
    assert attempt.marks == Decimal(0)  # graded by version 1: Dropout was wrong
    # Someone starting now sees and is graded by version 2.
    item_now = _item(_answer(quiz, _other(), "Dropout"))
    assert item_now.version.number == 2
    assert item_now.mark == Decimal(1)


def _other():
    from dlplatform.accounts.models import User

    return User.objects.create_user(username=f"s{User.objects.count()}", password="x")


def test_a_question_edited_past_the_services_gets_its_version_at_the_next_start(quiz, student):
    question = _question(quiz)
    # A bulk write moves updated_at (as the question cache needs): that is what start notices.
    Question.objects.filter(pk=question.pk).update(stem="Edited in bulk", updated_at=timezone.now())
    attempt = _answer(quiz, student, "Pooling", submit=False)
    item = _item(attempt)
    assert item.version.number == 2
    assert item.version.snapshot["fields"]["stem"] == "Edited in bulk"


def test_preview_gives_old_and_new_marks_and_totals_exactly(quiz, student):
    wrong = _answer(quiz, student, "Dropout")
    right = _answer(quiz, _other(), "Pooling")
    other_wrong = _answer(quiz, _other(), "Embedding")
    services.question_upsert_from_data(data=_fixed_data())
    question = _question(quiz)
    preview = services.regrade_preview(question=question, quiz=quiz)
    assert preview.version.number == 2
    by_attempt = {row.attempt.pk: row for row in preview.rows}
    assert (by_attempt[wrong.pk].mark_before, by_attempt[wrong.pk].mark_after) == (0, 1)
    assert by_attempt[wrong.pk].score_after == Decimal("100.000")
    assert (by_attempt[right.pk].mark_before, by_attempt[right.pk].mark_after) == (1, 1)
    assert (by_attempt[other_wrong.pk].mark_after) == 0
    assert (preview.total_before, preview.total_after) == (Decimal(1), Decimal(2))
    wrong.refresh_from_db()
    assert wrong.marks == 0 and _item(wrong).version.number == 1  # nothing written


def test_apply_regrades_writes_an_audit_row_and_a_second_apply_changes_nothing(
    quiz, student, instructor
):
    wrong = _answer(quiz, student, "Dropout")
    services.question_upsert_from_data(data=_fixed_data())
    question = _question(quiz)
    row = services.regrade_apply(question=question, quiz=quiz, by=instructor, reason="key fix")
    assert row is not None and row.by == instructor and row.reason == "key fix"
    assert row.changes[0]["mark_before"] == "0E-7" or Decimal(row.changes[0]["mark_before"]) == 0
    assert Decimal(row.changes[0]["mark_after"]) == 1
    assert Decimal(row.changes[0]["score_after"]) == 100
    wrong.refresh_from_db()
    assert wrong.marks == 1 and _item(wrong).version.number == 2
    _assert_score_is_sum(wrong)
    assert AttemptRegrade.objects.filter(attempt=wrong).count() == 1
    again = services.regrade_apply(question=question, quiz=quiz, by=instructor, reason="again")
    assert again is None
    assert VersionRegrade.objects.count() == 1
    assert AttemptRegrade.objects.filter(attempt=wrong).count() == 1


def test_regrading_back_to_version_one_restores_the_old_marks(quiz, student, instructor):
    wrong = _answer(quiz, student, "Dropout")
    services.question_upsert_from_data(data=_fixed_data())
    question = _question(quiz)
    services.regrade_apply(question=question, by=instructor, reason="fix")
    first = question.versions.get(number=1)
    services.regrade_apply(question=question, to_version=first, by=instructor, reason="undo")
    wrong.refresh_from_db()
    assert wrong.marks == 0 and _item(wrong).version == first
    _assert_score_is_sum(wrong)


def test_apply_is_atomic(quiz, student, instructor, monkeypatch):
    wrong = _answer(quiz, student, "Dropout")
    services.question_upsert_from_data(data=_fixed_data())

    def broken(**kwargs):
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(VersionRegrade.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.regrade_apply(question=_question(quiz), by=instructor, reason="fix")
    wrong.refresh_from_db()
    assert wrong.marks == 0 and _item(wrong).version.number == 1
    assert not AttemptRegrade.objects.exists()


def test_an_open_attempt_keeps_its_version_unless_asked(quiz, student, instructor):
    open_attempt = _answer(quiz, student, "Dropout", submit=False)
    _answer(quiz, _other(), "Dropout")
    services.question_upsert_from_data(data=_fixed_data())
    question = _question(quiz)
    services.regrade_apply(question=question, by=instructor, reason="fix")
    assert _item(open_attempt).version.number == 1
    open_attempt.refresh_from_db()
    assert open_attempt.state == AttemptState.IN_PROGRESS
    services.regrade_apply(question=question, by=instructor, reason="all", include_open=True)
    assert _item(open_attempt).version.number == 2
    open_attempt = services.attempt_submit(attempt=open_attempt, now=timezone.now())
    assert open_attempt.marks == 1  # graded by the version it was moved to


def test_a_reason_is_required_and_a_version_of_another_question_is_refused(quiz, instructor):
    question = _question(quiz)
    with pytest.raises(AttemptError):
        services.regrade_apply(question=question, by=instructor, reason="  ")
    other = services.question_upsert_from_data(data=_data(slug="other-q"))
    with pytest.raises(AttemptError):
        services.regrade_preview(question=question, to_version=other.versions.get())


def test_the_diff_names_what_changed(quiz):
    services.question_upsert_from_data(data=_fixed_data())
    first, second = QuestionVersion.objects.order_by("number")
    lines = versioning.diff(first, second)
    assert f"-stem: {OLD_STEM}" in lines and f"+stem: {NEW_STEM}" in lines
    assert any(line.startswith("+choices 2:") and "fraction=100" in line for line in lines)


def test_the_data_migration_gives_each_question_version_one_and_points_items_at_it(quiz, student):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("quizzes.migrations.0012_question_versions_first")
    attempt = _answer(quiz, student, "Dropout")
    AttemptQuestion.objects.update(version=None)
    QuestionVersion.objects.all().delete()
    migration.forwards(apps, None)
    question = _question(quiz)
    version = question.versions.get()
    assert version.number == 1 and _item(attempt).version == version
    assert version.content_hash == versioning.content_hash(versioning.snapshot_of(question))
    migration.forwards(apps, None)  # a second run adds nothing
    assert question.versions.count() == 1


def _admin_form(question, **changes) -> dict:
    # The question editor's fields (quizzes/admin_editor.py): the type is fixed once added, tags
    # and hints are lines, the settings are the type's spec_* fields (unticked: not posted).
    form = {
        "name": question.name,
        "stem": question.stem,
        "explanation": question.explanation,
        "stem_format": "markdown",
        "difficulty": "medium",
        "tags": "",
        "hints": "",
        "default_mark": "1.00",
        "penalty": "0.33333",
        "choices-TOTAL_FORMS": "0",
        "choices-INITIAL_FORMS": "0",
    }
    form.update(changes)
    return form


def test_an_admin_save_makes_a_version_only_when_something_changed(admin_client, admin_user):
    from .factories import make_question

    question = make_question("short", slug="admin-versions")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    assert admin_client.post(url, _admin_form(question)).status_code == 302
    assert question.versions.count() == 1
    edited = _admin_form(question, stem="An edited stem in the admin.")
    assert admin_client.post(url, edited).status_code == 302
    latest = question.versions.order_by("-number").first()
    assert latest.number == 2 and latest.created_by == admin_user
    assert latest.snapshot["fields"]["stem"] == "An edited stem in the admin."


def test_the_admin_history_shows_the_versions_and_their_diff(admin_client, quiz):
    services.question_upsert_from_data(data=_fixed_data())
    question = _question(quiz)
    change = admin_client.get(f"/admin/quizzes/question/{question.pk}/change/")
    history_url = f"/admin/quizzes/question/{question.pk}/versions/"
    assert history_url in change.content.decode()
    page = admin_client.get(history_url, {"a": 1, "b": 2})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"-stem: {OLD_STEM}" in html and f"+stem: {NEW_STEM}" in html
    assert 'data-version-stats="1"' not in html  # no finished attempts yet
    assert admin_client.get(history_url).status_code == 200  # default: latest against previous
    assert admin_client.get(history_url, {"b": "99"}).status_code == 404
    assert admin_client.get(history_url, {"b": "x", "a": "-1"}).status_code == 200


def test_the_admin_history_needs_staff(student_client, quiz):
    question = _question(quiz)
    page = student_client.get(f"/admin/quizzes/question/{question.pk}/versions/")
    assert page.status_code == 302 and "/admin/login/" in page["Location"]


def test_the_responses_report_names_the_choice_the_student_saw(quiz, student, instructor_client):
    _answer(quiz, student, "Dropout")
    data = _fixed_data()
    data["choices"][1]["text"] = "Dropout (renamed)"
    services.question_upsert_from_data(data=data)
    from django.urls import reverse

    page = instructor_client.get(reverse("quizzes:report-responses", args=[quiz.pk]))
    html = page.content.decode()
    assert "Dropout" in html and "Dropout (renamed)" not in html


def test_the_result_page_shows_the_version_the_student_answered(quiz, student, student_client):
    from django.urls import reverse

    attempt = _answer(quiz, student, "Dropout")
    services.question_upsert_from_data(data=_fixed_data())
    html = student_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert OLD_STEM in html and NEW_STEM not in html


def test_statistics_per_version(quiz, student):
    _answer(quiz, student, "Dropout")  # version 1: wrong
    _answer(quiz, _other(), "Pooling")  # version 1: right
    services.question_upsert_from_data(data=_fixed_data())
    _answer(quiz, _other(), "Dropout")  # version 2: right
    from quizzes.statistics.queries import question_version_statistics

    rows = question_version_statistics(question=_question(quiz))
    assert [(r["number"], r["count"], r["facility"]) for r in rows] == [
        (1, 2, Decimal(50)),
        (2, 1, Decimal(100)),
    ]


def test_a_version_recorded_by_someone_else_meanwhile_is_used(quiz):
    from quizzes.services import versions as version_services

    question = questions_with_answers_of(_question(quiz))
    stale = question.versions.get()
    Question.objects.filter(pk=question.pk).update(stem="Raced edit")
    question = questions_with_answers_of(question)
    made = version_services._record(question, None, stale)  # the other start
    assert version_services._record(question, None, stale) == made  # number 2 taken: reuse
    assert question.versions.count() == 2


def questions_with_answers_of(question):
    return selectors.questions_with_answers().get(pk=question.pk)
