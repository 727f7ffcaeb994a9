"""`manage.py import_questions PATH [--format gift|aiken|moodlexml]`: the admin's import, from
the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from quizzes.formats import detect_format
from quizzes.services.importing import PARSERS, questions_import


class Command(BaseCommand):
    help = (
        "Import questions from a Moodle GIFT, Aiken or Moodle XML file into the question bank. "
        "All or nothing: if any question has an error, nothing is imported (unless "
        "--allow-partial). Errors and warnings (a question type this site lacks, skipped; a "
        "question already in the bank, kept unless --update) are printed as PATH:LINE: message; "
        "errors make the command exit with status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the GIFT, Aiken or Moodle XML file (UTF-8)")
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=sorted(PARSERS),
            help="file format (default: from the extension, .xml .gift .aiken, or the text)",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="replace the bank's questions with the same category and idnumber",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="import the good questions even if others have errors",
        )
        parser.add_argument(
            "--section", help='lesson section number the questions test, e.g. "7.8"'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        text = _read(path)
        report = questions_import(
            text=text,
            fmt=options["fmt"] or detect_format(path.name, text),
            update=options["update"],
            section=_section(options["section"]),
            allow_partial=options["allow_partial"],
            dry_run=options["dry_run"],
        )
        for error in report.errors:
            self.stderr.write(f"{path}:{error.line}: {error.message}")
        for warning in report.warnings:
            self.stderr.write(f"{path}:{warning.line}: warning: {warning.message}")
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s) in {path}")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text (byte {exc.start})") from None


def _section(number: str | None) -> Any:
    if not number:
        return None
    from lessons.models import Section

    section = Section.objects.filter(number=number).first()
    if section is None:
        raise CommandError(f"no lesson section numbered {number!r}")
    return section
