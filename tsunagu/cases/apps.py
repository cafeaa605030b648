from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tsunagu.cases"
    verbose_name = "相談支援"

    def ready(self) -> None:
        # The case data scope (相談支援記録) joins the access policy.
        from . import scope  # noqa: F401
