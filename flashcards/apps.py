from django.apps import AppConfig


class FlashcardsConfig(AppConfig):
    name = "flashcards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from glossary import hooks

        from .importing import deck_import_drifted, deck_import_items, deck_import_undo

        hooks.register_deck_importer(deck_import_items)
        hooks.register_deck_undo(hooks.DeckUndo(drifted=deck_import_drifted, undo=deck_import_undo))
