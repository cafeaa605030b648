from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "tsunagu.roster"
    verbose_name = "避難行動要支援者名簿"

    def ready(self) -> None:
        # The roster's data scope joins the access policy.
        from . import scope  # noqa: F401
