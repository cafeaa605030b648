from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tsunagu.events"
    verbose_name = _("行事・お知らせ")
