"""The forms of the conference and plan pages. Shapes only: the rules are tsunagu.cases.services'."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.organisations.models import Organisation

from .forms import agencies_queryset
from .models import (
    Case,
    ClosureKind,
    Conference,
    ConferenceKind,
    DecisionKind,
    GoalTerm,
    TaskStatus,
)
from .scope import visible_cases_q

DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}
UNKNOWN_USER_MESSAGE = _("この利用者名（ログインID）の方は見つかりません。")


class ConferenceForm(forms.Form):
    organiser = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("主催機関"))
    kind = forms.ChoiceField(label=_("会議の種類"), choices=ConferenceKind.choices)
    title = forms.CharField(label=_("会議名"), max_length=200)
    starts_at = forms.DateTimeField(label=_("開始日時"), widget=forms.DateTimeInput(attrs=DATETIME))
    ends_at = forms.DateTimeField(label=_("終了日時"), required=False, widget=forms.DateTimeInput(attrs=DATETIME))
    place = forms.CharField(label=_("場所"), required=False, max_length=200)
    online_url = forms.URLField(
        label=_("オンライン会議のURL"), required=False, max_length=500, assume_scheme="https"
    )
    note = forms.CharField(label=_("全体のメモ"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, agencies: list[Organisation], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in agencies])
        if len(agencies) == 1:
            self.fields["organiser"].initial = agencies[0].pk


class ParticipantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("機関"), required=False, queryset=Organisation.objects.filter(is_active=True).order_by("kind", "name")
    )
    username = forms.CharField(
        label=_("利用者名（ログインID）"), required=False, max_length=150, help_text=_("つなぐを使っている方。")
    )
    name = forms.CharField(
        label=_("氏名・所属（つなぐを使っていない方）"), required=False, max_length=100
    )
    role = forms.CharField(label=_("役割"), required=False, max_length=50, help_text=_("司会、記録、本人、家族など。"))
    acknowledged = forms.BooleanField(label=_("守秘義務を確認しました（誓約書など）"), required=False)

    def clean_username(self):  # noqa: ANN201
        username = self.cleaned_data["username"].strip()
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(UNKNOWN_USER_MESSAGE)
        return user


class AgendaForm(forms.Form):
    case = forms.ModelChoiceField(label=_("ケース"), queryset=Case.objects.none())
    topic = forms.CharField(label=_("検討すること"), required=False, max_length=300)

    def __init__(self, *args, conference: Conference, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        cases = Case.objects.filter(visible_cases_q(frozenset({conference.organiser_id})), closed_at__isnull=True)
        self.fields["case"].queryset = cases.select_related("client").order_by("-opened_at")
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.display_name}"


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("議事録"), required=False, max_length=8000, widget=forms.Textarea({"rows": 5}))


def _items(conference: Conference, visible_ids: set[int]) -> list[tuple[str, str]]:
    return [
        (str(i.pk), f"{i.order}. {i.case.number}") for i in conference.agenda.all() if i.pk in visible_ids
    ]


class DecisionForm(forms.Form):
    agenda_item = forms.ChoiceField(label=_("議題"))
    kind = forms.ChoiceField(label=_("種類"), choices=DecisionKind.choices)
    text = forms.CharField(label=_("決定の内容"), max_length=2000, widget=forms.Textarea({"rows": 2}))
    organisation = forms.ModelChoiceField(label=_("加える機関"), required=False, queryset=Organisation.objects.none())

    def __init__(self, *args, conference: Conference, visible_ids: set[int], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = _items(conference, visible_ids)
        self.fields["organisation"].queryset = agencies_queryset()


class TaskForm(forms.Form):
    description = forms.CharField(label=_("やること"), max_length=500)
    owner_organisation = forms.ModelChoiceField(
        label=_("担当機関"), required=False, queryset=Organisation.objects.none()
    )
    owner_user = forms.ModelChoiceField(label=_("担当者"), required=False, queryset=get_user_model().objects.none())
    agenda_item = forms.ChoiceField(label=_("議題"), required=False)
    due_on = forms.DateField(label=_("期限"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, conference: Conference, visible_ids: set[int], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        rows = list(conference.participants.all())
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            pk__in=[r.organisation_id for r in rows if r.organisation_id]
        )
        self.fields["owner_user"].queryset = get_user_model().objects.filter(
            pk__in=[r.user_id for r in rows if r.user_id]
        )
        self.fields["agenda_item"].choices = [("", _("（会議全体）")), *_items(conference, visible_ids)]


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状況"), choices=TaskStatus.choices)
    note = forms.CharField(label=_("状況のメモ"), required=False, max_length=500)


class StageForm(forms.Form):
    note = forms.CharField(label=_("メモ"), required=False, max_length=500)


class PlanForm(forms.Form):
    client_wishes = forms.CharField(
        label=_("本人の思い・目指す姿"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    issues = forms.CharField(
        label=_("解決すべき課題"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    period_start = forms.DateField(label=_("プランの期間（開始）"), required=False, widget=forms.DateInput(DATE))
    period_end = forms.DateField(label=_("プランの期間（終了）"), required=False, widget=forms.DateInput(DATE))
    review_on = forms.DateField(label=_("次のモニタリング予定日"), required=False, widget=forms.DateInput(DATE))
    client_agreed_on = forms.DateField(
        label=_("本人の同意（申込）の日"), required=False, widget=forms.DateInput(DATE)
    )


class GoalForm(forms.Form):
    term = forms.ChoiceField(label=_("期間"), choices=GoalTerm.choices)
    text = forms.CharField(label=_("目標"), max_length=500)


class ActionForm(forms.Form):
    what = forms.CharField(label=_("支援の内容"), max_length=500)
    organisation = forms.ModelChoiceField(label=_("担当機関"), required=False, queryset=Organisation.objects.none())
    person = forms.CharField(
        label=_("担当者"), required=False, max_length=100, help_text=_("本人、家族、担当職員など。")
    )
    frequency = forms.CharField(label=_("頻度・時期"), required=False, max_length=100)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = agencies_queryset()


class MonitoringForm(forms.Form):
    held_on = forms.DateField(label=_("実施日"), initial=timezone.localdate, widget=forms.DateInput(DATE))
    findings = forms.CharField(
        label=_("支援の状況・本人の変化"), max_length=4000, widget=forms.Textarea({"rows": 3})
    )
    next_review_on = forms.DateField(label=_("次のモニタリング予定日"), required=False, widget=forms.DateInput(DATE))


class ClosureForm(forms.Form):
    kind = forms.ChoiceField(label=_("終結の理由"), choices=ClosureKind.choices)
    note = forms.CharField(label=_("理由の詳細"), required=False, max_length=500)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        # The plan page also shows StageForm, whose "note" would take the same id: the label 「理由の詳細」 would
        # then name the stage's メモ field.
        kwargs.setdefault("auto_id", "id_closure_%s")
        super().__init__(*args, **kwargs)


class ClosureDecisionForm(forms.Form):
    return_reason = forms.CharField(label=_("差し戻しの理由"), required=False, max_length=500)
