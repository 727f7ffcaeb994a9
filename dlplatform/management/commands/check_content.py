"""python manage.py check_content: lint the bundled study content (see dlplatform.content_check)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dlplatform import content_check


class Command(BaseCommand):
    help = (
        "Check the bundled glossary, lessons, flashcards and quizzes: referenced terms exist, "
        "aliases are unique and never another term's name, every section has every part, every "
        "quiz question links a term, and no run of 8 words is shared with ../shared/seeds/. "
        "Exits non-zero and lists each problem as 'file: where: problem'."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--seeds",
            type=Path,
            default=content_check.SEEDS_DIR,
            help="Folder of seed documents the content must not share sentences with.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seeds: Path = options["seeds"]
        if not seeds.is_dir():
            self.stderr.write(f"note: no seeds folder at {seeds}; the own-words check is skipped")
        problems = content_check.check_all(seeds_dir=seeds)
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(f"check_content: {len(problems)} problems")
        self.stdout.write(self.style.SUCCESS("check_content: no problems"))
