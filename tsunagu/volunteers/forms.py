"""Forms: the public registration, the staff's check and need, the proposal and the volunteer's activity report."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District

from .models import (
    DAYS,
    PARTS,
    Course,
    Language,
    Need,
    NeedKind,
    Relation,
    Skill,
    TrainingSession,
    Volunteer,
    VolunteerKind,
    slot_label,
)

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
MAX_ONE_OFF_DATES = 20


def _districts(field: forms.ModelMultipleChoiceField | forms.ModelChoiceField, municipality_id: int | None) -> None:
    qs = District.objects.select_related("district_type").order_by("district_type__pk", "code")
    if municipality_id is not None:
        qs = qs.filter(municipality_id=municipality_id)
    field.queryset = qs
    field.label_from_instance = lambda d: f"{d.name}（{d.district_type.name}）"


def slot_choices() -> list[tuple[str, str]]:
    """Called per form, so the labels are in the reader's language."""
    return [(code, slot_label(code)) for code in (f"{d}_{p}" for d, _d in DAYS for p, _p in PARTS)]


class RegistrationForm(forms.Form):
    # A field people do not see (hidden by CSS and from assistive technology); scripts that fill every field
    # fill it too, and their registration is dropped quietly.
    website = forms.CharField(required=False, label=_("この欄は空のままにしてください"))
    kind = forms.ChoiceField(label=_("登録するのは"), choices=VolunteerKind.choices, initial=VolunteerKind.PERSON)
    name = forms.CharField(label=_("お名前・団体名"), max_length=100)
    name_kana = forms.CharField(label=_("フリガナ"), max_length=200, required=False)
    relation = forms.ChoiceField(label=_("区とのかかわり"), choices=[("", "—"), *Relation.choices], required=False)
    affiliation = forms.CharField(label=_("学校名・勤務先（任意）"), max_length=100, required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=30, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    wishes = forms.CharField(
        label=_("やりたいこと"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("自由に書いてください。例: 週末に子どもの見守りをしたい、得意な料理で居場所を手伝いたい。"),
    )
    interests = forms.MultipleChoiceField(
        label=_("関心のある活動"), choices=NeedKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.MultipleChoiceField(
        label=_("できること・資格"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("話せることば"),
        choices=Language.choices,
        required=False,
        initial=[Language.JAPANESE],
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("活動できる地区（選ばないときは区内どこでも）"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weekly_slots = forms.MultipleChoiceField(
        label=_("活動できる曜日・時間帯"), choices=slot_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    one_off_dates = forms.CharField(
        label=_("この日なら活動できる（任意）"),
        required=False,
        max_length=400,
        help_text=_("1回だけの参加も歓迎です。日付を「2027-05-03」の形で、複数ならスペースで区切って書いてください。"),
    )
    insurance_expires_on = forms.DateField(
        label=_("ボランティア活動保険の期限（加入している方）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("未加入の方は、登録の確認のときにボランティアセンターで加入の手続きをご案内します。"),
    )
    consents_to_contact = forms.BooleanField(
        label=_("ボランティアセンターから、活動の依頼やお知らせの連絡を受けることに同意します"),
        required=True,
        error_messages={"required": _("連絡への同意がないと、活動をご紹介できません。")},
    )

    def __init__(self, *args, municipality_id: int | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        _districts(self.fields["districts"], municipality_id)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})

    def clean_one_off_dates(self) -> list[datetime.date]:
        text = self.cleaned_data["one_off_dates"].replace("、", " ").replace(",", " ")
        dates = []
        for word in text.split():
            try:
                dates.append(datetime.date.fromisoformat(word))
            except ValueError:
                raise forms.ValidationError(
                    _("「%(word)s」は日付として読めません。2027-05-03 の形で書いてください。"), params={"word": word}
                ) from None
        if len(dates) > MAX_ONE_OFF_DATES:
            raise forms.ValidationError(_("日付は20日までにしてください。"))
        return dates

    def clean(self) -> dict:
        data = super().clean()
        if not (data.get("phone") or "").strip() and not data.get("email"):
            self.add_error("phone", _("電話番号かメールアドレスのどちらかを入れてください。"))
        return data


class CheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("確認の結果"),
        choices=[("approve", _("登録する")), ("reject", _("登録しない"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("メモ（任意）"), max_length=300, required=False)


class LinkUserForm(forms.Form):
    username = forms.CharField(label=_("ログインの利用者名"), max_length=150)


class NeedForm(forms.ModelForm):
    skills = forms.MultipleChoiceField(
        label=_("求めること"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    person_id = forms.IntegerField(
        label=_("住民の記録のID（任意）"),
        required=False,
        min_value=1,
        help_text=_("依頼した方が住民の記録にあるとき、住民の詳細ページのIDを入れます。閲覧できる方だけ選べます。"),
    )

    class Meta:
        model = Need
        fields = [
            "kind",
            "title",
            "description",
            "skills",
            "district",
            "town",
            "starts_at",
            "ends_at",
            "volunteers_needed",
            "requester_kind",
            "requester_name",
            "requester_phone",
            "requester_address",
            "person_id",
        ]
        help_texts = {
            "title": _("ボランティアが引き受ける前に読む内容です。依頼した方が分かることは書かないでください。"),
            "description": _("同じく公開される内容です。お名前・住所・電話番号は下の欄に書きます。"),
            "requester_name": _("ボランティアには、引き受けた後にだけ表示します。"),
        }

    def __init__(self, *args, municipality_id: int | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        _districts(self.fields["district"], municipality_id)
        towns = self.fields["town"].queryset
        if municipality_id is not None:
            self.fields["town"].queryset = towns.filter(municipality_id=municipality_id)
        for name in ("starts_at", "ends_at"):
            self.fields[name].widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)
            self.fields[name].input_formats = [LOCAL_INPUT, "%Y-%m-%d %H:%M"]

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("終了は開始より後にしてください。"))
        return data


class ActivityForm(forms.Form):
    hours = forms.DecimalField(
        label=_("活動時間（時間）"),
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        decimal_places=1,
        initial=Decimal("1.0"),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    activity_on = forms.DateField(label=_("活動日"), widget=forms.DateInput(attrs={"type": "date"}))
    report = forms.CharField(
        label=_("ひとこと報告（任意）"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["activity_on"].initial = timezone.localdate()


class NeedEditForm(NeedForm):
    """The public items of an open need (services.needs.EDITABLE_FIELDS); the requester is not edited here."""

    class Meta(NeedForm.Meta):
        fields = [
            "kind",
            "title",
            "description",
            "skills",
            "district",
            "town",
            "starts_at",
            "ends_at",
            "volunteers_needed",
        ]

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields.pop("person_id", None)
        if self.instance.pk and not self.is_bound:
            self.initial["skills"] = list(self.instance.skills)


# --- Training -----------------------------------------------------------------------------------------------

ONE_PERSON = _("ボランティアか利用者名の、どちらか一方だけを入れてください。")


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["kind", "name", "description", "sessions_required", "valid_years"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "sessions_required": {
                "min_value": _("出席回数は1回以上にしてください。"),
                "max_value": _("出席回数は50回までにしてください。"),
            },
            "valid_years": {
                "min_value": _("有効期間は1年以上にしてください。"),
                "max_value": _("有効期間は20年までにしてください。"),
            },
        }


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["starts_at", "place", "capacity"]
        error_messages = {
            "capacity": {
                "min_value": _("定員は1人以上にしてください。"),
                "max_value": _("定員は500人までにしてください。"),
            },
        }

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)
        self.fields["starts_at"].input_formats = [LOCAL_INPUT, "%Y-%m-%d %H:%M"]


class EnrolForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        label=_("申し込むボランティア"),
        queryset=Volunteer.objects.none(),
        empty_label="—",
        error_messages={"invalid_choice": _("一覧にあるボランティアを選んでください。")},
    )

    def __init__(self, *args, volunteers=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if volunteers is not None:
            self.fields["volunteer"].queryset = volunteers


class CompletionForm(forms.Form):
    """A completion recorded by the staff: of a volunteer (chosen) or of a signed-in watcher (by user name)."""

    course = forms.ModelChoiceField(label=_("研修"), queryset=Course.objects.none(), empty_label="—")
    volunteer = forms.ModelChoiceField(
        label=_("ボランティア"), queryset=Volunteer.objects.none(), required=False, empty_label="—"
    )
    username = forms.CharField(
        label=_("または利用者名（民生委員・見守り協力員など）"),
        max_length=150,
        required=False,
        help_text=_("ボランティアとして登録していない、区の団体に所属する方のログイン名です。"),
    )
    completed_on = forms.DateField(label=_("修了日"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("メモ（任意）"),
        max_length=300,
        required=False,
        help_text=_("ほかの区や市社協で受講したときなど、どこで受けたかを書きます。"),
    )

    def __init__(self, *args, courses=None, volunteers=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        if courses is not None:
            self.fields["course"].queryset = courses
        if volunteers is not None:
            self.fields["volunteer"].queryset = volunteers
        self.fields["completed_on"].initial = timezone.localdate()

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("volunteer")) == bool((data.get("username") or "").strip()):
            raise forms.ValidationError(ONE_PERSON)
        return data
