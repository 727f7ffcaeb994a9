"""Overrides, extra time, overdue handling, password and the delays: Moodle's access rules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from quizzes import services as s
from quizzes.access import effective_settings, merge_settings
from quizzes.models import AttemptState, OverdueHandling, Quiz, QuizOverride

from .admin_forms import quiz_change_data
from .factories import as_sent, make_quiz, minutes, right_response

pytestmark = pytest.mark.django_db
NOW = timezone.now().replace(microsecond=0)


def _override(quiz: Quiz, who, **fields) -> QuizOverride:
    key = "group" if isinstance(who, Group) else "user"
    return QuizOverride.objects.create(quiz=quiz, **{key: who}, **fields)


def _group(user, name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    user.groups.add(group)
    return group


# --- the merge, as pure data ---------------------------------------------------------------------
def test_merge_user_beats_groups_and_groups_take_the_most_lenient():
    quiz = Quiz(time_limit=minutes(30), attempts_allowed=2, close_at=NOW + minutes(60))
    g1 = QuizOverride(time_limit=minutes(40), attempts_allowed=3, close_at=NOW + minutes(90))
    g2 = QuizOverride(time_limit=minutes(50), attempts_allowed=0, open_at=NOW - minutes(5))
    merged = merge_settings(quiz, None, [g1, g2])
    assert merged.time_limit == minutes(50)  # the longest
    assert merged.attempts_allowed == 0  # unlimited beats any number
    assert merged.close_at == NOW + minutes(90)
    assert merged.open_at == NOW - minutes(5)
    mine = QuizOverride(time_limit=minutes(20), extra_time_percent=50)
    merged = merge_settings(quiz, mine, [g1, g2])
    assert merged.time_limit == minutes(20)  # the user's own, even though stricter
    assert merged.answer_time == minutes(30)  # with 50% extra time
    assert merged.attempts_allowed == 0  # not set by the user: the groups' value stays


def test_merge_zero_limit_in_a_group_means_no_limit_and_unset_keeps_the_quiz():
    quiz = Quiz(time_limit=minutes(30), attempts_allowed=2)
    assert merge_settings(quiz, None, []).time_limit == minutes(30)
    merged = merge_settings(quiz, None, [QuizOverride(time_limit=timedelta(0))])
    assert merged.time_limit is None and merged.deadline_for(NOW) is None
    assert merge_settings(quiz, None, [QuizOverride()]).attempts_allowed == 2


def test_deadline_is_capped_by_the_close_date_and_grace_follows_it():
    quiz = Quiz(
        time_limit=minutes(30),
        close_at=NOW + minutes(20),
        overdue_handling=OverdueHandling.GRACE,
        grace_period=minutes(5),
    )
    merged = merge_settings(quiz, None, [])
    assert merged.deadline_for(NOW) == NOW + minutes(20)
    assert merged.submit_until(NOW + minutes(20)) == NOW + minutes(25)
    quiz.overdue_handling = OverdueHandling.AUTOSUBMIT  # the grace period applies to grace only
    assert merge_settings(quiz, None, []).grace_period == timedelta(0)


def test_passwords_user_replaces_groups_add():
    quiz = Quiz(password="quizpw")
    assert merge_settings(quiz, None, []).password_ok("quizpw")
    assert not merge_settings(quiz, None, []).password_ok("QUIZPW")
    groups = [QuizOverride(password="g1"), QuizOverride(password="g2")]
    merged = merge_settings(quiz, None, groups)
    assert merged.password_ok("g1") and merged.password_ok("g2")
    assert not merged.password_ok("quizpw")
    assert merge_settings(quiz, QuizOverride(password="me"), groups).passwords == ("me",)
    assert merge_settings(Quiz(), None, []).password_ok(None)  # none asked


# --- the overrides in the services ---------------------------------------------------------------
def test_user_override_beats_group_override_in_the_database(student):
    quiz = make_quiz(["single"], time_limit=minutes(10), attempts_allowed=1)
    _override(quiz, _group(student, "evening"), time_limit=minutes(30), attempts_allowed=3)
    _override(quiz, _group(student, "weekend"), time_limit=minutes(20))
    assert effective_settings(quiz=quiz, user=student).time_limit == minutes(30)
    _override(quiz, student, time_limit=minutes(15))
    settings = effective_settings(quiz=quiz, user=student)
    assert settings.time_limit == minutes(15) and settings.attempts_allowed == 3
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    assert attempt.deadline == NOW + minutes(15)


def test_other_students_and_groups_are_not_affected(student, other_student):
    quiz = make_quiz(["single"], time_limit=minutes(10))
    _override(quiz, _group(student, "accommodations"), extra_time_percent=25)
    mine = s.attempt_start(quiz=quiz, user=student, now=NOW)
    theirs = s.attempt_start(quiz=quiz, user=other_student, now=NOW)
    assert mine.deadline == NOW + minutes(12.5)
    assert theirs.deadline == NOW + minutes(10)


def test_override_dates_and_attempts_open_the_quiz_to_one_student(student, other_student):
    quiz = make_quiz(["single"], close_at=NOW - minutes(1), attempts_allowed=1)
    _override(quiz, student, close_at=NOW + minutes(60), attempts_allowed=2)
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_start(quiz=quiz, user=other_student, now=NOW)
    assert exc.value.code == "closed"
    first = s.attempt_start(quiz=quiz, user=student, now=NOW)
    s.attempt_submit(attempt=first, now=NOW)
    second = s.attempt_start(quiz=quiz, user=student, now=NOW)
    assert second.number == 2 and second.deadline == NOW + minutes(60)


def _answer_right(attempt, now):
    item = attempt.items.select_related("question").first()
    return s.attempt_save_answer(
        attempt=attempt,
        question_id=item.question_id,
        response=right_response(item.question),
        now=now,
    )


def test_grace_period_takes_a_submit_but_no_answer(student):
    quiz = make_quiz(
        ["single"],
        time_limit=minutes(10),
        overdue_handling=OverdueHandling.GRACE,
        grace_period=minutes(5),
    )
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    with pytest.raises(s.AttemptError) as exc:
        _answer_right(attempt, NOW + minutes(11))
    assert exc.value.code == "closed"
    # Within the grace period the attempt stays open (for submitting only) and is graded.
    still = s.attempt_submit_if_overdue(attempt=attempt, now=NOW + minutes(14))
    assert still.state == AttemptState.IN_PROGRESS
    done = s.attempt_submit(attempt=attempt, now=NOW + minutes(14))
    assert done.state == AttemptState.FINISHED and done.score == Decimal("0.000")


def test_after_the_grace_period_the_attempt_is_abandoned(student):
    quiz = make_quiz(
        ["single"],
        time_limit=minutes(10),
        overdue_handling=OverdueHandling.GRACE,
        grace_period=minutes(5),
    )
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    _answer_right(attempt, NOW + minutes(1))
    late = s.attempt_submit(attempt=attempt, now=NOW + minutes(16))
    assert late.state == AttemptState.ABANDONED and late.score is None
    assert s.attempt_submit(attempt=attempt, now=NOW + minutes(17)).state == "abandoned"


def test_grace_period_follows_the_extra_time(student):
    quiz = make_quiz(
        ["single"],
        time_limit=minutes(10),
        overdue_handling=OverdueHandling.GRACE,
        grace_period=minutes(2),
    )
    _override(quiz, student, extra_time_percent=100)
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    _answer_right(attempt, NOW + minutes(19))  # inside the doubled limit
    done = s.attempt_submit(attempt=attempt, now=NOW + minutes(21))
    assert done.state == AttemptState.FINISHED and done.score == Decimal("100.000")


def test_autoabandon_refuses_a_late_submit(student):
    quiz = make_quiz(["single"], time_limit=minutes(10), overdue_handling=OverdueHandling.ABANDON)
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW)
    resumed = s.attempt_submit_if_overdue(
        attempt=attempt,
        now=NOW
        + minutes(
            10,
        )
        + timedelta(seconds=1),
    )
    assert resumed.state == AttemptState.ABANDONED


# --- password, delays, passing the previous attempt --------------------------------------------
def test_password_is_checked_before_an_attempt_starts(student):
    quiz = make_quiz(["single"], password="s3cret pw")
    for wrong in (None, "", "s3cret", "S3CRET PW"):
        with pytest.raises(s.AttemptError) as exc:
            s.attempt_start(quiz=quiz, user=student, now=NOW, password=wrong)
        assert exc.value.code == "password"
    assert not quiz.attempts.exists()
    attempt = s.attempt_start(quiz=quiz, user=student, now=NOW, password="s3cret pw")
    # Resuming the open attempt needs no password again.
    assert s.attempt_start(quiz=quiz, user=student, now=NOW).pk == attempt.pk


def test_delay_between_attempts_first_and_later(student):
    quiz = make_quiz(["single"], delay_first=minutes(60), delay_later=minutes(10))
    first = s.attempt_start(quiz=quiz, user=student, now=NOW)
    s.attempt_submit(attempt=first, now=NOW + minutes(5))
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(64))
    assert exc.value.code == "wait" and "1 minute" in str(exc.value)
    second = s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(65))
    s.attempt_submit(attempt=second, now=NOW + minutes(66))
    with pytest.raises(s.AttemptError):
        s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(75))
    assert s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(76)).number == 3


def test_delay_counts_from_the_time_limit_not_a_late_finish(student):
    # Moodle: the previous attempt ends no later than its start plus the time limit.
    quiz = make_quiz(["single"], time_limit=minutes(10), delay_first=minutes(30))
    first = s.attempt_start(quiz=quiz, user=student, now=NOW)
    first.submitted_at = NOW + minutes(50)  # as if recorded late
    first.state = AttemptState.FINISHED
    first.save()
    assert s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(40)).number == 2


def test_delay_that_ends_after_the_close_says_so(student):
    quiz = make_quiz(["single"], delay_first=minutes(60), close_at=NOW + minutes(30))
    first = s.attempt_start(quiz=quiz, user=student, now=NOW)
    s.attempt_submit(attempt=first, now=NOW)
    with pytest.raises(s.AttemptError, match="closes before"):
        s.attempt_start(quiz=quiz, user=student, now=NOW + minutes(1))


def test_require_passing_the_previous_attempt(student):
    quiz = make_quiz(["single"], require_pass_previous=True, pass_mark=Decimal("50"))
    first = s.attempt_start(quiz=quiz, user=student, now=NOW)
    _answer_right(first, NOW)
    s.attempt_submit(attempt=first, now=NOW)
    second = s.attempt_start(quiz=quiz, user=student, now=NOW)
    s.attempt_submit(attempt=second, now=NOW)  # unanswered: 0%, not passed
    with pytest.raises(s.AttemptError) as exc:
        s.attempt_start(quiz=quiz, user=student, now=NOW)
    assert exc.value.code == "must_pass_previous"


# --- pages and API -------------------------------------------------------------------------------
def test_start_page_asks_the_password_and_never_echoes_it(student_client, student):
    quiz = make_quiz(["single"], password="pw-right")
    page = student_client.get(reverse("quizzes:quiz", args=[quiz.pk]))
    assert b'name="password"' in page.content and b"pw-right" not in page.content
    url = reverse("quizzes:start", args=[quiz.pk])
    refused = student_client.post(url, {"password": "pw-WRONG-guess"}, follow=True)
    assert b"password is not right" in refused.content
    assert b"pw-WRONG-guess" not in refused.content and not quiz.attempts.exists()
    started = student_client.post(url, {"password": "pw-right"})
    assert started.status_code == 302 and quiz.attempts.count() == 1


def test_api_start_password_is_a_field_level_400(student_client):
    quiz = make_quiz(["single"], password="pw-right")
    url = reverse("quizzes-api:quiz-start", args=[quiz.pk])
    refused = student_client.post(url, {"password": "nope-guess"}, content_type="application/json")
    assert refused.status_code == 400 and "password" in refused.json()
    assert "nope-guess" not in refused.content.decode()
    too_long = student_client.post(url, {"password": "x" * 500}, content_type="application/json")
    assert too_long.status_code == 400 and "password" in too_long.json()
    assert (
        student_client.post(url, {"password": 7}, content_type="application/json").status_code
        == 400
    )
    ok = student_client.post(url, {"password": "pw-right"}, content_type="application/json")
    assert ok.status_code == 201


def test_api_shows_the_students_effective_settings(student_client, student, other_client):
    quiz = make_quiz(["single"], time_limit=minutes(10), attempts_allowed=1)
    _override(quiz, student, attempts_allowed=4, extra_time_percent=50)
    url = reverse("quizzes-api:quiz-detail", args=[quiz.pk])
    mine = student_client.get(url).json()
    assert mine["time_limit_seconds"] == 900 and mine["attempts_allowed"] == 4
    theirs = other_client.get(url).json()
    assert theirs["time_limit_seconds"] == 600 and theirs["attempts_allowed"] == 1
    assert mine["password_required"] is False


def test_api_answer_in_the_grace_period_is_refused_submit_is_taken(student_client, student):
    quiz = make_quiz(
        ["single"],
        time_limit=minutes(10),
        overdue_handling=OverdueHandling.GRACE,
        grace_period=minutes(30),
    )
    attempt = s.attempt_start(quiz=quiz, user=student, now=timezone.now() - minutes(11))
    item = attempt.items.select_related("question").first()
    answer = reverse("quizzes-api:attempt-answer", args=[attempt.pk])
    body = {
        "question_id": item.question_id,
        "response": as_sent(item, right_response(item.question)),
    }
    refused = student_client.post(answer, body, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "closed"
    submit = reverse("quizzes-api:attempt-submit", args=[attempt.pk])
    done = student_client.post(submit, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "finished"


def test_delay_and_wait_are_403_in_the_api(student_client, student):
    quiz = make_quiz(["single"], delay_first=minutes(60))
    first = s.attempt_start(quiz=quiz, user=student, now=timezone.now())
    s.attempt_submit(attempt=first, now=timezone.now())
    url = reverse("quizzes-api:quiz-start", args=[quiz.pk])
    refused = student_client.post(url, {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "wait"


def test_admin_shows_the_new_settings_in_fieldsets(instructor_client, instructor):
    instructor.is_superuser = True
    instructor.save()
    quiz = make_quiz(["single"])
    page = instructor_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for text in (
        "Timing",
        "Attempts and access",
        "grace_period",
        "overrides-",
        "extra_time_percent",
    ):
        assert text in html


def test_admin_saves_an_override_and_refuses_one_for_nobody(admin_client, student):
    quiz = make_quiz(["single"])
    url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    base = quiz_change_data(
        {
            "overdue_handling": "graceperiod",
            "grace_period": "00:05:00",
            "overrides-TOTAL_FORMS": 1,
            "overrides-0-extra_time_percent": "50",
        }
    )
    refused = admin_client.post(url, base)  # neither a student nor a group: a form error
    assert refused.status_code == 200 and not QuizOverride.objects.exists()
    saved = admin_client.post(url, {**base, "overrides-0-user": student.pk})
    assert saved.status_code == 302
    override = QuizOverride.objects.get()
    assert override.user == student and override.extra_time_percent == 50
    quiz.refresh_from_db()
    assert quiz.grace_period == minutes(5)


def test_open_attempts_follow_a_new_override(
    student, other_student, django_capture_on_commit_callbacks
):
    quiz = make_quiz(["single"], time_limit=minutes(10))
    mine = s.attempt_start(quiz=quiz, user=student, now=NOW)
    theirs = s.attempt_start(quiz=quiz, user=other_student, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        override = _override(quiz, student, extra_time_percent=50)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.deadline == NOW + minutes(15) and theirs.deadline == NOW + minutes(10)
    with django_capture_on_commit_callbacks(execute=True):
        override.delete()
    mine.refresh_from_db()
    assert mine.deadline == NOW + minutes(10)
    with django_capture_on_commit_callbacks(execute=True):
        quiz.time_limit = minutes(20)
        quiz.save()
    theirs.refresh_from_db()
    assert theirs.deadline == NOW + minutes(20)
