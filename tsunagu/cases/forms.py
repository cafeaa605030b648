"""The forms of the case pages. They check shapes only; the rules (consent, team, transitions) are the services'."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.organisations.models import CASE_AGENCY_KINDS, Organisation

from .models import ConsentDecision, Domain, Route, TeamBasis, Urgency


def agencies_queryset():  # noqa: ANN201
    return Organisation.objects.filter(is_active=True, kind__in=CASE_AGENCY_KINDS).order_by("kind", "name")


class IntakeForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("受付機関"))
    client_id = forms.IntegerField(
        label=_("住民ID"), required=False, min_value=1, help_text=_("住民記録にある方は住民IDで結び付けます。")
    )
    anonymous = forms.BooleanField(label=_("匿名のまま相談を受ける"), required=False)
    client_label = forms.CharField(label=_("呼び名"), required=False, max_length=100)
    client_name = forms.CharField(label=_("氏名"), required=False, max_length=100)
    client_kana = forms.CharField(label=_("フリガナ"), required=False, max_length=100)
    client_birth_date = forms.DateField(
        label=_("生年月日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    client_phone = forms.CharField(label=_("連絡先"), required=False, max_length=30)
    client_address = forms.CharField(label=_("住所"), required=False, max_length=200)
    route = forms.ChoiceField(label=_("相談経路"), choices=Route.choices)
    urgency = forms.ChoiceField(label=_("緊急度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    domains = forms.MultipleChoiceField(
        label=_("分野（複数選べます）"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )
    chief_complaint = forms.CharField(label=_("主訴"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    consultation = forms.CharField(
        label=_("相談内容"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    life_history = forms.CharField(
        label=_("生活歴（概要）"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    household_situation = forms.CharField(
        label=_("世帯状況"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    income_employment = forms.CharField(
        label=_("収入・就労"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    health = forms.CharField(
        label=_("健康状態"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, agencies: list[Organisation], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in agencies])
        if len(agencies) == 1:
            self.fields["organisation"].initial = agencies[0].pk


class ConsentForm(forms.Form):
    decision = forms.ChoiceField(label=_("同意"), choices=ConsentDecision.choices)
    decided_on = forms.DateField(
        label=_("意思表示の日"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    all_agencies = forms.BooleanField(label=_("支援に必要な関係機関すべて"), required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=_("共有してよい機関"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    given_by = forms.CharField(label=_("意思表示をした方"), required=False, max_length=50)
    method = forms.CharField(label=_("確認方法"), required=False, max_length=50)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies_queryset()


class TeamAddForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("加える機関"), queryset=Organisation.objects.none())
    basis = forms.ChoiceField(
        label=_("根拠"),
        choices=[(TeamBasis.CONSENT, TeamBasis.CONSENT.label), (TeamBasis.CONFERENCE, TeamBasis.CONFERENCE.label)],
    )
    decision_reference = forms.CharField(label=_("支援会議の決定（開催日と要旨）"), required=False, max_length=200)
    confidentiality_acknowledged = forms.BooleanField(
        label=_("加わる機関が守秘義務（社会福祉法106条の6）を負うことを確認しました"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = agencies_queryset()


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(label=_("紹介先"), queryset=Organisation.objects.none())
    reason = forms.CharField(label=_("紹介の理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    respond_by = forms.DateField(
        label=_("回答期限"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("空なら1週間後。"),
    )
    override_reason = forms.CharField(
        label=_("同意によらず紹介する理由（区役所の福祉部門のみ）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachment = forms.FileField(label=_("添付ファイル"), required=False)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = agencies_queryset()


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("理由・メモ"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confidentiality_acknowledged = forms.BooleanField(
        label=_("受理にあたり、守秘義務（社会福祉法106条の6）を確認しました"), required=False
    )
    to_organisation = forms.ModelChoiceField(label=_("再紹介先"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = agencies_queryset()


class HouseholdMemberForm(forms.Form):
    person_id = forms.IntegerField(label=_("住民ID"), required=False, min_value=1)
    name = forms.CharField(label=_("氏名"), required=False, max_length=100)
    relationship = forms.CharField(label=_("続柄"), required=False, max_length=30)


HouseholdFormSet = forms.formset_factory(HouseholdMemberForm, extra=3, max_num=20)
CLIENT_FIELDS = (
    "organisation",
    "client_id",
    "anonymous",
    "client_label",
    "client_name",
    "client_kana",
    "client_birth_date",
    "client_phone",
    "client_address",
)


# --- outreach (アウトリーチ) -------------------------------------------------------------------------------------


class OutreachFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状況"),
        required=False,
        choices=[("open", _("未解決")), ("resolved", _("解決済み")), ("all", _("すべて"))],
    )
    source = forms.ChoiceField(label=_("きっかけ"), required=False)
    owner = forms.ChoiceField(label=_("担当"), required=False)
    overdue = forms.BooleanField(label=_("期限を過ぎたものだけ"), required=False)

    def __init__(self, *args, agencies=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        from .models import OutreachSource

        self.fields["source"].choices = [("", _("すべて")), *OutreachSource.choices]
        self.fields["owner"].choices = [("", _("所属機関すべて")), ("me", _("自分が担当"))] + [
            (str(o.pk), o.name) for o in agencies
        ]


class OutreachCreateForm(forms.Form):
    person_id = forms.IntegerField(label=_("住民ID"), min_value=1, help_text=_("見られる方だけ登録できます。"))
    whole_household = forms.BooleanField(label=_("世帯として対応する"), required=False)
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    next_action = forms.CharField(label=_("次の対応"), max_length=300)
    owner_organisation = forms.ModelChoiceField(label=_("担当機関"), queryset=Organisation.objects.none())
    due_on = forms.DateField(
        label=_("期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("空なら2週間後。")
    )

    def __init__(self, *args, agencies=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = agencies_queryset()
        if agencies:
            self.fields["owner_organisation"].initial = agencies[0].pk


class OutreachUpdateForm(forms.Form):
    next_action = forms.CharField(label=_("次の対応"), max_length=300)
    owner_organisation = forms.ModelChoiceField(label=_("担当機関"), queryset=Organisation.objects.none())
    owner_user = forms.ModelChoiceField(label=_("担当者"), required=False, queryset=Organisation.objects.none())
    due_on = forms.DateField(label=_("期限"), widget=forms.DateInput(attrs={"type": "date"}))
    change_note = forms.CharField(label=_("変更の理由・メモ"), required=False, max_length=2000)

    def __init__(self, *args, item=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = agencies_queryset()
        users = get_user_model().objects.filter(is_active=True)
        if item is not None:
            users = users.filter(memberships__organisation=item.owner_organisation).distinct()
            self.initial.setdefault("next_action", item.next_action)
            self.initial.setdefault("owner_organisation", item.owner_organisation_id)
            self.initial.setdefault("owner_user", item.owner_user_id)
            self.initial.setdefault("due_on", item.due_on)
        self.fields["owner_user"].queryset = users.order_by("username")


class OutreachNoteForm(forms.Form):
    note = forms.CharField(
        label=_("対応の記録"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("訪問・電話の結果など（例：訪問したが不在。手紙を投函）。"),
    )


class OutreachResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("結果"), choices=[])
    resolution_note = forms.CharField(label=_("結果の内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        from .models import OutreachResolution

        super().__init__(*args, **kwargs)
        self.fields["resolution"].choices = [("", "---------"), *OutreachResolution.choices]


class OutreachReopenForm(forms.Form):
    reopen_reason = forms.CharField(label=_("再開する理由"), max_length=2000)
