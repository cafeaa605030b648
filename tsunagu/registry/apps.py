from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tsunagu.registry"
    verbose_name = "住民台帳の閲覧"
