from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tsunagu.demo"
    verbose_name = "デモ用の合成データ"
