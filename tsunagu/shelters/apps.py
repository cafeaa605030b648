from django.apps import AppConfig


class SheltersConfig(AppConfig):
    name = "tsunagu.shelters"
    verbose_name = "避難場所・避難所"
