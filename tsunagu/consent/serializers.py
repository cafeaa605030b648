"""What the consent API returns: one person's consent history (professionals only, the FULL detail level) and
the number of listed persons who have not answered, per district (the ward's consent managers)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from tsunagu.areas.serializers import DistrictRefSerializer
from tsunagu.core.serializers import ModelResponseSerializer
from tsunagu.people.models import Consent, ConsentRequest

from .selectors import ConsentPage, DistrictCount


@extend_schema_serializer(description="同意の記録の1件（追記のみ。撤回も新しい記録になります）。")
class ConsentDecisionSerializer(ModelResponseSerializer):
    # Named consent_status, not status: the schema would otherwise have two different enums called "status".
    consent_status = serializers.ChoiceField(
        source="status", choices=Consent._meta.get_field("status").choices, read_only=True, help_text="同意の状況。"
    )
    recipient_kinds = serializers.SerializerMethodField(
        help_text="提供先として同意した団体の種別。空の一覧はすべての種別。"
    )
    recorded_by = serializers.SerializerMethodField(help_text="記録した利用者のユーザー名（取込などでは null）。")

    class Meta:
        model = Consent
        fields = [
            "id",
            "consent_status",
            "recipient_kinds",
            "given_by",
            "method",
            "decided_on",
            "recorded_at",
            "recorded_by",
        ]
        read_only_fields = fields

    def get_recipient_kinds(self, obj: Consent) -> list[str]:
        return [kind for kind in obj.recipient_kinds.split("|") if kind]

    def get_recorded_by(self, obj: Consent) -> str | None:
        return obj.recorded_by.get_username() if obj.recorded_by_id else None


@extend_schema_serializer(description="同意確認書の送付の1件。")
class ConsentLetterSerializer(ModelResponseSerializer):
    class Meta:
        model = ConsentRequest
        fields = ["sent_on", "reply_due_on", "batch_label"]
        read_only_fields = fields


@extend_schema_serializer(description="1人の名簿提供への同意：現在の状況、履歴（新しい順）、同意確認書の送付。")
class ConsentHistorySerializer(serializers.Serializer):
    person_id = serializers.IntegerField(source="person.pk", read_only=True, help_text="住民ID。")
    family_name = serializers.CharField(source="person.family_name", read_only=True, help_text="氏。")
    given_name = serializers.CharField(source="person.given_name", read_only=True, help_text="名。")
    current = serializers.SerializerMethodField(help_text="現在有効な記録（一度も記録がなければ null＝未回答）。")
    history = ConsentDecisionSerializer(many=True, read_only=True, help_text="同意の記録（新しい順）。")
    letters = ConsentLetterSerializer(
        source="requests", many=True, read_only=True, help_text="同意確認書の送付（新しい順）。"
    )
    can_record = serializers.BooleanField(
        read_only=True, help_text="この利用者が同意の記録・撤回を登録できるか（区役所の福祉部門の職員）。"
    )

    @extend_schema_field(ConsentDecisionSerializer(allow_null=True))
    def get_current(self, obj: ConsentPage) -> dict | None:
        return ConsentDecisionSerializer(obj.current).data if obj.current is not None else None


@extend_schema_serializer(description="地区ごとの未回答の人数（最新の名簿に載っている方）。")
class DistrictUnansweredSerializer(serializers.Serializer):
    district = DistrictRefSerializer(read_only=True)
    unanswered = serializers.IntegerField(read_only=True, help_text="未回答（記録なし、または未回答の記録）の人数。")


@extend_schema_serializer(description="地区ごとの未回答の人数の一覧。")
class UnansweredCountsSerializer(serializers.Serializer):
    results = DistrictUnansweredSerializer(many=True, read_only=True)


def unanswered_counts_data(counts: list[DistrictCount]) -> dict:
    return {"results": DistrictUnansweredSerializer(counts, many=True).data}
