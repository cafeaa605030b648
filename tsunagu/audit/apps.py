from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tsunagu.audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the system check
