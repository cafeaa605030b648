from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "tsunagu.volunteers"
    verbose_name = _("ボランティアセンター")

    def ready(self) -> None:
        # The volunteer-need data scope joins the access policy when Django starts (docs/access-policy.md).
        from . import scope  # noqa: F401
