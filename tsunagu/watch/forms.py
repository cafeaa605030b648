"""Forms of the watch-over pages: the visit (a few taps on a phone), an assignment, a bulk assignment from the
roster, the routing table and the professional's closing note."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.areas.models import District
from tsunagu.organisations.models import STAFF_KINDS, Organisation, OrganisationKind
from tsunagu.roster.models import RosterRule

from .models import ConcernTag, VisitMethod, VisitOutcome, WatchFrequency
from .services.routing import RECEIVING_KINDS

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class VisitForm(forms.Form):
    method = forms.ChoiceField(
        label=_("方法"), choices=VisitMethod.choices, initial=VisitMethod.VISIT, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=_("様子"), choices=VisitOutcome.choices, initial=VisitOutcome.FINE, widget=forms.RadioSelect
    )
    concerns = forms.MultipleChoiceField(
        label=_("気になること"),
        choices=ConcernTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("「気になる」「緊急」のときは、あてはまるものを選んでください。"),
    )
    observed_at = forms.DateTimeField(
        label=_("見守りの日時"),
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        help_text=_("紙のメモから後で入れるときは、見守りをした日時に直してください。記録した日時は別に残ります。"),
    )
    note = forms.CharField(label=_("メモ"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    # Made when the form is shown: sending the same form twice (a double tap, a retry) stores one visit.
    client_id = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("observed_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("client_id", uuid.uuid4())


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class WatcherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:  # noqa: ANN001
        return obj.get_full_name() or obj.get_username()


def _watching_organisations(user) -> Any:  # noqa: ANN001
    """Organisations of the user's ward(s) that may watch: community groups, 社協 and care plazas."""
    wards = policy.viewer_for(user).municipality_ids
    kinds = [k for k in OrganisationKind.values if k not in STAFF_KINDS] + [
        OrganisationKind.SHAKYO,
        OrganisationKind.CARE_PLAZA,
    ]
    return Organisation.objects.filter(is_active=True, kind__in=kinds, municipality_id__in=wards).order_by(
        "kind", "name"
    )


def _watchers(user) -> Any:  # noqa: ANN001
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation__in=_watching_organisations(user),
            memberships__started_on__lte=today,
        )
        .exclude(memberships__ended_on__lt=today)
        .distinct()
        .order_by("username")
    )


class AssignmentFields(forms.Form):
    organisation = OrganisationChoiceField(label=_("見守る団体"), queryset=Organisation.objects.none())
    watcher = WatcherChoiceField(
        label=_("担当者"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("（団体の全員）"),
        help_text=_("空にすると、団体のだれもが見守りを記録できます。"),
    )
    frequency = forms.ChoiceField(
        label=_("見守りの目安"), choices=WatchFrequency.choices, initial=WatchFrequency.MONTHLY
    )
    started_on = forms.DateField(
        label=_("開始日"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=datetime.date.today,
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _watching_organisations(user)
        self.fields["watcher"].queryset = _watchers(user)


class AssignmentForm(AssignmentFields):
    whole_household = forms.BooleanField(label=_("世帯で見守る"), required=False)
    note = forms.CharField(label=_("見守りの留意点"), required=False, max_length=200)


class BulkAssignForm(AssignmentFields):
    district = forms.ModelChoiceField(
        label=_("地区"), queryset=District.objects.select_related("district_type").order_by("district_type", "code")
    )
    rule = forms.ModelChoiceField(
        label=_("名簿登載の事由"),
        queryset=RosterRule.objects.filter(is_active=True),
        required=False,
        empty_label=_("（すべての事由）"),
    )
    field_order = ["district", "rule", "organisation", "watcher", "frequency", "started_on"]


class RouteForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("地区"), queryset=District.objects.none(), required=False, empty_label=_("（すべての地区）")
    )
    concern = forms.ChoiceField(
        label=_("気になること"), choices=[("", _("（すべて）")), *ConcernTag.choices], required=False
    )
    organisation = OrganisationChoiceField(label=_("つなぐ先"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        # The ward's own districts and receivers (a city of several wards: each ward its own table).
        ward_id = policy.viewer_for(user).ward_id
        self.fields["district"].queryset = (
            District.objects.filter(municipality_id=ward_id)
            .select_related("district_type")
            .order_by("district_type", "code")
        )
        self.fields["organisation"].queryset = Organisation.objects.filter(
            is_active=True, municipality_id=ward_id, kind__in=RECEIVING_KINDS
        ).order_by("kind", "name")


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("対応の内容（職員のみ）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("見守りをした方には「対応しました」とその日時だけが伝わり、この内容は見えません。"),
    )


class OverdueFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("地区"),
        queryset=District.objects.select_related("district_type").order_by("district_type", "code"),
        required=False,
        empty_label=_("（すべて）"),
    )
    organisation = OrganisationChoiceField(
        label=_("見守る団体"), queryset=Organisation.objects.none(), required=False, empty_label=_("（すべて）")
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _watching_organisations(user)
