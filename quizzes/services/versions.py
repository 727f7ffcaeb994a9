"""Question versions and regrading attempts to a version.

`question_version_record` is the one function that makes a version: the admin's save and the
bank's upsert call it after an edit, and starting an attempt calls it for a question edited
some other way, so every attempt item names the version its student saw. A save that changes
nothing makes no version (the snapshot's hash is the same).

Regrading attempts to a version is services/version_regrade.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max

from .. import versioning
from ..models import Question, QuestionVersion
from ..selectors import questions_with_answers

if TYPE_CHECKING:
    from dlplatform.accounts.models import User


def _record(question: Question, by: User | None, latest: QuestionVersion | None) -> QuestionVersion:
    snapshot = versioning.snapshot_of(question)
    digest = versioning.content_hash(snapshot)
    if latest is not None and latest.content_hash == digest:
        if latest.source_updated_at != question.updated_at:
            latest.source_updated_at = question.updated_at
            latest.save(update_fields=["source_updated_at"])
        return latest
    try:
        with transaction.atomic():  # a savepoint: two starts may record the same edit at once
            return QuestionVersion.objects.create(
                question=question,
                number=(latest.number + 1) if latest else 1,
                snapshot=snapshot,
                content_hash=digest,
                source_updated_at=question.updated_at,
                created_by=by,
            )
    except IntegrityError:  # the other one made it: use it
        return question.versions.order_by("-number").first() or _record(question, by, None)


@transaction.atomic
def question_version_record(*, question: Question, by: User | None = None) -> QuestionVersion:
    """The question's current version: a new one when its content changed since the last."""
    question = questions_with_answers().select_for_update(of=("self",)).get(pk=question.pk)
    latest = question.versions.order_by("-number").first()
    return _record(question, by, latest)


def _latest(question_ids: list[int]) -> dict[int, QuestionVersion]:
    latest_numbers = (
        QuestionVersion.objects.filter(question__in=question_ids)
        .values("question")
        .annotate(n=Max("number"))
    )
    wanted = {row["question"]: row["n"] for row in latest_numbers}
    return {
        v.question_id: v
        for v in QuestionVersion.objects.filter(question__in=list(wanted)).order_by()
        if wanted.get(v.question_id) == v.number
    }


def versions_for_start(*, questions: list[Question]) -> dict[int, QuestionVersion]:
    """Each question's current version (questions with their answers prefetched): two queries
    when none was edited past the services; otherwise the new versions are written in bulk
    (a quiz of questions made in bulk costs the same few queries at its first start)."""
    return question_versions_record_many(questions=questions)


def question_versions_record_many(
    *, questions: list[Question], by: User | None = None
) -> dict[int, QuestionVersion]:
    """`question_version_record` for many questions (their answers prefetched) in a few
    queries: the bank's bulk save (services/bank_many.py) and the start of an attempt."""
    found = _latest([q.pk for q in questions])
    new, confirmed = [], []
    for question in questions:
        latest = found.get(question.pk)
        if latest is not None and latest.source_updated_at == question.updated_at:
            continue
        snapshot = versioning.snapshot_of(question)
        digest = versioning.content_hash(snapshot)
        if latest is not None and latest.content_hash == digest:
            latest.source_updated_at = question.updated_at
            confirmed.append(latest)
            continue
        new.append(
            QuestionVersion(
                question=question,
                number=(latest.number + 1) if latest else 1,
                snapshot=snapshot,
                content_hash=digest,
                source_updated_at=question.updated_at,
                created_by=by,
            )
        )
    QuestionVersion.objects.bulk_update(confirmed, ["source_updated_at"], batch_size=500)
    if not new:
        return found
    # Another start may record the same edit at once: its row wins, and both read it back.
    QuestionVersion.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return {**found, **_latest([v.question_id for v in new])}
