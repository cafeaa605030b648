"""Forms of the plan pages: the plan, its supporters (a formset that grows a row at a time), the list filters and
the PDF purpose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District
from tsunagu.audit.forms import PurposeField
from tsunagu.core.japanese import normalize_phone
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, Priority
from tsunagu.evacuation.selectors import PROGRESS_DISTRICT_TYPE, PlanFilters
from tsunagu.evacuation.services import PLAN_FIELDS
from tsunagu.shelters.models import Shelter
from tsunagu.shelters.selectors import shelter_choices


class ShelterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Shelter) -> str:
        # 福祉避難所 first in the label so it can be spotted in a long list.
        return f"【福祉避難所】{obj.name}" if obj.is_welfare_shelter else obj.name


class EvacuationPlanForm(forms.ModelForm):
    shelter = ShelterChoiceField(
        label=_("避難先（避難所）"),
        queryset=shelter_choices(),
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


class BaseSupporterFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        # The 「削除」 tick box sits under its column heading like the inputs: a label of its own too.
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("この行を削除する")


SUPPORTER_PREFIX = "supporters"
MAX_SUPPORTERS = 20
SupporterFormSet = forms.formset_factory(
    SupporterForm,
    formset=BaseSupporterFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_SUPPORTERS,
    validate_max=True,
)
TOTAL_FORMS_FIELD = f"{SUPPORTER_PREFIX}-TOTAL_FORMS"


def supporter_row_count(value: object) -> int:
    """The row count a request names (TOTAL_FORMS), as an index for the next row: 0 to MAX_SUPPORTERS."""
    try:
        return min(max(int(str(value)), 0), MAX_SUPPORTERS)
    except ValueError:
        return 0


def _focus(form: forms.Form) -> forms.Form:
    # The new row's first input takes the focus: htmx focuses [autofocus] in what it swaps in, and a browser
    # does so on the page that reloads without JavaScript.
    form.fields["name"].widget.attrs["autofocus"] = True
    return form


def new_supporter_form(index: int) -> forms.Form:
    """The empty row ``index`` of the supporters formset (what the 「支援者を追加する」 button fetches)."""
    formset = SupporterFormSet(prefix=SUPPORTER_PREFIX)
    form = formset.form(
        auto_id=formset.auto_id,
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        renderer=formset.renderer,
    )
    formset.add_fields(form, index)
    return _focus(form)


def supporter_formset_plus_one(data: QueryDict) -> forms.BaseFormSet:
    """The formset as posted with one more empty row: the add button without JavaScript, which re-renders the
    whole form with everything typed so far (nothing is saved)."""
    data = data.copy()
    total = supporter_row_count(data.get(TOTAL_FORMS_FIELD))
    if total < MAX_SUPPORTERS:
        data[TOTAL_FORMS_FIELD] = str(total + 1)
    formset = SupporterFormSet(data, prefix=SUPPORTER_PREFIX)
    if total < MAX_SUPPORTERS:
        _focus(formset.forms[total])
    return formset


def supporter_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The rows to keep: not ticked for deletion (empty rows are dropped by the service)."""
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("作成状況"), choices=[("", _("すべて")), *PlanStatus.choices], required=False)
    priority = forms.TypedChoiceField(
        label=_("優先度"),
        choices=[("", _("すべて")), *Priority.choices],
        coerce=int,
        empty_value=None,
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
    purpose = PurposeField()
