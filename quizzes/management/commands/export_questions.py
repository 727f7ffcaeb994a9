"""`manage.py export_questions --format moodlexml|gift|aiken [-o PATH]`: the admin's export,
from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.models import Question
from quizzes.services.importing import EXPORTERS, questions_export


class Command(BaseCommand):
    help = (
        "Export questions of the bank as Moodle XML, GIFT or Aiken (all of them, or those of a "
        "category or section). What a format cannot hold is left out and named on stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format", dest="fmt", choices=sorted(EXPORTERS), required=True, help="file format"
        )
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        parser.add_argument("--category", help="only this category and those below it")
        parser.add_argument("--section", help='only questions of this lesson section, e.g. "7.8"')

    def handle(self, *args: Any, **options: Any) -> None:
        questions = Question.objects.order_by("category", "section__number", "pk")
        if options["category"]:
            top = options["category"].strip("/")
            questions = questions.filter(category=top) | questions.filter(
                category__startswith=top + "/"
            )
        if options["section"]:
            questions = questions.filter(section__number=options["section"])
        warnings: list[str] = []
        text = questions_export(questions=list(questions), fmt=options["fmt"], warnings=warnings)
        for warning in warnings:
            self.stderr.write(f"left out: {warning}")
        if options["output"]:
            try:
                Path(options["output"]).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write {options['output']}: {exc.strerror}") from None
        else:
            self.stdout.write(text, ending="")
