"""API shapes of the volunteer centre. A need's requester is a nested object that is null unless the access
policy opens it to the caller (tsunagu.volunteers.scope): the same rule as the pages."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from tsunagu.core.serializers import (
    MAX_ID,
    ModelResponseSerializer,
    PageParamsSerializer,
    PageSerializer,
    QueryChoiceField,
)

from .models import (
    Completion,
    Course,
    CourseKind,
    LedgerEntry,
    Match,
    MemberKind,
    Need,
    Volunteer,
    VolunteerStatus,
)


class VolunteerSerializer(ModelResponseSerializer):
    districts = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="活動できる地区のID。")

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "kind",
            "name",
            "name_kana",
            "relation",
            "affiliation",
            "phone",
            "email",
            "wishes",
            "interests",
            "skills",
            "languages",
            "districts",
            "weekly_slots",
            "one_off_dates",
            "insurance_expires_on",
            "consents_to_contact",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class VolunteerListParamsSerializer(PageParamsSerializer):
    status = QueryChoiceField(choices=VolunteerStatus.choices, required=False, help_text="登録の状態で絞る。")


class VolunteerPageSerializer(PageSerializer):
    results = VolunteerSerializer(many=True)


class RequesterSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="依頼した方の種別（表示名）。")
    name = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    person_id = serializers.IntegerField(allow_null=True, source="person.pk", default=None)


class NeedSerializer(ModelResponseSerializer):
    """The need's public fields: what a volunteer reads before saying yes."""

    class Meta:
        model = Need
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "skills",
            "district",
            "town",
            "starts_at",
            "ends_at",
            "volunteers_needed",
            "status",
        ]
        read_only_fields = fields


class NeedPageSerializer(PageSerializer):
    results = NeedSerializer(many=True)


class CandidateSerializer(serializers.Serializer):
    volunteer_id = serializers.IntegerField(source="volunteer.pk")
    name = serializers.CharField(source="volunteer.name")
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="合う点（画面と同じ文）。")


class NeedDetailSerializer(serializers.Serializer):
    need = NeedSerializer()
    requester = RequesterSerializer(
        allow_null=True, help_text="アクセスポリシーが開くときだけ。閲覧は監査ログに残ります。"
    )
    candidates = CandidateSerializer(many=True)


class MatchSerializer(ModelResponseSerializer):
    need = NeedSerializer(read_only=True)

    class Meta:
        model = Match
        fields = ["id", "need", "volunteer", "status", "score", "reasons", "hours", "activity_on", "report"]
        read_only_fields = fields


class MyMatchSerializer(serializers.Serializer):
    match = MatchSerializer()
    requester = RequesterSerializer(allow_null=True, help_text="引き受けた依頼だけ。閲覧は監査ログに残ります。")


class ProposeSerializer(serializers.Serializer):
    volunteer_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="候補の一覧にいるボランティアのID。"
    )


class AnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true で引き受け、false で辞退。")


class ActivitySerializer(serializers.Serializer):
    activity_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("24"))
    report = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CourseSerializer(ModelResponseSerializer):
    session_count = serializers.IntegerField(help_text="研修の回の数。")
    valid_count = serializers.IntegerField(help_text="いま有効な修了の数。")

    class Meta:
        model = Course
        fields = [
            "id",
            "kind",
            "name",
            "description",
            "sessions_required",
            "valid_years",
            "is_active",
            "session_count",
            "valid_count",
        ]
        read_only_fields = fields


class CoursePageSerializer(PageSerializer):
    results = CourseSerializer(many=True)


class CompletionSerializer(ModelResponseSerializer):
    course_kind = serializers.CharField(source="course.kind", help_text="研修の種類。")
    volunteer = serializers.IntegerField(
        source="volunteer_id", allow_null=True, help_text="ボランティアのID（利用者の修了では null）。"
    )
    user = serializers.IntegerField(
        source="user_id", allow_null=True, help_text="利用者のID（ボランティアの修了では null）。"
    )

    class Meta:
        model = Completion
        fields = ["id", "course", "course_kind", "volunteer", "user", "completed_on", "expires_on", "source", "note"]
        read_only_fields = fields


class CompletionListParamsSerializer(PageParamsSerializer):
    kind = QueryChoiceField(choices=CourseKind.choices, required=False, help_text="研修の種類で絞る。")
    valid = serializers.BooleanField(required=False, default=False, help_text="true でいま有効な修了だけ。")


class CompletionPageSerializer(PageSerializer):
    results = CompletionSerializer(many=True)


class LedgerEntrySerializer(ModelResponseSerializer):
    """One ledger entry as written (entries are never changed: a correction is a reversing entry)."""

    class Meta:
        model = LedgerEntry
        fields = ["id", "booked_on", "unit", "component", "amount", "kind", "posting", "activity", "reverses", "memo"]
        extra_kwargs = {
            "amount": {"help_text": "符号つき。時間は協力した方がプラス、円は受け取る側がプラス。"},
            "posting": {"help_text": "同じ仕訳の記録は同じ番号で、単位ごとに合計が0になります。"},
            "reverses": {"help_text": "逆仕訳のとき、打ち消す記録のID。"},
        }


class ServiceBalanceSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="時間の残高（記録の合計）。")
    yen = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="金額の残高（円。記録の合計）。")


class ServiceLedgerSerializer(serializers.Serializer):
    member_id = serializers.IntegerField()
    number = serializers.CharField(help_text="会員番号。")
    kind = serializers.ChoiceField(choices=MemberKind.choices, help_text="会員の種類。")
    scheme_id = serializers.IntegerField()
    balance = ServiceBalanceSerializer()
    entries = LedgerEntrySerializer(many=True, help_text="古い順。")
