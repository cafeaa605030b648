from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "tsunagu.areas"
    verbose_name = "地域"
