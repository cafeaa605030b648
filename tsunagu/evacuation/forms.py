"""Forms of the plan pages: the plan, its supporters (a formset), the list filters and the PDF purpose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.access.models import AuditPurpose
from tsunagu.areas.models import District
from tsunagu.core.japanese import normalize_phone
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, Priority
from tsunagu.evacuation.selectors import PROGRESS_DISTRICT_TYPE, PlanFilters
from tsunagu.evacuation.services import PLAN_FIELDS
from tsunagu.people.exporting import PURPOSE_REQUIRED_MESSAGE
from tsunagu.shelters.models import Shelter


class ShelterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Shelter) -> str:
        # 福祉避難所 first in the label so it can be spotted in a long list.
        return f"【福祉避難所】{obj.name}" if obj.is_welfare_shelter else obj.name


class EvacuationPlanForm(forms.ModelForm):
    shelter = ShelterChoiceField(
        label=_("避難先（避難所）"),
        queryset=Shelter.objects.order_by("name"),
        required=False,
        empty_label=_("（避難所を選ばない）"),
    )

    class Meta:
        model = EvacuationPlan
        fields = [
            "status",
            "priority",
            "shelter",
            "destination_other",
            "route_notes",
            "timing_notes",
            "needs_medical_devices",
            "needs_medication",
            "needs_mobility",
            "needs_communication",
            "needs_allergies",
            "needs_pets",
            "hazard_flood_zone",
            "hazard_landslide_zone",
            "hazard_tsunami_zone",
            "next_review_on",
        ]
        widgets = {
            "route_notes": forms.Textarea(attrs={"rows": 3}),
            "timing_notes": forms.Textarea(attrs={"rows": 3}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "destination_other": _("避難所以外の場所（親せきの家など）に避難する場合に書いてください。"),
            "next_review_on": _(
                "作成済にするときは今日より後の日付が必要です。この日を過ぎると「要更新」と表示されます。"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # 要更新 follows from the review date; staff choose it too when something changed (a move, new needs).
        self.fields["status"].choices = PlanStatus.choices

    def service_data(self) -> dict[str, Any]:
        """The cleaned input in the shape evacuation_plan_save takes; call after is_valid()."""
        data = dict(self.cleaned_data)
        shelter = data.pop("shelter", None)
        data["shelter_id"] = shelter.pk if shelter else None
        return {f: data[f] for f in PLAN_FIELDS if f in data}


class SupporterForm(forms.Form):
    name = forms.CharField(label=_("氏名"), max_length=100, required=False)
    relation = forms.CharField(label=_("本人との関係"), max_length=50, required=False)
    address = forms.CharField(label=_("住所"), max_length=200, required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=30, required=False)
    candidate_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The inputs sit in table cells under column headings; a label of their own helps screen readers.
        for name, f in self.fields.items():
            if name != "candidate_id":
                f.widget.attrs["aria-label"] = f.label

    def clean_phone(self) -> str:
        # Stored half-width like every phone number here: ０９０ー１１１１ー２２２２ is 090-1111-2222.
        return normalize_phone(self.cleaned_data["phone"])


SupporterFormSet = forms.formset_factory(SupporterForm, extra=2, can_delete=True, max_num=20, validate_max=True)


def supporter_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The rows to keep: not ticked for deletion (empty rows are dropped by the service)."""
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("作成状況"), choices=[("", _("すべて")), *PlanStatus.choices], required=False
    )
    priority = forms.TypedChoiceField(
        label=_("優先度"), choices=[("", _("すべて")), *Priority.choices], coerce=int, empty_value=None,
        required=False,
    )
    district = forms.ModelChoiceField(
        label=_("小学校区"),
        queryset=District.objects.filter(district_type__code=PROGRESS_DISTRICT_TYPE).order_by("code"),
        required=False,
        empty_label=_("すべての小学校区"),
    )

    def filters(self) -> PlanFilters:
        data = self.cleaned_data
        return PlanFilters(
            status=data.get("status") or "",
            priority=data.get("priority"),
            district_id=data["district"].pk if data.get("district") else None,
        )


class PlanPdfForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("利用目的"),
        choices=AuditPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": PURPOSE_REQUIRED_MESSAGE, "invalid_choice": PURPOSE_REQUIRED_MESSAGE},
    )
