"""Forms for the resident pages: the search filters, and the export form (filters + purpose + format)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District, Town
from tsunagu.audit.forms import PurposeField
from tsunagu.core.wareki import parse_birth_date
from tsunagu.registry.exporting import FORMAT_REQUIRED_MESSAGE, ExportFormat
from tsunagu.registry.selectors import PersonFilters

FILTER_FIELDS = ("q", "birth", "district", "town", "include_former")


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:
        return f"{obj.district_type.name}：{obj.name}"


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("氏名・フリガナ"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("ひらがな・カタカナ・漢字のどれでも探せます（髙・﨑などの異体字も）。"),
    )
    birth = forms.CharField(
        label=_("生年月日"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
        help_text=_("例：昭和15年5月3日、S15.5.3、1940-05-03"),
    )
    district = DistrictChoiceField(
        label=_("地区"),
        queryset=District.objects.select_related("district_type"),
        required=False,
        empty_label=_("すべての地区"),
    )
    town = forms.ModelChoiceField(
        label=_("町丁目"), queryset=Town.objects.all(), required=False, empty_label=_("すべての町丁目")
    )
    include_former = forms.BooleanField(label=_("転出・死亡した方も含める"), required=False)

    def __init__(self, *args: Any, allow_former: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the ward sees former residents; for everyone else the box would change nothing.
        if not allow_former:
            del self.fields["include_former"]

    def clean_birth(self) -> Any:
        text = self.cleaned_data["birth"].strip()
        if not text:
            return None
        try:
            return parse_birth_date(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="birth_date") from None

    def filters(self) -> PersonFilters:
        """The cleaned input as selector filters; call after is_valid()."""
        data = self.cleaned_data
        birth = data.get("birth")
        return PersonFilters(
            query=data.get("q") or "",
            town_id=data["town"].pk if data.get("town") else None,
            district_id=data["district"].pk if data.get("district") else None,
            birth_from=birth,
            birth_to=birth,
            include_former=bool(data.get("include_former")),
        )


class PersonExportForm(PersonSearchForm):
    """The search filters travel as hidden fields; the user picks a purpose and a format."""

    purpose = PurposeField()
    export_format = forms.ChoiceField(
        label=_("出力形式"),
        choices=ExportFormat.choices,
        widget=forms.RadioSelect,
        error_messages={"required": FORMAT_REQUIRED_MESSAGE, "invalid_choice": FORMAT_REQUIRED_MESSAGE},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FILTER_FIELDS:
            if name in self.fields:
                self.fields[name].widget = forms.HiddenInput()
