from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tsunagu.portal"
    verbose_name = "ホーム・ナビゲーション・地図"
