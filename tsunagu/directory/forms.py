from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District, Town
from tsunagu.directory.models import (
    COMMISSIONER_LOCATION_MESSAGE,
    AccessibilityFeature,
    Language,
    Location,
    Schedule,
    Service,
    ServiceKind,
    Topic,
)


def _kind_choices() -> list[tuple[str, str]]:
    return [("", _("すべての種類")), *ServiceKind.choices]


class DirectorySearchForm(forms.Form):
    """The search by need: plain words, and optionally the resident's 町丁目 (their own windows first)."""

    q = forms.CharField(
        label=_("困っていること・探していること"),
        max_length=100,
        required=False,
        help_text=_("例：お金に困っている、親の介護、子どもの不登校"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    town = forms.ModelChoiceField(
        label=_("お住まいの町（わかれば）"),
        queryset=Town.objects.order_by("code"),
        required=False,
        empty_label=_("選ばない"),
        help_text=_("選ぶと、その町を担当する窓口が先に出ます。"),
    )


class DirectoryFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("地区"),
        queryset=District.objects.select_related("district_type").order_by("district_type__sort_order", "code"),
        required=False,
        empty_label=_("区内すべて"),
    )
    kind = forms.ChoiceField(label=_("種類"), choices=_kind_choices, required=False)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["district"].label_from_instance = lambda d: f"{d.name}（{d.district_type.name}）"


class ServiceForm(forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("相談できること"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("対応できる言語"), choices=Language.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    url = forms.URLField(label=_("ホームページ"), required=False, assume_scheme="https")
    location = forms.ModelChoiceField(
        label=_("場所"),
        queryset=Location.objects.order_by("name"),
        required=False,
        empty_label=_("場所なし（電話・訪問のみなど）"),
    )

    class Meta:
        model = Service
        fields = [
            "organisation", "kind", "name", "name_kana", "description", "topics", "eligibility", "how_to_use",
            "cost_kind", "cost_note", "languages", "language_note", "phone", "phone_note", "fax", "email", "url",
            "service_districts", "status", "published",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "service_districts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            first = self.instance.service_at_locations.first()
            self.fields["location"].initial = first.location_id if first else None

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == ServiceKind.COMMISSIONER and data.get("location"):
            self.add_error("location", COMMISSIONER_LOCATION_MESSAGE)
        return data


ScheduleFormSet = inlineformset_factory(
    Service,
    Schedule,
    fields=["rrule", "opens_at", "closes_at", "starts_on", "ends_on", "closed_on_holidays", "note"],
    widgets={
        "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    },
    extra=1,
    can_delete=True,
)


class LocationForm(forms.ModelForm):
    accessibility = forms.MultipleChoiceField(
        label=_("バリアフリー"),
        choices=AccessibilityFeature.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Location
        fields = [
            "organisation", "name", "postal_code", "address", "town", "latitude", "longitude",
            "hide_exact_location", "transportation", "accessibility", "accessibility_note",
        ]  # fmt: skip
