"""Load the bundled quiz bank (quizzes/content/bank/<section>.yaml): a quiz per section.

A file's `quiz:` block may set any setting of the quiz admin (quizzes/content_settings.py owns
the keys); a reload sets what the file names and nothing else, so a setting the admin changed
and the file does not name stays as the admin left it. Errors name the file, line and key, and
any error leaves the database as it was (one transaction).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import yaml
from django.db import transaction

from dlplatform.yaml_io import line_of, load_yaml

from .content_settings import clean_quiz_block
from .models import Question, Quiz, QuizSlot
from .services.bank_many import questions_save_many

if TYPE_CHECKING:
    from lessons.models import Section

BANK_DIR = Path(__file__).resolve().parent / "content" / "bank"


class BankError(ValueError):
    """A bank file problem; the message names the file (and the question slug)."""


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise BankError(f"{path.name}: invalid YAML: {exc}") from None
    if not isinstance(data, dict) or not data.get("section"):
        raise BankError(f"{path.name}: expected a mapping with `section:`")
    if not isinstance(data.get("questions"), list) or not data["questions"]:
        raise BankError(f"{path.name}: `questions:` must be a non-empty list")
    return text, data


def _section(path: Path, number: str) -> Section:
    from lessons.models import Section

    section = Section.objects.filter(number=number).first()
    if section is None:
        raise BankError(f"{path.name}: unknown section {number!r} (load lessons first)")
    return section


def _quiz(path: Path, text: str, block: Any, section: Section) -> Quiz:
    """The section's quiz with the settings the block names; those it does not name keep what
    the admin set (a new quiz: the model's defaults, titled after its section)."""
    if not isinstance(block, dict):
        raise BankError(f"{path.name}: `quiz:` must be a mapping of settings")
    values, errors = clean_quiz_block(block, section=section)
    if errors:
        raise BankError(
            "\n".join(
                f"{path.name}:{line_of(text, 'quiz', key) or '?'}: quiz {key}: {message}"
                for key, message in errors.items()
            )
        )
    slug = "section-" + section.number.replace(".", "-")
    quiz, _ = Quiz.objects.update_or_create(
        slug=slug,
        defaults={"section": section, **values},
        create_defaults={"section": section, "title": f"Quiz: {section.title}", **values},
    )
    return quiz


def _load_file(path: Path, seen: dict[str, str]) -> tuple[Quiz, int]:
    text, data = _read(path)
    number = str(data["section"])
    section = _section(path, number)
    quiz = _quiz(path, text, data.get("quiz") or {}, section)
    for index, entry in enumerate(data["questions"], start=1):
        qslug = entry.get("slug") if isinstance(entry, dict) else None
        if not qslug:
            raise BankError(f"{path.name}: question #{index} has no slug")
        if qslug in seen:
            raise BankError(f"{path.name}: question {qslug!r} is also in {seen[qslug]}")
        seen[qslug] = path.name
    # The importers' bulk path: a file's questions in a few queries, not a dozen each.
    saved = questions_save_many(items=data["questions"], section=section)
    if saved.errors:
        raise BankError("\n".join(f"{path.name}: {saved.errors[i]}" for i in sorted(saved.errors)))
    questions = [saved.questions[i] for i in range(len(data["questions"]))]
    _sync_slots(quiz, questions)
    return quiz, len(questions)


def _sync_slots(quiz: Quiz, questions: list[Question]) -> None:
    """Slots follow the file order; questions dropped from the file leave the quiz."""
    QuizSlot.objects.filter(quiz=quiz).exclude(question__in=questions).delete()
    existing = {s.question_id: s for s in QuizSlot.objects.filter(quiz=quiz)}
    new, moved = [], []
    for order, question in enumerate(questions):
        slot = existing.get(question.id)
        if slot is None:
            new.append(QuizSlot(quiz=quiz, question=question, order=order))
        elif slot.order != order:
            slot.order = order
            moved.append(slot)
    QuizSlot.objects.bulk_create(new)
    QuizSlot.objects.bulk_update(moved, ["order"])


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
