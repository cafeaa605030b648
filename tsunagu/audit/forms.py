"""The purpose asked whenever personal data leaves the system (出力時の利用目的): one field for every output."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditPurpose

PURPOSE_REQUIRED_MESSAGE = _("出力の利用目的を選んでください。")


class PurposeField(forms.ChoiceField):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("利用目的"))
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault(
            "error_messages", {"required": PURPOSE_REQUIRED_MESSAGE, "invalid_choice": PURPOSE_REQUIRED_MESSAGE}
        )
        super().__init__(choices=AuditPurpose.choices, **kwargs)
