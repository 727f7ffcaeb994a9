from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            signals,  # noqa: F401  (connects the receivers)
            term_uses,
        )

        term_uses.register()
