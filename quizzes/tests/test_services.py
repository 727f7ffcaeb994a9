"""Attempt services against real PostgreSQL: limits, locking, idempotent submit, grading methods."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes import services as s
from quizzes.models import AttemptState, Quiz
from quizzes.selectors import overall_feedback, quiz_grade

from .factories import make_question, make_quiz, make_section, minutes

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _qid(attempt, kind):
    return attempt.items.get(question__type=kind).question_id


def _choice(attempt, text):
    item = attempt.items.get(
        question__type__in=["single", "multi", "truefalse"], question__choices__text=text
    )
    return item.question.choices.get(text=text).id


def test_start_resumes_and_counts_attempts(student):
    quiz = make_quiz(["single"], attempts_allowed=1)
    first = s.attempt_start(quiz=quiz, user=student, now=NOW)
    assert s.attempt_start(quiz=quiz, user=student, now=NOW).pk == first.pk
    s.attempt_submit(attempt=first, now=NOW)
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_start(quiz=quiz, user=student, now=NOW)
    assert exc.value.code == "no_attempts_left"


def test_open_and_close_dates(student):
    quiz = make_quiz(["single"], open_at=NOW + minutes(5), close_at=NOW + minutes(60))
    with pytest.raises(s.AttemptError, match="not open"):
        s.attempt_start(quiz=quiz, user=student, now=NOW)
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(50))
    assert attempt.deadline == quiz.close_at  # the close date caps the attempt
    # The open attempt is graded as saved once the quiz closed; no new one may start.
    late = s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(61))
    assert late.pk == attempt.pk and late.state == AttemptState.FINISHED
    with pytest.raises(s.AttemptError, match="closed"):
        s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(61))


def test_time_limit_refuses_late_answers_and_grades_saved(student):
    quiz = make_quiz(["single", "short"], time_limit=minutes(10))
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    assert attempt.deadline == NOW + minutes(10)
    s.attempt_save_answer(
        attempt=attempt,
        question_id=_qid(attempt, "single"),
        response=_choice(attempt, "Pooling"),
        now=NOW + minutes(9),
    )
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_save_answer(
            attempt=attempt,
            question_id=_qid(attempt, "short"),
            response="SECRETRELU",
            now=NOW + minutes(10) + timedelta(seconds=1),
        )
    assert exc.value.code == "closed"
    done = s.attempt_submit(attempt=attempt, now=NOW + minutes(30))
    assert done.state == AttemptState.FINISHED and done.score == Decimal("50.000")
    assert done.submitted_at == attempt.deadline


def test_overdue_attempt_is_graded_on_resume(student):
    quiz = make_quiz(["single"], time_limit=minutes(1))
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    resumed = s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(2))
    assert resumed.pk == attempt.pk and resumed.state == AttemptState.FINISHED


def test_double_submit_grades_once(student):
    quiz = make_quiz(["single"])
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    s.attempt_save_answer(
        attempt=attempt,
        question_id=_qid(attempt, "single"),
        response=_choice(attempt, "Pooling"),
        now=NOW,
    )
    first = s.attempt_submit(attempt=attempt, now=NOW + minutes(1))
    # Changing the stored answer afterwards must not change a regrade: there is none.
    attempt.items.update(response=None)
    second = s.attempt_submit(attempt=attempt, now=NOW + minutes(2))
    assert second.graded_at == first.graded_at and second.score == Decimal("100.000")
    with pytest.raises(s.AttemptError):
        s.attempt_save_answer(
            attempt=attempt, question_id=_qid(attempt, "single"), response=1, now=NOW
        )


def test_immediate_check_locks_once(student):
    quiz = make_quiz(["single"], behaviour="immediate")
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    qid = _qid(attempt, "single")
    item = s.attempt_check_answer(
        attempt=attempt, question_id=qid, response=_choice(attempt, "Dropout"), now=NOW
    )
    assert item.locked and item.mark == 0 and "FEEDBACK-single-wrong" in item.feedback
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_save_answer(
            attempt=attempt, question_id=qid, response=_choice(attempt, "Pooling"), now=NOW
        )
    assert exc.value.code == "locked"


def test_interactive_tries_with_penalty(student):
    section = make_section()
    quiz = make_quiz([], section=section, behaviour="interactive", max_tries=3)
    question = make_question("single", section, hints=["HINT-one", "HINT-two"], penalty="0.25")
    quiz.slots.create(question=question, order=0)
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    wrong, right = (question.choices.get(text=t).id for t in ("Dropout", "Pooling"))
    item = s.attempt_check_answer(attempt=attempt, question_id=question.id, response=wrong, now=NOW)
    assert not item.locked and item.tries == 1 and item.feedback == "" and item.mark is None
    item = s.attempt_check_answer(attempt=attempt, question_id=question.id, response=right, now=NOW)
    assert item.locked and item.mark == Decimal("0.75")
    assert s.attempt_submit(attempt=attempt, now=NOW).score == Decimal("75.000")


def test_deferred_refuses_check(student):
    attempt = s.attempt_start(quiz=make_quiz(["single"]), user=student, now=NOW)
    with pytest.raises(s.AttemptError):
        s.attempt_check_answer(attempt=attempt, question_id=_qid(attempt, "single"), now=NOW)


def test_response_shape_is_validated(student):
    attempt = s.attempt_start(quiz=make_quiz(["multi", "matching"]), user=student, now=NOW)
    with pytest.raises(s.AttemptError):
        s.attempt_save_answer(
            attempt=attempt, question_id=_qid(attempt, "multi"), response="x", now=NOW
        )
    with pytest.raises(s.AttemptError):
        s.attempt_save_answer(
            attempt=attempt, question_id=_qid(attempt, "matching"), response="a" * 30000, now=NOW
        )


def test_every_type_full_marks_and_essay_grading(student, instructor):
    kinds = [
        "single",
        "multi",
        "truefalse",
        "short",
        "numerical",
        "matching",
        "ordering",
        "essay",
        "description",
    ]
    attempt = s.attempt_start(quiz=make_quiz(kinds), user=student, now=NOW)
    answers = {}
    for item in attempt.items.select_related("question"):
        q = item.question
        answers[q.type] = {
            "single": q.choices.get(fraction=100).id if q.type == "single" else None,
            "multi": [c.id for c in q.choices.filter(fraction__gt=0)]
            if q.type == "multi"
            else None,
            "truefalse": q.choices.get(text="False").id if q.type == "truefalse" else None,
            "short": " SecretReLU ",
            "numerical": "26",
            "matching": {str(p.id): p.right for p in q.match_pairs.exclude(left="")},
            "ordering": [o.id for o in q.ordering_items.order_by("position")],
            "essay": "Gradients shrink.",
            "description": None,
        }[q.type]
        if answers[q.type] is not None:
            s.attempt_save_answer(
                attempt=attempt, question_id=q.id, response=answers[q.type], now=NOW
            )
    done = s.attempt_submit(attempt=attempt, now=NOW)
    assert done.max_marks == 8 and done.marks == 7 and done.needs_manual_grading
    essay = done.items.get(question__type="essay")
    s.essay_grade(item=essay, mark=Decimal("1"), comment="Good", grader=instructor)
    done.refresh_from_db()
    assert done.score == Decimal("100.000") and not done.needs_manual_grading


def test_grading_methods_and_feedback_bands(student):
    quiz = make_quiz(
        ["single", "truefalse"],
        feedback_bands=[{"min": 90, "text": "Great"}, {"min": 0, "text": "Review"}],
    )
    scores = []
    for picks in (["Dropout"], ["Pooling", "False"], ["Pooling"]):
        attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
        for text in picks:
            item = attempt.items.get(question__choices__text=text)
            s.attempt_save_answer(
                attempt=attempt,
                question_id=item.question_id,
                response=item.question.choices.get(text=text).id,
                now=NOW,
            )
        scores.append(s.attempt_submit(attempt=attempt, now=NOW).score)
    assert scores == [0, 100, 50]
    expected = {"highest": 100, "average": Decimal("50.000"), "first": 0, "last": 50}
    for method, value in expected.items():
        Quiz.objects.filter(pk=quiz.pk).update(grading_method=method)
        quiz.refresh_from_db()
        assert quiz_grade(quiz=quiz, user=student) == value
    assert overall_feedback(quiz=quiz, score=Decimal(95)) == "Great"
    assert overall_feedback(quiz=quiz, score=Decimal(10)) == "Review"


def test_random_draw_filters(student):
    section = make_section()
    for i in range(6):
        make_question(
            "single", section, slug=f"q{i}", difficulty="hard" if i % 2 else "easy", tags=["x"]
        )
    quiz = Quiz.objects.create(
        section=section, title="Draw", draw_count=2, draw_difficulty="hard", draw_tags=["x"]
    )
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    drawn = list(attempt.items.values_list("question__difficulty", flat=True))
    assert drawn == ["hard", "hard"]


def test_question_data_round_trip_and_upsert_keeps_ids():
    section = make_section()
    for kind in ("single", "multi", "short", "numerical", "matching", "ordering", "essay"):
        q = make_question(kind, section, slug=f"rt-{kind}", topic="cnn", tags=["t"])
        data = s.question_to_data(question=q)
        ids = list(q.choices.values_list("id", flat=True))
        again = s.question_upsert_from_data(data=data)
        assert again.pk == q.pk and s.question_to_data(question=again) == data
        assert list(again.choices.values_list("id", flat=True)) == ids


def test_question_data_errors_name_the_question():
    with pytest.raises(s.QuestionDataError, match="'bad-one'.*fraction 100"):
        s.question_upsert_from_data(
            data={
                "slug": "bad-one",
                "type": "single",
                "stem": "x",
                "choices": [{"text": "a", "fraction": 50}, {"text": "b"}],
            }
        )
    with pytest.raises(s.QuestionDataError, match="unknown glossary terms: nope"):
        make_question("single", slug="t", terms=["nope"])


def test_duplicate_question():
    q = make_question("matching", slug="m1")
    copy = s.question_duplicate(question=q)
    assert copy.pk != q.pk and copy.slug is None and copy.match_pairs.count() == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_grade_once(student):
    import threading

    from django.db import connection

    quiz = make_quiz(["single"])
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    barrier = threading.Barrier(2)
    stamps = []

    def submit(offset: int) -> None:
        try:
            barrier.wait()
            stamps.append(s.attempt_submit(attempt=attempt, now=NOW + minutes(offset)).graded_at)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stamps) == 2 and stamps[0] == stamps[1]  # the second saw the first's grading


def test_check_after_deadline_is_refused(student):
    quiz = make_quiz(["single"], behaviour="immediate", time_limit=minutes(1))
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_check_answer(
            attempt=attempt,
            question_id=_qid(attempt, "single"),
            response=_choice(attempt, "Pooling"),
            now=NOW + minutes(2),
        )
    assert exc.value.code == "closed"


def test_random_draw_by_topic_differs_per_attempt(student):
    from lessons.models import Topic

    section = make_section()
    rnn = Topic.objects.create(section=section, slug="rnn", title="RNN", order=1)
    for i in range(8):
        make_question("single", section, slug=f"t{i}", topic="cnn" if i < 6 else "rnn")
    quiz = Quiz.objects.create(
        section=section,
        title="Topic draw",
        draw_count=3,
        draw_topic=Topic.objects.get(section=section, slug="cnn"),
    )
    drawn = []
    for seed in (1, 2):
        attempt = s.attempt_start(quiz=quiz, user=student, now=NOW, seed=seed)
        drawn.append(list(attempt.items.order_by("order").values_list("question__slug", flat=True)))
        assert not attempt.items.filter(question__topic=rnn).exists()
        assert attempt.max_marks == 3
        s.attempt_submit(attempt=attempt, now=NOW)
    assert drawn[0] != drawn[1]


def test_an_upsert_that_changes_the_type_drops_the_old_types_rows():
    """The bank keeps a question's answers in its type's relation only: an update to another
    type deletes the rows of the old one (a new question has none to delete)."""
    from .factories import QUESTION_DATA

    matching = make_question("matching", slug="changes-type")
    assert matching.match_pairs.exists() and not matching.choices.exists()
    single = s.question_upsert_from_data(data=dict(QUESTION_DATA["single"], slug="changes-type"))
    assert single.pk == matching.pk and single.type == "single"
    assert not single.match_pairs.exists()
    assert single.choices.count() == len(QUESTION_DATA["single"]["choices"])
