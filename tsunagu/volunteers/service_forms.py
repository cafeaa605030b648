"""Forms of member-to-member services: scheme, fees, member, request, assignment, activity report, reversal and
the statement's month. They check the input only; the rules (who may be asked, which rate applies) are the
services'."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .forms import LOCAL_INPUT
from .service_models import MemberKind, ServiceMember, ServiceRate, ServiceScheme

BAD_HOURS = _("活動時間は0.5時間から24時間までで入れてください。")
NO_TIME = _("活動時間か、開始と終了の時刻を入れてください。")
END_BEFORE_START = _("終了は開始より後にしてください。")
REASON_REQUIRED = _("取り消しの理由を入れてください。")
BAD_MONTH = _("月は「2026-04」のように入れてください。")
HONORARIUM_ABOVE_FEE = _("謝礼は利用料より多くできません。")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SchemeForm(forms.ModelForm):
    class Meta:
        model = ServiceScheme
        fields = ["name", "operator", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class RateForm(forms.ModelForm):
    class Meta:
        model = ServiceRate
        fields = ["valid_from", "fee_per_hour", "honorarium_per_hour", "transport_fee", "unit_minutes"]
        widgets = {"valid_from": DATE_INPUT}

    def clean(self) -> dict:
        data = super().clean()
        fee, honorarium = data.get("fee_per_hour"), data.get("honorarium_per_hour")
        if fee is not None and honorarium is not None and honorarium > fee:
            self.add_error("honorarium_per_hour", HONORARIUM_ABOVE_FEE)
        return data


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label=_("会員の種類"), choices=MemberKind.choices)
    number = forms.CharField(label=_("会員番号"), max_length=20)
    name = forms.CharField(label=_("お名前"), max_length=100)
    name_kana = forms.CharField(label=_("フリガナ"), max_length=200, required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=30, required=False)
    address = forms.CharField(label=_("住所"), max_length=200, required=False)
    joined_on = forms.DateField(label=_("入会日"), widget=DATE_INPUT)
    volunteer_id = forms.IntegerField(
        label=_("ボランティア登録のID（任意）"),
        required=False,
        min_value=1,
        help_text=_("協力会員がボランティアセンターに登録しているとき、その登録のIDを入れます。"),
    )
    person_id = forms.IntegerField(
        label=_("住民の記録のID（任意）"),
        required=False,
        min_value=1,
        help_text=_("利用会員が住民の記録にあるとき、住民の詳細ページのIDを入れます。閲覧できる方だけ選べます。"),
    )


class RequestForm(forms.Form):
    member = forms.ModelChoiceField(label=_("利用会員"), queryset=ServiceMember.objects.none())
    what = forms.CharField(label=_("してほしいこと"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("日時"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    place = forms.CharField(
        label=_("場所"), max_length=200, required=False, help_text=_("空欄のときは会員の住所です。")
    )

    def __init__(self, *args, members: QuerySet[ServiceMember], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: f"{m.number} {m.name}（{m.scheme.name}）"


class AssignForm(forms.Form):
    helper = forms.ModelChoiceField(label=_("協力会員"), queryset=ServiceMember.objects.none())

    def __init__(self, *args, helpers: QuerySet[ServiceMember], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["helper"].queryset = helpers
        self.fields["helper"].label_from_instance = lambda m: f"{m.number} {m.name}（{m.get_kind_display()}）"


class ReportForm(forms.Form):
    activity_on = forms.DateField(label=_("活動日"), widget=DATE_INPUT)
    start = forms.TimeField(label=_("開始"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("終了"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    hours = forms.DecimalField(
        label=_("活動時間（時間）"),
        required=False,
        max_digits=4,
        decimal_places=2,
        help_text=_("開始と終了の時刻を入れたときは空のままで構いません。"),
    )
    transport = forms.BooleanField(label=_("交通費あり"), required=False)
    note = forms.CharField(label=_("報告"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self) -> dict:
        data = super().clean()
        start, end, hours = data.get("start"), data.get("end"), data.get("hours")
        if hours is not None:
            if not (Decimal("0.5") <= hours <= Decimal("24")):
                self.add_error("hours", BAD_HOURS)
            else:
                data["minutes"] = int(hours * 60)
        elif start and end:
            if end <= start:
                self.add_error("end", END_BEFORE_START)
            else:
                day = datetime.date(2000, 1, 1)
                span = datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)
                data["minutes"] = int(span.total_seconds() // 60)
        elif not self.errors:
            self.add_error(None, NO_TIME)
        return data


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("退会日"), widget=DATE_INPUT)


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("取り消しの理由"),
        max_length=300,
        error_messages={"required": REASON_REQUIRED},
        help_text=_("台帳の記録は消さず、逆の記録（逆仕訳）で打ち消します。理由は記録に残ります。"),
    )


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> datetime.date | None:
    """「2026-04」 → 2026-04-01; None for anything else."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)
