from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tsunagu.organisations"
    verbose_name = "団体・協定"
