from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from playground import datasets
from playground.training.files import LABELS, DatasetError


class Command(BaseCommand):
    help = (
        "Manage the playground's MNIST files (official IDX files, verified by md5). "
        "`install --from DIR` copies them from a local folder, `download` fetches them when online, "
        "`status` says which datasets are ready."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        inst = sub.add_parser("install", help="Install the official files found in a local folder.")
        inst.add_argument(
            "--from", dest="source", required=True, help="Folder with *-idx?-ubyte.gz files."
        )
        down = sub.add_parser("download", help="Download the four official files (needs network).")
        down.add_argument(
            "--timeout", type=float, default=60, help="Seconds to wait for each mirror's answer."
        )
        sub.add_parser("status", help="Say which datasets are installed and usable.")

    def handle(
        self, *args: Any, action: str, source: str = "", timeout: float = 60, **options: Any
    ) -> None:
        try:
            if action == "install":
                names = datasets.install(source=Path(source))
                self.stdout.write(
                    self.style.SUCCESS(f"Installed {', '.join(names)} in {datasets.root()}")
                )
            elif action == "download":
                names = datasets.download(timeout_s=timeout)
                self.stdout.write(
                    self.style.SUCCESS(f"Downloaded {', '.join(names)} to {datasets.root()}")
                )
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
        self._status()

    def _status(self) -> None:
        for name, label in LABELS.items():
            missing = datasets.problems(name)
            line = f"{label}: " + ("ready" if not missing else "not available. " + missing[0])
            self.stdout.write(line)
