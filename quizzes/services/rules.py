"""The access rules checked before a new attempt starts, as Moodle's quizaccess plugins do:
open and close dates, attempts allowed, the password, the delay between attempts
(quizaccess_delaybetweenattempts) and "require passing the previous attempt".
All of them read the student's effective settings (quizzes/access.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from dlplatform.accounts.models import User

from ..access import EffectiveSettings, effective_settings
from ..models import Attempt, AttemptState, Quiz
from .errors import AttemptError


def check_can_start(
    quiz: Quiz, user: User, now: datetime, settings: EffectiveSettings, password: str | None
) -> int:
    """The number of the attempt to start, or an AttemptError saying why not."""
    if not quiz.is_published:
        raise AttemptError("This quiz is not published.", "not_open")
    if settings.open_at and now < settings.open_at:
        raise AttemptError("This quiz is not open yet.", "not_open")
    if settings.close_at and now >= settings.close_at:
        raise AttemptError("This quiz is closed.", "closed")
    last = quiz.attempts.filter(user=user).order_by("-number").first()
    done = last.number if last else 0
    if settings.attempts_allowed and done >= settings.attempts_allowed:
        raise AttemptError("You have used all your attempts at this quiz.", "no_attempts_left")
    if last is not None:
        _check_delay(quiz, settings, last, now)
        _check_passed(quiz, last)
    # Last: a student the dates or attempts refuse is told so rather than asked for a password.
    if not settings.password_ok(password):
        raise AttemptError("That password is not right.", "password")
    return done + 1


def open_attempts_refresh_deadlines(*, quiz_id: int) -> int:
    """After an override or the quiz's timing changed: each open attempt's deadline follows its
    student's effective settings again, as Moodle updates open attempts (the timer shown and the
    autosave cutoff read the deadline). Returns how many changed."""
    changed = 0
    attempts = Attempt.objects.filter(quiz_id=quiz_id, state=AttemptState.IN_PROGRESS)
    for attempt in attempts.select_related("quiz", "user"):
        deadline = effective_settings(quiz=attempt.quiz, user=attempt.user).deadline_for(
            attempt.started_at
        )
        if deadline != attempt.deadline:
            attempt.deadline = deadline
            attempt.save(update_fields=["deadline"])
            changed += 1
    return changed


def next_start_time(quiz: Quiz, settings: EffectiveSettings, last: Attempt) -> datetime | None:
    """Moodle's compute_next_start_time: the previous attempt's end (never later than its
    time limit allowed) plus the first delay after one attempt, the later delay after more."""
    delay = quiz.delay_first if last.number == 1 else quiz.delay_later
    if not delay:
        return None
    finish = last.submitted_at or last.deadline or last.started_at
    if settings.answer_time is not None:
        finish = min(finish, last.started_at + settings.answer_time)
    return finish + delay


def _check_delay(quiz: Quiz, settings: EffectiveSettings, last: Attempt, now: datetime) -> None:
    if last.state == AttemptState.IN_PROGRESS:
        return
    start = next_start_time(quiz, settings, last)
    if start is None or now >= start:
        return
    if settings.close_at and start > settings.close_at:
        raise AttemptError("The quiz closes before you may start another attempt.", "wait")
    raise AttemptError(
        f"You must wait until {start:%Y-%m-%d %H:%M} UTC before your next attempt"
        f" ({_minutes(start - now)} from now).",
        "wait",
    )


def _minutes(left: timedelta) -> str:
    minutes = max(1, int(-(-left.total_seconds() // 60)))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _check_passed(quiz: Quiz, last: Attempt) -> None:
    if not quiz.require_pass_previous:
        return
    if last.state != AttemptState.FINISHED or last.needs_manual_grading:
        raise AttemptError(
            "Your previous attempt must be graded and passed first.", "must_pass_previous"
        )
    if last.score is None or last.score < quiz.pass_mark:
        raise AttemptError(
            "A further attempt opens only once you pass the previous one.", "must_pass_previous"
        )
