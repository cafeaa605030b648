from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "tsunagu.access"
    verbose_name = "アクセス管理・監査"
