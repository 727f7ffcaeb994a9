from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "dlplatform.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .services import ensure_instructor_group

        def _sync_group(sender: AppConfig, **_: object) -> None:
            # post_migrate comes once for each app with models, in INSTALLED_APPS order: the group
            # is set after the last, when every app's permissions exist (not eleven times).
            if sender is [a for a in apps.get_app_configs() if a.models_module is not None][-1]:
                ensure_instructor_group()

        # After every migrate (and every test flush) the Instructors group has current permissions.
        post_migrate.connect(
            _sync_group, dispatch_uid="accounts.ensure_instructor_group", weak=False
        )
