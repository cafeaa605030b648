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
