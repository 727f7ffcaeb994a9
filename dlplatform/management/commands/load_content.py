from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Order matters: lessons link glossary terms, decks and quizzes build on lesson sections.
LOADERS = ("glossary.content", "lessons.content", "flashcards.content", "quizzes.content")


class Command(BaseCommand):
    help = "Load (or update in place) the bundled study content: glossary, lessons, decks, quizzes."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            for dotted in LOADERS:
                summary = import_module(dotted).load(stdout=self.stdout)
                self.stdout.write(f"{dotted.split('.')[0]:<10} {summary}")
        self.stdout.write(self.style.SUCCESS("Content loaded."))
