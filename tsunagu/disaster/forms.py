"""Forms of the disaster pages: declaring an event (kind, the ward's districts, now or later, drill or not), one
safety report in a tap (a status button, an optional place and note, an id made when the form is drawn), and the
dashboard's district filter."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.areas.models import District

from .models import DisasterEvent, DisasterKind, SafetyStatus

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
INPUT_FORMATS = [LOCAL_INPUT, "%Y-%m-%d %H:%M"]

START_NOW = "now"
START_AT = "at"

NO_START_MESSAGE = _("開始日時を入れてください（今すぐ開始するときは「今すぐ」を選んでください）。")
NO_STATUS_MESSAGE = _("安否を選んでください。")
NO_NAME_MESSAGE = _("災害の名称を入れてください。")

# What a report can say (未確認 is the absence of a report, never one), in the order of the buttons.
REPORT_STATUSES = [(value, label) for value, label in SafetyStatus.choices if value != SafetyStatus.UNCONFIRMED]


def _local_datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)


class EventDeclareForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        error_messages={"required": NO_NAME_MESSAGE},
        help_text=_("例：令和8年台風第10号、大正区総合防災訓練"),
    )
    kind = forms.ChoiceField(label=_("災害の種類"), choices=DisasterKind.choices, widget=forms.RadioSelect)
    districts = forms.ModelMultipleChoiceField(
        label=_("対象の地区"),
        queryset=District.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("対象の地区を1つ以上選んでください。")},
        help_text=_("選んだ地区の名簿の方を、支援者・消防・警察などが同意の有無によらず閲覧できるようになります。"),
    )
    start = forms.ChoiceField(
        label=_("開始"),
        choices=[(START_NOW, _("今すぐ")), (START_AT, _("日時を指定する"))],
        initial=START_NOW,
        widget=forms.RadioSelect,
    )
    started_at = forms.DateTimeField(
        label=_("開始日時"),
        required=False,
        input_formats=INPUT_FORMATS,
        widget=_local_datetime_widget(),
        help_text=_("「日時を指定する」のときに入れます。接近中の台風など、先の日時も指定できます。"),
    )
    planned_end_at = forms.DateTimeField(
        label=_("終了予定日時"),
        required=False,
        input_formats=INPUT_FORMATS,
        widget=_local_datetime_widget(),
        help_text=_("任意。この日時を過ぎると自動で終了し、災害時の閲覧も閉じます。"),
    )
    is_drill = forms.BooleanField(label=_("訓練として開始する"), required=False)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        ward_id = policy.viewer_for(user).ward_id
        self.fields["districts"].queryset = (
            District.objects.filter(municipality_id=ward_id)
            .select_related("district_type")
            .order_by("district_type__sort_order", "district_type__code", "code")
        )

    def district_groups(self) -> list[tuple[str, list]]:
        """The districts' checkboxes grouped by the kind of district (小学校区, 地域活動協議会 …)."""
        widgets = list(self["districts"])
        return [
            (district_type.name, list(group))
            for district_type, group in itertools.groupby(widgets, key=lambda w: w.data["value"].instance.district_type)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") == START_AT and not data.get("started_at") and "started_at" not in self.errors:
            self.add_error("started_at", NO_START_MESSAGE)
        return data

    def start_moment(self) -> datetime.datetime | None:
        """None: now (the service takes the moment of the write)."""
        if self.cleaned_data["start"] == START_AT:
            return self.cleaned_data["started_at"]
        return None


class SafetyReportForm(forms.Form):
    """One report in one tap: the status is the button pressed; place and note are optional."""

    status = forms.ChoiceField(label=_("安否"), choices=REPORT_STATUSES, error_messages={"required": NO_STATUS_MESSAGE})
    place = forms.CharField(label=_("場所"), required=False, max_length=200)
    note = forms.CharField(label=_("メモ"), required=False, max_length=1000)
    # Made when the form is drawn: sending the same form twice (a double tap, a retry) stores one report.
    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].error_messages["invalid_choice"] = NO_STATUS_MESSAGE

    def messages(self) -> list[str]:
        """Every error of the form as one list of sentences (a compact row has no room for errors per field)."""
        return [str(m) for errors in self.errors.values() for m in errors]


class DashboardFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("地区"), queryset=District.objects.none(), required=False, empty_label=_("（対象の地区すべて）")
    )

    def __init__(self, *args: Any, event: DisasterEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = event.districts.select_related("district_type").order_by(
            "district_type__sort_order", "code"
        )

    def district_id(self) -> int | None:
        if self.is_bound and self.is_valid() and self.cleaned_data.get("district"):
            return self.cleaned_data["district"].pk
        return None
