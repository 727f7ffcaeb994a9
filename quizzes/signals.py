"""Keep `Question.updated_at` a true version: it changes when any of its parts change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import (
    Attempt,
    AttemptState,
    Choice,
    MatchPair,
    NumericalAnswer,
    OrderingItem,
    Question,
    Quiz,
    QuizOverride,
)

if TYPE_CHECKING:
    from glossary.models import Term

# The rows a question's answers are kept in (qtypes' relations).
Part = Choice | NumericalAnswer | MatchPair | OrderingItem


def _touch(question_id: int | None) -> None:
    if question_id is not None:
        Question.objects.filter(pk=question_id).update(updated_at=timezone.now())


@receiver(post_save, sender=Choice)
@receiver(post_save, sender=NumericalAnswer)
@receiver(post_save, sender=MatchPair)
@receiver(post_save, sender=OrderingItem)
@receiver(post_delete, sender=Choice)
@receiver(post_delete, sender=NumericalAnswer)
@receiver(post_delete, sender=MatchPair)
@receiver(post_delete, sender=OrderingItem)
def part_changed(sender: type, instance: Part, **kwargs: Any) -> None:
    _touch(instance.question_id)


@receiver(m2m_changed, sender=Question.terms.through)
def terms_changed(
    sender: type, instance: Question | Term, action: str, reverse: bool, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        _touch(instance.pk)
    elif kwargs.get("pk_set"):  # term.quiz_questions.add(...): the questions are the other side
        # One UPDATE for all of them: the bulk save links a term to thousands at once.
        Question.objects.filter(pk__in=kwargs["pk_set"]).update(updated_at=timezone.now())


@receiver(post_save, sender=Attempt)
@receiver(post_delete, sender=Attempt)
def attempt_marks_changed(sender: type, instance: Attempt, **kwargs: Any) -> None:
    """A graded (submitted, regraded, hand-graded) or deleted attempt makes the quiz's stored
    statistics stale; in-progress saves do not. Counted after commit, so the submit's
    transaction holds no lock on the statistics row."""
    if instance.state != AttemptState.FINISHED:
        return
    from .statistics.stored import statistics_changed

    quiz_id = instance.quiz_id
    transaction.on_commit(lambda: statistics_changed(quiz_id=quiz_id))


@receiver(post_save, sender=QuizOverride)
@receiver(post_delete, sender=QuizOverride)
@receiver(post_save, sender=Quiz)
def timing_changed(
    sender: type, instance: Quiz | QuizOverride, created: bool = False, **kwargs: Any
) -> None:
    """Open attempts follow a changed override or quiz timing (services/rules.py)."""
    if sender is Quiz and created:
        return
    quiz_id = instance.pk if isinstance(instance, Quiz) else instance.quiz_id
    transaction.on_commit(lambda: _refresh(quiz_id))


def _refresh(quiz_id: int) -> None:
    from .services.rules import open_attempts_refresh_deadlines

    open_attempts_refresh_deadlines(quiz_id=quiz_id)
