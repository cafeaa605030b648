"""What the evacuation-plan API accepts (the list filters) and returns (plans with their status, one plan with
its supporters, needs and shelter).

Whoever may see a person may see the person's plan (the access policy). The person's items shown beside a plan
are the roster's (49条の10) items and reasons, the community level of tsunagu.access.policy.DETAIL_FIELDS, for
every viewer, as on the plan pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from tsunagu.access.policy import DETAIL_FIELDS, DetailLevel
from tsunagu.areas.serializers import TownRefSerializer, district_id_field
from tsunagu.core.serializers import ModelResponseSerializer, PageParamsSerializer, PageSerializer, QueryChoiceField
from tsunagu.people.models import Person
from tsunagu.shelters.serializers import ShelterRefSerializer

from .models import EvacuationPlan, PlanStatus, PlanSupporter, Priority
from .selectors import PlanDetail, PlanFilters, PlanPage

STATUS_MESSAGE = gettext_lazy(
    "作成状況は not_started・in_progress・done・needs_update のどれかで指定してください。"
)
PRIORITY_MESSAGE = gettext_lazy("優先度は 1（高）・2（中）・3（低）のどれかで指定してください。")

# -- Input ----------------------------------------------------------------------------------------------


class PlanListParamsSerializer(PageParamsSerializer):
    """Query parameters of GET /api/evacuation/plans/."""

    plan_status = QueryChoiceField(
        choices=PlanStatus.choices,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid_choice": STATUS_MESSAGE},
        help_text="作成状況（計画のない方は not_started、見直し日を過ぎた作成済は needs_update）。",
    )
    priority = QueryChoiceField(
        choices=Priority.choices,
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid_choice": PRIORITY_MESSAGE},
        help_text="優先度（1：高、2：中、3：低）。",
    )
    district = district_id_field("地区ID（小学校区など）。その地区の町丁目の方だけにします。")

    def filters(self) -> PlanFilters:
        data = self.validated_data
        return PlanFilters(status=data["plan_status"], priority=data["priority"], district_id=data.get("district"))


# -- Output ---------------------------------------------------------------------------------------------

# Shown beside a plan, in the roster's order: the community level's items (49条の10 and the reasons).
PERSON_FIELDS = [
    name
    for name in (
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "birth_date",
        "sex",
        "town",
        "address",
        "address_extra",
        "phone",
        "roster_reasons",
    )
    if name in DETAIL_FIELDS[DetailLevel.COMMUNITY]
]


@extend_schema_serializer(description="計画の一覧の1行：名簿に載っている方と計画の作成状況。")
class PlanRowSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(source="person.pk", read_only=True, help_text="住民ID。")
    family_name = serializers.CharField(source="person.family_name", read_only=True, help_text="氏。")
    given_name = serializers.CharField(source="person.given_name", read_only=True, help_text="名。")
    family_name_kana = serializers.CharField(source="person.family_name_kana", read_only=True)
    given_name_kana = serializers.CharField(source="person.given_name_kana", read_only=True)
    birth_date = serializers.DateField(source="person.birth_date", read_only=True)
    town = TownRefSerializer(source="person.town", read_only=True)
    plan_status = serializers.ChoiceField(
        source="status",
        choices=PlanStatus.choices,
        read_only=True,
        help_text="作成状況（計画がなければ not_started）。",
    )
    priority = serializers.ChoiceField(
        choices=Priority.choices, allow_null=True, read_only=True, help_text="優先度（計画がなければ null）。"
    )


@extend_schema_serializer(description="個別避難計画の一覧の1ページ（最新の名簿に載っている方、町丁目・フリガナ順）。")
class PlanPageSerializer(PageSerializer):
    roster_build = serializers.IntegerField(allow_null=True, help_text="もとにした名簿の版（名簿がなければ null）。")
    results = PlanRowSerializer(many=True)


@extend_schema_serializer(description="計画の本人：名簿の項目（49条の10）と事由。")
class PlanPersonSerializer(ModelResponseSerializer):
    town = TownRefSerializer(read_only=True)
    roster_reasons = serializers.SerializerMethodField(
        help_text="避難支援等を必要とする事由（その方が載っている最新の版の記録）。"
    )

    class Meta:
        model = Person
        fields = ["id", *PERSON_FIELDS]
        read_only_fields = fields

    def get_roster_reasons(self, obj: Person) -> list[str]:
        return list(self.context["reasons"])


@extend_schema_serializer(description="避難支援等実施者。")
class PlanSupporterSerializer(ModelResponseSerializer):
    class Meta:
        model = PlanSupporter
        fields = ["name", "relation", "address", "phone"]
        read_only_fields = fields


@extend_schema_serializer(description="計画の内容（避難先・経路・配慮すること・自宅の災害リスク・見直し日）。")
class EvacuationPlanSerializer(ModelResponseSerializer):
    shelter = ShelterRefSerializer(read_only=True, allow_null=True, help_text="避難先の避難所（なければ null）。")

    class Meta:
        model = EvacuationPlan
        fields = [
            "priority",
            "shelter",
            "destination_other",
            "route_notes",
            "timing_notes",
            "needs_medical_devices",
            "needs_medication",
            "needs_mobility",
            "needs_communication",
            "needs_allergies",
            "needs_pets",
            "hazard_flood_zone",
            "hazard_landslide_zone",
            "hazard_tsunami_zone",
            "next_review_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(
    description="1人の個別避難計画（まだ作られていなければ plan は null、作成状況は not_started）。"
)
class PlanDetailSerializer(serializers.Serializer):
    person = serializers.SerializerMethodField()
    plan_status = serializers.ChoiceField(
        source="status",
        choices=PlanStatus.choices,
        read_only=True,
        help_text="作成状況（見直し日を過ぎた作成済は needs_update）。",
    )
    plan = EvacuationPlanSerializer(read_only=True, allow_null=True)
    supporters = PlanSupporterSerializer(many=True, read_only=True)
    can_edit = serializers.BooleanField(read_only=True, help_text="この利用者が画面で計画を編集できるか。")

    @extend_schema_field(PlanPersonSerializer)
    def get_person(self, obj: PlanDetail) -> dict:
        return PlanPersonSerializer(obj.person, context={"reasons": obj.reasons}).data


def plan_page_data(result: PlanPage) -> dict:
    return {
        "roster_build": result.build.number if result.build is not None else None,
        "count": result.total,
        "page": result.page,
        "pages": result.pages,
        "page_size": result.page_size,
        "results": PlanRowSerializer(result.rows, many=True).data,
    }
