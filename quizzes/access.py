"""A student's effective quiz settings: the quiz's own, merged with their overrides as Moodle
merges them (mod/quiz quiz_update_effective_access).

A user override's field, when set, wins. Otherwise the student's group overrides combine, each
field taking the most lenient value: the earliest opening, the latest closing (none beats any),
the longest time limit and the most attempts (unlimited beats any), the largest extra time; every
group password is accepted. Every check goes through `effective_settings`: the start check, the
deadline (the timer shown and the autosave cutoff both read `Attempt.deadline`, set from it), the
submission check and the API.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from .models import OverdueHandling, Quiz, QuizOverride

if TYPE_CHECKING:
    from dlplatform.accounts.models import User

NO_TIME = timedelta(0)


@dataclass(frozen=True)
class EffectiveSettings:
    open_at: datetime | None
    close_at: datetime | None
    time_limit: timedelta | None  # None: no limit
    attempts_allowed: int  # 0: unlimited
    extra_time_percent: int
    passwords: tuple[str, ...]  # empty: no password asked
    overdue_handling: str
    grace_period: timedelta

    @property
    def answer_time(self) -> timedelta | None:
        """The time limit with the student's extra time (an accommodation)."""
        if self.time_limit is None:
            return None
        return self.time_limit * (100 + self.extra_time_percent) / 100

    def deadline_for(self, start: datetime) -> datetime | None:
        """The last moment answers are saved: start + limit, never after the close date."""
        answer_time = self.answer_time
        deadline = start + answer_time if answer_time is not None else None
        if self.close_at and (deadline is None or deadline > self.close_at):
            deadline = self.close_at
        return deadline

    def submit_until(self, deadline: datetime | None) -> datetime | None:
        """The last moment a submit is accepted (the grace period follows the deadline)."""
        if deadline is None:
            return None
        if self.overdue_handling == OverdueHandling.GRACE:
            return deadline + self.grace_period
        return deadline

    def password_ok(self, given: str | None) -> bool:
        """Constant-time against each accepted password; True when none is asked."""
        if not self.passwords:
            return True
        offered = (given or "").encode()
        # Compare against every one so that the time taken says nothing about which matched.
        results = [hmac.compare_digest(offered, p.encode()) for p in self.passwords]
        return any(results)


def _lenient_max(values: Sequence[Any], unlimited: Any) -> Any:
    """The most lenient of the groups' values where `unlimited` (0, no limit) beats any."""
    if not values:
        return None
    return unlimited if unlimited in values else max(values)


def _merge_groups(groups: Sequence[QuizOverride]) -> dict[str, Any]:
    opens = [g.open_at for g in groups if g.open_at is not None]
    closes = [g.close_at for g in groups if g.close_at is not None]
    limits = [g.time_limit for g in groups if g.time_limit is not None]
    attempts = [g.attempts_allowed for g in groups if g.attempts_allowed is not None]
    extra = [g.extra_time_percent for g in groups if g.extra_time_percent is not None]
    return {
        "open_at": min(opens) if opens else None,
        "close_at": max(closes) if closes else None,
        "time_limit": _lenient_max(limits, NO_TIME),
        "attempts_allowed": _lenient_max(attempts, 0),
        "extra_time_percent": max(extra) if extra else None,
        "passwords": tuple(g.password for g in groups if g.password),
    }


def merge_settings(
    quiz: Quiz, user_override: QuizOverride | None, group_overrides: Sequence[QuizOverride]
) -> EffectiveSettings:
    """Pure: the quiz's settings with the overrides applied (no database access)."""
    merged = _merge_groups(group_overrides)
    if user_override is not None:
        for name in ("open_at", "close_at", "time_limit", "attempts_allowed", "extra_time_percent"):
            value = getattr(user_override, name)
            if value is not None:
                merged[name] = value
        if user_override.password:
            merged["passwords"] = (user_override.password,)
    limit = merged["time_limit"] if merged["time_limit"] is not None else quiz.time_limit
    attempts = merged["attempts_allowed"]
    passwords = merged["passwords"] or ((quiz.password,) if quiz.password else ())
    handling = quiz.overdue_handling
    return EffectiveSettings(
        open_at=merged["open_at"] or quiz.open_at,
        close_at=merged["close_at"] or quiz.close_at,
        time_limit=limit or None,  # a zero limit is no limit
        attempts_allowed=quiz.attempts_allowed if attempts is None else attempts,
        extra_time_percent=merged["extra_time_percent"] or 0,
        passwords=passwords,
        overdue_handling=handling,
        grace_period=(quiz.grace_period or NO_TIME)
        if handling == OverdueHandling.GRACE
        else NO_TIME,
    )


def effective_settings(*, quiz: Quiz, user: User) -> EffectiveSettings:
    """The settings that apply to this student now (one query)."""
    mine = Q(user_id=user.pk) | Q(group__in=user.groups.all())  # one query, a subquery
    overrides = list(QuizOverride.objects.filter(mine, quiz=quiz))
    own = next((o for o in overrides if o.user_id == user.pk), None)
    groups = [o for o in overrides if o.group_id is not None]
    return merge_settings(quiz, own, groups)
