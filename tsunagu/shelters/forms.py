from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.shelters.models import HAZARD_FIELDS
from tsunagu.shelters.selectors import ShelterFilters


class ShelterSearchForm(forms.Form):
    q = forms.CharField(label=_("名称・住所"), required=False, max_length=100)
    hazard = forms.ChoiceField(
        label=_("災害の種類"),
        required=False,
        choices=[("", _("すべて")), *((field, _(label)) for field, label in HAZARD_FIELDS)],
    )
    welfare_only = forms.BooleanField(label=_("福祉避難所のみ"), required=False)

    def filters(self) -> ShelterFilters:
        data = self.cleaned_data
        return ShelterFilters(q=data["q"].strip(), hazard=data["hazard"], welfare_only=data["welfare_only"])


class WelfareShelterForm(forms.Form):
    is_welfare_shelter = forms.BooleanField(label=_("福祉避難所"), required=False)
