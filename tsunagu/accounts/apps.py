from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tsunagu.accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the failed-sign-in audit
