from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "tsunagu.roster"
    verbose_name = "避難行動要支援者名簿"
