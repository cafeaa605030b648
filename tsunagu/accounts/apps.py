from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tsunagu.accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401 - connects the failed-sign-in audit
            schema,  # noqa: F401 - registers the token scheme with drf-spectacular
        )
