"""What the cases API accepts (an intake, a referral, a transition) and returns (cases, referrals). A case is
shown only to its team, so its serializer carries the intake's fields; a referral's receiver (before accepting)
gets the referral serializer only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tsunagu.core.serializers import ModelResponseSerializer

from .models import Case, Domain, Referral, ReferralEvent, Route, TeamMember, Urgency
from .services.referrals import Action


class TeamMemberSerializer(ModelResponseSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = TeamMember
        fields = [
            "organisation",
            "organisation_name",
            "basis",
            "decision_reference",
            "confidentiality_acknowledged_at",
            "added_at",
        ]


class CaseSerializer(ModelResponseSerializer):
    display_name = serializers.CharField(
        read_only=True, help_text="相談者の呼び方（住民、記録した氏名、匿名の呼び名）。"
    )
    team = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "display_name",
            "client",
            "anonymous",
            "client_label",
            "client_name",
            "client_kana",
            "client_birth_date",
            "client_phone",
            "client_address",
            "opening_organisation",
            "worker",
            "opened_at",
            "route",
            "urgency",
            "domains",
            "stage",
            "chief_complaint",
            "consultation",
            "life_history",
            "household_situation",
            "income_employment",
            "health",
            "closed_at",
            "team",
        ]

    @extend_schema_field(TeamMemberSerializer(many=True))
    def get_team(self, case: Case) -> list[dict]:
        return TeamMemberSerializer(case.team.filter(ended_at__isnull=True), many=True).data


class CaseRowSerializer(ModelResponseSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "number", "display_name", "urgency", "domains", "stage", "opened_at", "worker"]


class CaseListsSerializer(serializers.Serializer):
    mine = CaseRowSerializer(many=True, help_text="自分の担当。")
    shared = CaseRowSerializer(many=True, help_text="共有されたケース（所属機関がチームに入り、ほかの職員が担当）。")


class CaseCreateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(required=False, help_text="受付機関のID（所属が1つなら省略可）。")
    client_id = serializers.IntegerField(required=False, min_value=1, help_text="住民ID（住民記録にある方）。")
    anonymous = serializers.BooleanField(required=False, default=False)
    client_label = serializers.CharField(required=False, allow_blank=True, max_length=100)
    client_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    client_kana = serializers.CharField(required=False, allow_blank=True, max_length=100)
    client_birth_date = serializers.DateField(required=False, allow_null=True)
    client_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    client_address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    route = serializers.ChoiceField(choices=Route.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    domains = serializers.ListField(child=serializers.ChoiceField(choices=Domain.choices), allow_empty=False)
    chief_complaint = serializers.CharField(max_length=2000)
    consultation = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    life_history = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    household_situation = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    income_employment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    health = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReferralEventSerializer(ModelResponseSerializer):
    class Meta:
        model = ReferralEvent
        fields = ["from_status", "to_status", "at", "organisation", "reason"]


class ReferralSerializer(ModelResponseSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    client = serializers.CharField(source="case.display_name", read_only=True)
    overdue = serializers.SerializerMethodField()
    events = ReferralEventSerializer(many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "case",
            "case_number",
            "client",
            "from_organisation",
            "to_organisation",
            "requested_at",
            "reason",
            "respond_by",
            "status",
            "status_changed_at",
            "consent",
            "override_reason",
            "re_referred_from",
            "overdue",
            "events",
        ]

    def get_overdue(self, referral: Referral) -> bool:
        return referral.is_overdue(self.context["today"])


class ReferralCreateSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    to_organisation = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000)
    respond_by = serializers.DateField(required=False, allow_null=True)
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class ReferralTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a.value, a.value) for a in Action])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    confidentiality_acknowledged = serializers.BooleanField(required=False, default=False)
    to_organisation = serializers.IntegerField(required=False, min_value=1, help_text="再紹介先（re_refer のとき）。")
    respond_by = serializers.DateField(required=False, allow_null=True)


# --- outreach, timeline, dashboards, area issues ---------------------------------------------------------------


class OutreachEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class OutreachItemSerializer(serializers.Serializer):
    """An outreach item as its owning agency sees it: `name` and `person` only when the policy lets the viewer see
    the person (or the case's team), otherwise empty and null."""

    id = serializers.IntegerField()
    source = serializers.CharField()
    source_label = serializers.CharField()
    person = serializers.IntegerField(allow_null=True, help_text="住民ID（見られる場合だけ）。")
    case = serializers.IntegerField(allow_null=True, help_text="ケースID（支援チームの機関だけ）。")
    name = serializers.CharField(help_text="対象の方（見られない場合は空）。")
    whole_household = serializers.BooleanField()
    reason = serializers.CharField()
    next_action = serializers.CharField()
    owner_organisation = serializers.IntegerField()
    owner_user = serializers.IntegerField(allow_null=True)
    due_on = serializers.DateField()
    overdue = serializers.BooleanField()
    status = serializers.CharField()
    resolution = serializers.CharField()
    resolution_note = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    events = OutreachEventSerializer(many=True, required=False)

    @staticmethod
    def of(row, *, events: bool = False) -> dict:  # noqa: ANN001
        item = row.item
        data = {
            "id": item.pk,
            "source": item.source,
            "source_label": item.get_source_display(),
            "person": item.person_id if row.shows_person or row.shows_case else None,
            "case": item.case_id if row.shows_case else None,
            "name": row.name,
            "whole_household": item.whole_household,
            "reason": item.reason,
            "next_action": item.next_action,
            "owner_organisation": item.owner_organisation_id,
            "owner_user": item.owner_user_id,
            "due_on": item.due_on,
            "overdue": row.overdue,
            "status": item.status,
            "resolution": item.resolution,
            "resolution_note": item.resolution_note,
            "resolved_at": item.resolved_at,
        }
        if events:
            data["events"] = [{"kind": e.kind, "at": e.at, "note": e.note} for e in item.events.all()]
        return OutreachItemSerializer(data).data


class OutreachCreateSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    whole_household = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=2000)
    next_action = serializers.CharField(max_length=300)
    owner_organisation = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    due_on = serializers.DateField(required=False, allow_null=True)


class OutreachActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[("note", "note"), ("resolve", "resolve"), ("reopen", "reopen")])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    resolution = serializers.CharField(required=False, allow_blank=True, max_length=20)


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    organisation = serializers.CharField()
    by = serializers.CharField()


class LabelCountSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()


class CaseloadSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    new_this_month = serializers.IntegerField()
    overdue_referrals = serializers.IntegerField()
    overdue_outreach = serializers.IntegerField()
    by_domain = LabelCountSerializer(many=True)
    supported = serializers.IntegerField(help_text="過去1年に受け付け、支援開始に至ったケース。")
    not_yet_supported = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True, help_text="受付から最初の「支援開始」までの日数の中央値。")
    distribution = LabelCountSerializer(many=True)

    @staticmethod
    def of(load) -> dict:  # noqa: ANN001
        pairs = lambda rows: [{"label": label, "count": n} for label, n in rows]  # noqa: E731
        return {**vars(load), "by_domain": pairs(load.by_domain), "distribution": pairs(load.distribution)}


class AgencyCaseloadSerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    name = serializers.CharField()
    figures = CaseloadSerializer()


class DashboardSerializer(serializers.Serializer):
    mine = CaseloadSerializer()
    agencies = AgencyCaseloadSerializer(many=True)


class AreaTableSerializer(serializers.Serializer):
    rows = serializers.ListField(child=serializers.CharField())
    cells = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(allow_null=True)),
        help_text="null は秘匿（5未満、またはそれが計算できないよう伏せた件数）。",
    )
    row_totals = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    column_totals = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    total = serializers.IntegerField(allow_null=True)


class AreaIssuesSerializer(serializers.Serializer):
    district_type = serializers.IntegerField(allow_null=True)
    start = serializers.DateField()
    end = serializers.DateField()
    domains = serializers.ListField(child=serializers.CharField())
    by_district = AreaTableSerializer()
    by_month = AreaTableSerializer()
