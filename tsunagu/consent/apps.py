from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "tsunagu.consent"
    verbose_name = "名簿提供への同意"
