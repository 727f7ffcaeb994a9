from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "dlplatform.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .services import ensure_instructor_group

        def _sync_group(**_: object) -> None:
            ensure_instructor_group()

        # After every migrate (and every test flush) the Instructors group has current permissions.
        post_migrate.connect(
            _sync_group, dispatch_uid="accounts.ensure_instructor_group", weak=False
        )
