from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the cache-invalidation receivers)
