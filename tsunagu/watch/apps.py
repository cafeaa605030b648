from django.apps import AppConfig


class WatchConfig(AppConfig):
    name = "tsunagu.watch"
    verbose_name = "日常の見守り"

    def ready(self) -> None:
        # The watch-over data scope joins the access policy.
        from . import scope  # noqa: F401
