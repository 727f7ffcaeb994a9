from django.apps import AppConfig


class GamesConfig(AppConfig):
    name = "games"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from flashcards import hooks

        from .selectors import progress_panel

        hooks.register_history_panel(
            hooks.HistoryPanel(template="games/_progress.html", build=progress_panel)
        )
