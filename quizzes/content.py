"""Load the bundled quiz bank (quizzes/content/bank/<section>.yaml): a quiz per section."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import yaml
from django.db import transaction

from dlplatform.yaml_io import load_yaml

from .models import Behaviour, Question, Quiz, QuizSlot
from .review import masks_from_names
from .services.bank import QuestionDataError, question_upsert_from_data

BANK_DIR = Path(__file__).resolve().parent / "content" / "bank"


class BankError(ValueError):
    """A bank file problem; the message names the file (and the question slug)."""


def _read(path: Path) -> dict[str, Any]:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BankError(f"{path.name}: invalid YAML: {exc}") from None
    if not isinstance(data, dict) or not data.get("section"):
        raise BankError(f"{path.name}: expected a mapping with `section:`")
    if not isinstance(data.get("questions"), list) or not data["questions"]:
        raise BankError(f"{path.name}: `questions:` must be a non-empty list")
    return data


def _section(path: Path, number: str) -> Any:
    from lessons.models import Section

    section = Section.objects.filter(number=number).first()
    if section is None:
        raise BankError(f"{path.name}: unknown section {number!r} (load lessons first)")
    return section


def _quiz_values(path: Path, block: dict[str, Any], section: Any) -> dict[str, Any]:
    behaviour = block.get("behaviour", Behaviour.DEFERRED)
    if behaviour not in Behaviour.values:
        raise BankError(
            f"{path.name}: quiz behaviour {behaviour!r} is not one of {Behaviour.values}"
        )
    minutes = block.get("time_limit_minutes")
    try:  # only the options the file names; the others keep what the admin set
        review_values = masks_from_names(block["review"]) if "review" in block else {}
    except ValueError as exc:
        raise BankError(f"{path.name}: {exc}") from None
    return review_values | {
        "section": section,
        "title": str(block.get("title") or f"Quiz: {section.title}"),
        "description": str(block.get("description") or ""),
        "time_limit": timedelta(minutes=float(minutes)) if minutes else None,
        "pass_mark": Decimal(str(block.get("pass_mark", 50))),
        "behaviour": behaviour,
        "feedback_bands": block.get("feedback_bands") or [],
    }


def _load_file(path: Path, seen: dict[str, str]) -> tuple[Quiz, int]:
    data = _read(path)
    number = str(data["section"])
    section = _section(path, number)
    slug = "section-" + number.replace(".", "-")
    quiz, _ = Quiz.objects.update_or_create(
        slug=slug, defaults=_quiz_values(path, data.get("quiz") or {}, section)
    )
    questions: list[Question] = []
    for index, entry in enumerate(data["questions"], start=1):
        qslug = entry.get("slug") if isinstance(entry, dict) else None
        if not qslug:
            raise BankError(f"{path.name}: question #{index} has no slug")
        if qslug in seen:
            raise BankError(f"{path.name}: question {qslug!r} is also in {seen[qslug]}")
        seen[qslug] = path.name
        try:
            questions.append(question_upsert_from_data(data=entry, section=section))
        except QuestionDataError as exc:
            raise BankError(f"{path.name}: {exc}") from None
    _sync_slots(quiz, questions)
    return quiz, len(questions)


def _sync_slots(quiz: Quiz, questions: list[Question]) -> None:
    """Slots follow the file order; questions dropped from the file leave the quiz."""
    QuizSlot.objects.filter(quiz=quiz).exclude(question__in=questions).delete()
    existing = {s.question_id: s for s in QuizSlot.objects.filter(quiz=quiz)}
    for order, question in enumerate(questions):
        slot = existing.get(question.id)
        if slot is None:
            QuizSlot.objects.create(quiz=quiz, question=question, order=order)
        elif slot.order != order:
            slot.order = order
            slot.save(update_fields=["order"])


def load(*, stdout: TextIO, bank_dir: Path | None = None) -> str:
    """Load every bank file, all or nothing; returns a one-line summary."""
    paths = sorted((bank_dir or BANK_DIR).glob("*.yaml"))
    seen: dict[str, str] = {}
    total = 0
    with transaction.atomic():
        for path in paths:
            quiz, count = _load_file(path, seen)
            total += count
            stdout.write(f"  quizzes: {path.name}: {quiz.title} ({count} questions)\n")
    return f"{len(paths)} quizzes, {total} questions"
