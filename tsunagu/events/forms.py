"""Forms: the public filter and sign-up, and the staff's event, article and translation forms."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.areas.models import District
from tsunagu.organisations.models import Organisation

from .models import MAX_PARTY, Article, Audience, AudienceKind, Event, EventKind, validate_language_code

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def _local_datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT)


class FilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("地区"), queryset=District.objects.none(), required=False, empty_label=_("区全体（すべての地区）")
    )
    audience = forms.ChoiceField(
        label=_("対象"), required=False, choices=[("", _("すべての方")), *AudienceKind.choices]
    )
    kind = forms.ChoiceField(label=_("種類"), required=False, choices=[("", _("すべての種類")), *EventKind.choices])

    def __init__(self, *args, municipality=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        qs = District.objects.select_related("district_type")
        if municipality is not None:
            qs = qs.filter(municipality=municipality)
        self.fields["district"].queryset = qs
        self.fields["district"].label_from_instance = lambda d: f"{d.name}（{d.district_type.name}）"


class SignupForm(forms.Form):
    anonymous = forms.BooleanField(
        label=_("名前を書かずに人数だけ申し込む"),
        required=False,
        help_text=_("取消しは、申込のあとに表示されるリンクからできます。"),
    )
    name = forms.CharField(label=_("お名前"), max_length=100, required=False)
    contact = forms.CharField(
        label=_("連絡先（電話番号またはメール）"),
        max_length=200,
        required=False,
        help_text=_("中止や変更のときに主催者から連絡します。"),
    )
    head_count = forms.IntegerField(
        label=_("人数"),
        min_value=1,
        max_value=MAX_PARTY,
        initial=1,
        error_messages={
            "min_value": _("人数は1人以上にしてください。"),
            "max_value": _(
                "一度に申し込めるのは%(limit_value)s人までです。それより多いときは問い合わせ先にご連絡ください。"
            ),
            "required": _("人数を入れてください。"),
            "invalid": _("人数は数字で入れてください。"),
        },
    )
    note = forms.CharField(
        label=_("主催者への連絡事項（任意）"),
        max_length=300,
        required=False,
        help_text=_("車いすで参加する、手話通訳がほしい、など。"),
    )

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("anonymous") and not (data.get("name") or "").strip():
            self.add_error(
                "name", _("お名前を入れてください（名前を書かないときは「人数だけ申し込む」を選んでください）。")
            )
        if data.get("anonymous"):
            data["name"] = data["contact"] = ""
        return data


class PublicationForm(forms.ModelForm):
    audiences = forms.ModelMultipleChoiceField(
        label=_("対象"), queryset=Audience.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        ward_ids = policy.ward_publisher_municipality_ids(user)
        own = policy.organising_organisation_ids(user)
        organisations = Organisation.objects.filter(is_active=True)
        if ward_ids:
            choices = organisations.filter(Q(municipality_id__in=ward_ids) | Q(pk__in=own))
        else:
            # An organiser publishes as itself: the field is required for them.
            choices = organisations.filter(pk__in=own)
            self.fields["organisation"].required = True
            self.fields["organisation"].empty_label = None
        self.fields["organisation"].queryset = choices.order_by("name")
        districts = District.objects.select_related("district_type")
        municipality_ids = ward_ids or {o.municipality_id for o in organisations.filter(pk__in=own)}
        self.fields["district"].queryset = districts.filter(municipality_id__in=municipality_ids)
        self.fields["district"].label_from_instance = lambda d: f"{d.name}（{d.district_type.name}）"
        self.fields["district"].empty_label = _("区全体")
        for name in ("published_at", "unpublish_at", "starts_at", "ends_at"):
            if name in self.fields:
                self.fields[name].widget = _local_datetime_widget()
                self.fields[name].input_formats = [LOCAL_INPUT, "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            self.initial["audiences"] = list(self.instance.audiences.all())

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("organisation") and not (data.get("organiser_name") or "").strip():
            self.add_error("organiser_name", _("主催団体を選ぶか、主催者の名前を書いてください。"))
        return data


COMMON_FIELDS = [
    "title",
    "body",
    "easy_title",
    "easy_body",
    "district",
    "audiences",
    "organisation",
    "organiser_name",
    "contact",
    "is_published",
    "published_at",
    "unpublish_at",
]


class EventForm(PublicationForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            *COMMON_FIELDS[:4],
            "starts_at",
            "ends_at",
            "place",
            "place_address",
            "cost",
            "capacity",
            "signups_open",
            "waiting_list",
            "is_cancelled",
            *COMMON_FIELDS[4:],
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 6}), "easy_body": forms.Textarea(attrs={"rows": 4})}


class ArticleForm(PublicationForm):
    class Meta:
        model = Article
        fields = COMMON_FIELDS
        widgets = {"body": forms.Textarea(attrs={"rows": 8}), "easy_body": forms.Textarea(attrs={"rows": 5})}


class TranslationForm(forms.Form):
    language = forms.CharField(
        label=_("言語コード"),
        max_length=15,
        initial="en",
        validators=[validate_language_code],
        help_text=_("en（英語）、zh-hans（中国語簡体字）、ko（韓国語）、vi（ベトナム語）、pt-br（ポルトガル語）など。"),
    )
    title = forms.CharField(
        label=_("題名（翻訳）"),
        max_length=200,
        required=False,
        help_text=_("空欄で保存すると、この言語の翻訳を削除します。"),
    )
    body = forms.CharField(label=_("本文（翻訳）"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def clean_language(self) -> str:
        return self.cleaned_data["language"].strip().lower()
