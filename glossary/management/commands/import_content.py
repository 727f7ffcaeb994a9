"""python manage.py import_content PATH: plain-text study material into the glossary or a deck."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from glossary.hooks import deck_import_items
from glossary.importing import glossary_import_items
from glossary.models import Category
from glossary.textformats import FORMATS, ParseError, parse


class Command(BaseCommand):
    help = (
        "Import plain-text study material into the glossary (default) or a flashcard deck. "
        "Formats (detected unless --format is given): numbered term lists ('12. Term' then "
        "definition lines or bullets), question/answer text (a question line, then its answer "
        "paragraphs), term/definition line pairs, CSV/TSV with term and definition columns "
        "(Anki, Quizlet). All or nothing: any bad line aborts the import and is reported with "
        "its line number. Re-importing updates existing terms/cards instead of duplicating."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="UTF-8 text, CSV or TSV file to import.")
        parser.add_argument("--format", choices=FORMATS, help="Input format (default: detect).")
        target = parser.add_mutually_exclusive_group()
        target.add_argument(
            "--into", choices=["glossary"], default="glossary", help="Import terms (default)."
        )
        target.add_argument("--deck", metavar="SLUG", help="Import cards into this deck instead.")
        parser.add_argument(
            "--category",
            choices=Category.values,
            default=Category.FUNDAMENTALS,
            help="Category for new glossary terms (existing terms keep theirs).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; save nothing."
        )

    def handle(self, *args: Any, **options: Any) -> str:
        path: Path = options["path"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            fmt, items = parse(text, fmt=options["format"], filename=path.name)
            self.stdout.write(f"{path.name}: {len(items)} items in format '{fmt}'")
            if options["deck"]:
                summary = deck_import_items(
                    deck_slug=options["deck"], items=items, dry_run=options["dry_run"]
                )
                self._print_deck(summary)
                return ""
            report = glossary_import_items(
                items=items, fmt=fmt, category=options["category"], dry_run=options["dry_run"]
            )
        except ParseError as exc:
            raise CommandError(f"{path.name}: nothing imported:\n{exc}") from exc
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self._print_lists(created=report.created, updated=report.updated, skipped=report.skipped)
        self.stdout.write(self.style.SUCCESS(str(report)))
        return ""

    def _print_lists(self, **lists: list[str]) -> None:
        for label, names in lists.items():
            for name in names:
                self.stdout.write(f"  {label}: {name}")

    def _print_deck(self, summary: Any) -> None:
        self._print_lists(
            created=list(getattr(summary, "created_fronts", [])),
            updated=list(getattr(summary, "updated_fronts", [])),
        )
        self.stdout.write(self.style.SUCCESS(f"deck: {summary}"))
