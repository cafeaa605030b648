"""Forms of the grants (つながり応援補助金): the public application, and the staff's call, decision, payment and
report. Checks of money against the call and the approved amount are the services' (they need row locks); the
forms check what one submission can say about itself."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import _districts
from .grant_models import GrantCall
from .public_forms import HONEYPOT_FIELD

PHOTO_SLOTS = 3
DATE = forms.DateInput(attrs={"type": "date"})


class CallForm(forms.ModelForm):
    class Meta:
        model = GrantCall
        fields = ["name", "fiscal_year", "criteria", "budget", "max_per_application", "opens_on", "closes_on"]
        widgets = {"opens_on": DATE, "closes_on": DATE, "criteria": forms.Textarea(attrs={"rows": 5})}

    def clean(self) -> dict:
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("締切日は受付開始日より後にしてください。"))
        budget, most = data.get("budget"), data.get("max_per_application")
        if budget and most and most > budget:
            self.add_error("max_per_application", _("1件あたりの上限は予算以下にしてください。"))
        return data


class ApplicationForm(forms.Form):
    # The public forms' hidden field (tsunagu.volunteers.public_forms): scripts fill it, people do not.
    website = forms.CharField(required=False, label=_("この欄は空のままにしてください"))
    group_name = forms.CharField(label=_("団体名"), max_length=100)
    contact_name = forms.CharField(label=_("担当者のお名前"), max_length=100)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=30, required=False)
    activity_title = forms.CharField(label=_("活動の名前"), max_length=100, help_text=_("例: 〇〇町 ふれあい喫茶"))
    description = forms.CharField(
        label=_("活動の内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("だれのために、どこで、どのくらいの頻度で、何をするか。"),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("活動する地区"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    requested_amount = forms.IntegerField(label=_("申請額（円）"), min_value=1)
    budget_breakdown = forms.CharField(
        label=_("経費の内訳"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("例: 会場費 12,000円、茶菓子代 18,000円、チラシ印刷 5,000円"),
    )
    publish_amount = forms.BooleanField(
        label=_("交付が決まったとき、金額も一覧に公開してよい"),
        required=False,
        help_text=_("団体名・活動の名前・地区は、交付が決まると「つながり応援補助金で応援している活動」に載ります。"),
    )

    def __init__(self, *args, call: GrantCall, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.call = call
        _districts(self.fields["districts"], call.municipality_id)
        self.fields[HONEYPOT_FIELD].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["contact_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["group_name"].widget.attrs.update({"autocomplete": "organization"})
        self.fields["requested_amount"].help_text = _("1件あたり%(max)s円までです。") % {
            "max": f"{call.max_per_application:,}"
        }

    def clean_requested_amount(self) -> int:
        amount = self.cleaned_data["requested_amount"]
        if amount > self.call.max_per_application:
            raise forms.ValidationError(
                _("申請額は1件あたりの上限（%(max)s円）以下にしてください。"),
                params={"max": f"{self.call.max_per_application:,}"},
            )
        return amount

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("email") and not (data.get("phone") or "").strip() and "email" not in self.errors:
            self.add_error("phone", _("メールアドレスか電話番号のどちらかを入力してください。"))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("決定"),
        choices=[("approve", _("交付する")), ("reject", _("交付しない（不採択）"))],
        widget=forms.RadioSelect,
    )
    amount = forms.IntegerField(label=_("交付決定額（円）"), min_value=1, required=False)
    reason = forms.CharField(
        label=_("決定の理由"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不採択のときは必須です。団体へのご連絡にも使います。"),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "approve" and not data.get("amount"):
            self.add_error("amount", _("交付決定額を入力してください。"))
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("不採択の理由を入力してください。"))
        return data


class PaymentForm(forms.Form):
    amount = forms.IntegerField(label=_("支払額（円）"), min_value=1)
    paid_on = forms.DateField(label=_("支払日"), widget=DATE)
    note = forms.CharField(label=_("メモ"), max_length=200, required=False, help_text=_("例: 概算払（前払い）"))


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("活動の報告"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    participants = forms.IntegerField(label=_("参加者数（のべ）"), min_value=0, max_value=100000)
    spent_amount = forms.IntegerField(label=_("使った金額（円）"), min_value=0)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # A fixed number of photo slots, each with its own description field next to it, so a description belongs
        # to its photo without scripts.
        for i in range(1, PHOTO_SLOTS + 1):
            self.fields[f"photo_{i}"] = forms.FileField(
                label=_("写真%(n)s（JPEG・PNG・WebP、5MBまで）") % {"n": i},
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            )
            self.fields[f"alt_{i}"] = forms.CharField(
                label=_("写真%(n)sの説明") % {"n": i},
                max_length=200,
                required=False,
                help_text=_("例: 公民館で10人がお茶を飲みながら話している様子"),
            )

    def clean(self) -> dict:
        data = super().clean()
        for i in range(1, PHOTO_SLOTS + 1):
            if data.get(f"photo_{i}") and not (data.get(f"alt_{i}") or "").strip():
                self.add_error(f"alt_{i}", _("写真の説明を入力してください（画面を読み上げて使う方のためです）。"))
        return data

    def photos(self) -> tuple[list, list[str]]:
        files, alts = [], []
        for i in range(1, PHOTO_SLOTS + 1):
            if self.cleaned_data.get(f"photo_{i}"):
                files.append(self.cleaned_data[f"photo_{i}"])
                alts.append(self.cleaned_data.get(f"alt_{i}") or "")
        return files, alts
