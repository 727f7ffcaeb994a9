"""python manage.py import_content PATH: plain-text study material into the glossary or a deck."""

from __future__ import annotations

import getpass
import textwrap
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from glossary.hooks import deck_importer
from glossary.import_log import UndoRefused, import_undo
from glossary.importing import ImportReport, glossary_import_items
from glossary.models import Category, ImportRecord
from glossary.textformats import FORMATS, ParseError, parse

COLUMN = 58  # width of each side of a conflict's side-by-side view


class Command(BaseCommand):
    help = (
        "Import plain-text study material into the glossary (default) or a flashcard deck. "
        "Formats (detected unless --format is given): numbered term lists ('12. Term' then "
        "definition lines or bullets), question/answer text (a question line, then its answer "
        "paragraphs), term/definition line pairs, CSV/TSV with term and definition columns "
        "(Anki, Quizlet). All or nothing: any bad line aborts the import and is reported with "
        "its line number. Existing glossary terms are matched by slug, name, alias and "
        "abbreviation and are NEVER changed unless named with --update: each conflict is shown "
        "side by side and skipped. Every import is recorded (--history) and can be undone "
        "(--undo ID)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "path", type=Path, nargs="?", help="UTF-8 text, CSV or TSV file to import."
        )
        parser.add_argument("--format", choices=FORMATS, help="Input format (default: detect).")
        target = parser.add_mutually_exclusive_group()
        target.add_argument(
            "--into", choices=["glossary"], default="glossary", help="Import terms (default)."
        )
        target.add_argument(
            "--deck", metavar="SLUG", help="Import cards into this deck (created if missing)."
        )
        parser.add_argument(
            "--category",
            choices=Category.values,
            default=Category.FUNDAMENTALS,
            help="Category for new glossary terms (existing terms keep theirs).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show exactly what would change; save nothing."
        )
        parser.add_argument(
            "--update",
            nargs="?",
            const="*",
            default="",
            metavar="SLUGS",
            help="Replace existing terms that conflict: --update=slug1,slug2 for those (the "
            "slugs the conflict report shows), or a bare --update after the path for every "
            "conflict shown. Name, category, aliases and formula are always kept.",
        )
        parser.add_argument("--undo", type=int, metavar="ID", help="Undo the recorded import ID.")
        parser.add_argument(
            "--force", action="store_true", help="With --undo: undo even what was edited since."
        )
        parser.add_argument(
            "--history", action="store_true", help="List the recorded imports, newest first."
        )
        parser.add_argument(
            "--user", default="", help="Who is importing (recorded; default: the OS user)."
        )

    def handle(self, *args: Any, **options: Any) -> str:
        actor = options["user"] or _os_user()
        if options["history"]:
            self._history()
            return ""
        if options["undo"] is not None:
            try:
                undone = import_undo(record_id=options["undo"], actor=actor, force=options["force"])
            except UndoRefused as exc:
                raise CommandError(str(exc)) from exc
            for label, names in (("deleted", undone.deleted), ("restored", undone.restored)):
                for name in names:
                    self.stdout.write(f"  {label}: {name}")
            self.stdout.write(self.style.SUCCESS(str(undone)))
            return ""
        path: Path | None = options["path"]
        if path is None:
            raise CommandError("give a file to import (or --undo ID, or --history)")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        common = {"dry_run": options["dry_run"], "actor": actor, "filename": path.name}
        try:
            fmt, items = parse(text, fmt=options["format"], filename=path.name)
            self.stdout.write(f"{path.name}: {len(items)} items in format '{fmt}'")
            if options["deck"]:
                summary = deck_importer()(deck_slug=options["deck"], items=items, **common)
                self._print_deck(summary)
                return ""
            report = glossary_import_items(
                items=items,
                fmt=fmt,
                category=options["category"],
                update=_update_option(options["update"]),
                **common,
            )
        except ParseError as exc:
            raise CommandError(f"{path.name}: nothing imported:\n{exc}") from exc
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self._print_report(report)
        return ""

    def _print_report(self, report: ImportReport) -> None:
        self._print_lists(created=report.created, updated=report.updated, skipped=report.skipped)
        if report.dry_run and report.changes:
            self.stdout.write("Exactly what would change:")
            for slug, before, after in report.changes:
                if before is None:
                    self.stdout.write(f"  + new term {slug}:")
                    for name, value in after.items():
                        if value:
                            self.stdout.write(f"      {name}: {value}")
                else:
                    self.stdout.write(f"  ~ {slug}:")
                    for name in after:
                        if before[name] != after[name]:
                            self.stdout.write(f"      {name}: {before[name]!r} -> {after[name]!r}")
        for conflict in report.conflicts:
            self._print_conflict(conflict)
        if report.conflicts:
            slugs = ",".join(c.slug for c in report.conflicts)
            self.stdout.write(
                f"{len(report.conflicts)} existing terms were left unchanged. To replace some, "
                f"run again with --update={slugs} (or a subset)."
            )
        for slug in report.unused_updates:
            self.stdout.write(self.style.WARNING(f"  --update {slug}: not a conflict in this file"))
        if report.record_id is not None:
            self.stdout.write(
                f"Recorded as import {report.record_id} (undo: --undo {report.record_id})"
            )
        self.stdout.write(self.style.SUCCESS(str(report)))

    def _print_conflict(self, conflict: Any) -> None:
        self.stdout.write(
            f"CONFLICT line {conflict.line}: '{conflict.incoming}' matches existing term "
            f"'{conflict.existing}' [{conflict.slug}] by {conflict.matched_by}"
        )
        self.stdout.write(f"    {'existing':<{COLUMN}} | incoming")
        for name, existing, incoming in conflict.fields:
            self.stdout.write(f"  {name}:")
            left = textwrap.wrap(existing, COLUMN) or ["(empty)"]
            right = textwrap.wrap(incoming, COLUMN) or ["(empty)"]
            for i in range(max(len(left), len(right))):
                a = left[i] if i < len(left) else ""
                b = right[i] if i < len(right) else ""
                self.stdout.write(f"    {a:<{COLUMN}} | {b}")

    def _print_lists(self, **lists: list[str]) -> None:
        for label, names in lists.items():
            for name in names:
                self.stdout.write(f"  {label}: {name}")

    def _print_deck(self, summary: Any) -> None:
        self._print_lists(
            created=list(getattr(summary, "created_fronts", [])),
            updated=list(getattr(summary, "updated_fronts", [])),
        )
        record_id = getattr(summary, "record_id", None)
        if record_id is not None:
            self.stdout.write(f"Recorded as import {record_id} (undo: --undo {record_id})")
        self.stdout.write(self.style.SUCCESS(f"deck: {summary}"))

    def _history(self) -> None:
        for record in ImportRecord.objects.all()[:50]:
            undone = ""
            if record.undone_at is not None:
                undone = f", undone {record.undone_at:%Y-%m-%d %H:%M} by {record.undone_by}"
            where = f"deck {record.deck_slug}" if record.deck_slug else record.target
            self.stdout.write(
                f"{record.pk:>5}  {record.created_at:%Y-%m-%d %H:%M}  {record.actor:<12} "
                f"{record.filename} -> {where}: {record.summary}{undone}"
            )
            for change in record.changes:
                self.stdout.write(f"         {change['action']}: {change['key']}")


def _update_option(value: str) -> bool | list[str]:
    if value == "*":
        return True
    return [slug.strip() for slug in value.split(",") if slug.strip()]


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "shell"
