"""Forms for the consent pages: one decision, a withdrawal, the letters for a district, the bulk reply entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District
from tsunagu.audit.models import AuditPurpose
from tsunagu.consent.services import METHOD_CHOICES, RecipientKind
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import ConsentGivenBy, ConsentStatus

DECISION_CHOICES = [
    (ConsentStatus.AGREED, _("同意")),
    (ConsentStatus.REFUSED, _("不同意")),
    (ConsentStatus.UNANSWERED, _("未回答（確認できなかった）")),
]
FILE_OR_TEXT_MESSAGE = _("1行ずつ入力するか、CSVファイルを指定してください（どちらか一方）。")


class DateInput(forms.DateInput):
    input_type = "date"


class ConsentDecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("意思表示"), choices=DECISION_CHOICES, widget=forms.RadioSelect)
    recipient_kinds = forms.MultipleChoiceField(
        label=_("提供先の種別"),
        choices=RecipientKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("同意の場合だけ。どれにも印がなければ、すべての提供先への同意です。"),
    )
    given_by = forms.ChoiceField(
        label=_("意思表示をした人"), choices=ConsentGivenBy.choices, initial=ConsentGivenBy.SELF
    )
    method = forms.ChoiceField(label=_("確認方法"), choices=METHOD_CHOICES)
    decided_on = forms.DateField(label=_("意思表示の日"), widget=DateInput, initial=today_jst)


class ConsentWithdrawForm(forms.Form):
    given_by = forms.ChoiceField(label=_("申出をした人"), choices=ConsentGivenBy.choices, initial=ConsentGivenBy.SELF)
    method = forms.ChoiceField(label=_("確認方法"), choices=METHOD_CHOICES, initial="電話")
    decided_on = forms.DateField(label=_("撤回の申出の日"), widget=DateInput, initial=today_jst)


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:
        return f"{obj.district_type.name}：{obj.name}"


class ConsentLettersForm(forms.Form):
    district = DistrictChoiceField(
        label=_("地区"), queryset=District.objects.select_related("district_type"), empty_label=None
    )
    sent_on = forms.DateField(label=_("発送日（文書の日付）"), widget=DateInput, initial=today_jst)
    reply_days = forms.IntegerField(label=_("回答期限（発送日から何日後）"), min_value=1, max_value=120, initial=21)
    sender = forms.CharField(label=_("差出人（区長名）"), max_length=60)
    contact = forms.CharField(label=_("問合せ先"), max_length=120)
    purpose = forms.ChoiceField(
        label=_("利用目的"), choices=AuditPurpose.choices, initial=AuditPurpose.DISASTER_PREP, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, ward: Any = None, **kwargs: Any) -> None:
        """`ward`: the viewer's ward (areas.Municipality) in an instance of several wards: its districts only,
        and its name in the sender; the settings' ward otherwise."""
        super().__init__(*args, **kwargs)
        ward_name = settings.TSUNAGU_WARD_NAME
        if ward is not None:
            self.fields["district"].queryset = self.fields["district"].queryset.filter(municipality=ward)
            ward_name = ward.postal_parts()[1]
        ward = ward_name
        self.fields["sender"].initial = f"{ward}長"
        self.fields["contact"].initial = f"{ward}役所 保健福祉課"


class ConsentRepliesForm(forms.Form):
    lines = forms.CharField(
        label=_("回答（1行に1件）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "整理番号,回答,記入者,提供先の種別,回答日 の順にカンマで区切ります。"
            "例：R8-000123,同意,本人,民生委員・自治会,2026-11-30"
        ),
    )
    file = forms.FileField(
        label=_("CSVファイル"),
        required=False,
        help_text=_("1行目に見出し「整理番号,回答,記入者,提供先の種別,回答日」。UTF-8またはShift_JIS。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_text = bool((data.get("lines") or "").strip())
        has_file = bool(data.get("file"))
        if has_text == has_file:
            raise forms.ValidationError(FILE_OR_TEXT_MESSAGE)
        return data
