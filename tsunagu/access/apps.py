from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tsunagu.access"
    verbose_name = "アクセス管理・監査"

    def ready(self) -> None:
        from .signals import connect_access_generation

        connect_access_generation()
