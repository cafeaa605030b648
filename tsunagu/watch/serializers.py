"""What the watch-over API accepts (a visit from the phone, a closing note, the inbox's filter) and returns (the
watch list, one person's watch page, visits, escalations).

A person is shown with the roster's items a watcher needs to find and call them (names, address, phone), all of
the community level of tsunagu.access.policy.DETAIL_FIELDS. An escalation is shown to the watcher who raised it
as its status and dates only; the receiving organisation, the deadline and the closing note (`handling`) only to
those who handle it (the receiving organisation and the ward's welfare section), as on the pages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from tsunagu.areas.serializers import TownRefSerializer
from tsunagu.core.serializers import (
    ID_MESSAGE,
    MAX_ID,
    AwareDateTimeField,
    BodyTextField,
    ModelResponseSerializer,
    QueryBooleanField,
    integer_messages,
)
from tsunagu.organisations.models import Organisation
from tsunagu.people.models import Person

from .models import (
    ESCALATING_OUTCOMES,
    ConcernTag,
    Escalation,
    EscalationStatus,
    VisitMethod,
    VisitOutcome,
    WatchFrequency,
    WatchVisit,
)
from .selectors import WatchRow
from .services.visits import BAD_CONCERN_MESSAGE, BAD_METHOD_MESSAGE, BAD_OUTCOME_MESSAGE

OBSERVED_AT_MESSAGE = gettext_lazy(
    "見守りの日時は、時差をつけた ISO 8601 の形式（例：2026-06-01T14:30:00+09:00）で指定してください。"
)
CLIENT_ID_MESSAGE = gettext_lazy("記録ID（client_id）は UUID の形式で指定してください。")
NOTE_LENGTH_MESSAGE = gettext_lazy("メモは2000文字以内で入力してください。")
NOTE_MAX_LENGTH = 2000

# -- Input ----------------------------------------------------------------------------------------------


class NoteField(BodyTextField):
    """A watcher's or a professional's note (up to NOTE_MAX_LENGTH characters)."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        kwargs.setdefault("max_length", NOTE_MAX_LENGTH)
        super().__init__(length_message=NOTE_LENGTH_MESSAGE, **kwargs)


class ObservedAtField(AwareDateTimeField):
    message = OBSERVED_AT_MESSAGE


def _choice_messages(message: str) -> dict[str, str]:
    return {"invalid_choice": message, "required": message, "null": message}


@extend_schema_serializer(description="見守りの記録（スマートフォンから）。")
class VisitCreateSerializer(serializers.Serializer):
    """The body of POST /api/watch/visits/."""

    person_id = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={**integer_messages(ID_MESSAGE), "required": ID_MESSAGE, "null": ID_MESSAGE},
        help_text="見守る方の住民ID。",
    )
    method = serializers.ChoiceField(
        choices=VisitMethod.choices,
        error_messages=_choice_messages(BAD_METHOD_MESSAGE),
        help_text="方法（visit：訪問、phone：電話、greeting：声かけ、sighting：見かけ、absent：不在）。",
    )
    outcome = serializers.ChoiceField(
        choices=VisitOutcome.choices,
        error_messages=_choice_messages(BAD_OUTCOME_MESSAGE),
        help_text="様子（fine：変わりなし、concern：気になる、urgent：緊急）。気になる・緊急は専門職につなぎます。",
    )
    observed_at = ObservedAtField(
        required=False,
        allow_null=True,
        default=None,
        help_text="見守りをした日時（時差つきの ISO 8601）。省略すると受け付けた時刻。紙のメモから後で入れるときは"
        "見守りをした日時にします（記録した日時は別に残ります）。",
    )
    concerns = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernTag.choices, error_messages=_choice_messages(BAD_CONCERN_MESSAGE)),
        required=False,
        default=list,
        max_length=len(ConcernTag.choices),
        error_messages={"not_a_list": BAD_CONCERN_MESSAGE, "max_length": BAD_CONCERN_MESSAGE},
        help_text="気になること（気になる・緊急のとき、あてはまるもの）。",
    )
    note = NoteField(help_text="メモ（2000文字まで）。")
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid": CLIENT_ID_MESSAGE},
        help_text="端末で作った記録ID（UUID）。同じIDで送り直した記録は1件として扱い、保存済みの記録を 200 で"
        "返します。",
    )


@extend_schema_serializer(description="専門職の対応（対応しました）。")
class EscalationCloseSerializer(serializers.Serializer):
    note = NoteField(help_text="対応の内容（職員だけが見ます。見守りをした方には伝わりません）。2000文字まで。")


class EscalationInboxParamsSerializer(serializers.Serializer):
    """Query parameters of GET /api/watch/escalations/."""

    include_closed = QueryBooleanField(
        required=False, default=False, help_text="対応済のつなぎも含めるか（既定 false）。"
    )


# -- Output ---------------------------------------------------------------------------------------------


@extend_schema_serializer(
    description="送られた内容の誤り。detail に全体、errors に項目ごとのメッセージ（本文がJSONとして読めないときは"
    "detail だけ）。"
)
class BodyErrorSerializer(serializers.Serializer):
    """A 400 to a request with a body: as tsunagu.core.api's validation error, but a body that is not JSON at all is
    answered with `detail` only (a parse error has no field to name)."""

    detail = serializers.CharField(help_text="利用者に示せる日本語のメッセージ。")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="項目名（または non_field_errors）ごとのメッセージ。",
    )


# The person's items shown to a watcher: the community level's (名簿の項目), those needed to visit or call.
# The urgency of an escalation: only the outcomes that escalate (気になる, 緊急).
URGENCY_CHOICES = [(value, label) for value, label in VisitOutcome.choices if value in ESCALATING_OUTCOMES]

PERSON_FIELDS = [
    "id",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "town",
    "address",
    "address_extra",
    "phone",
]


@extend_schema_serializer(description="見守る方（名簿の項目のうち、訪ねたり電話したりするのに使うもの）。")
class WatchPersonSerializer(ModelResponseSerializer):
    town = TownRefSerializer(read_only=True)

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        read_only_fields = fields


@extend_schema_serializer(description="団体（つなぎ先・見守る団体）。")
class WatchOrganisationSerializer(ModelResponseSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]
        read_only_fields = fields


@extend_schema_serializer(
    description="つなぎを受けた側の情報（つなぎ先・受理の期限・対応の内容）。受け取った団体の職員と区役所の福祉部門だけに"
    "示します。"
)
class EscalationHandlingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="つなぎのID（受理・対応の記録に使います）。")
    organisation = WatchOrganisationSerializer(read_only=True, help_text="つなぎ先。")
    acknowledge_by = serializers.DateTimeField(read_only=True, help_text="受理の期限（過ぎると上長に示されます）。")
    closing_note = serializers.CharField(read_only=True, help_text="対応の内容（職員のみ）。")


@extend_schema_serializer(
    description="専門職へのつなぎ。見守りをした方には、受け取られたか・いつ対応されたかだけを示します。"
)
class EscalationViewSerializer(serializers.Serializer):
    escalation_status = serializers.ChoiceField(
        source="status",
        choices=EscalationStatus.choices,
        read_only=True,
        help_text="open：連絡済（受理待ち）、acknowledged：受理されました、closed：対応しました。",
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="状況の表示。")
    urgency = serializers.ChoiceField(
        choices=URGENCY_CHOICES, read_only=True, help_text="緊急度（concern：気になる、urgent：緊急）。"
    )
    raised_at = serializers.DateTimeField(read_only=True, help_text="つないだ日時。")
    acknowledged_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="受理された日時。")
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="対応された日時。")
    handling = serializers.SerializerMethodField(
        help_text="受けた側の情報。この利用者がつなぎを受ける側でなければ null。"
    )

    @extend_schema_field(EscalationHandlingSerializer(allow_null=True))
    def get_handling(self, obj: Escalation) -> dict | None:
        if obj.pk not in self.context.get("handled", ()):
            return None
        return EscalationHandlingSerializer(obj).data


@extend_schema_serializer(description="見守りの記録1件。")
class VisitSerializer(ModelResponseSerializer):
    person_id = serializers.IntegerField(read_only=True, help_text="見守る方の住民ID。")
    concerns = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernTag.choices), read_only=True, help_text="気になること。"
    )
    concern_labels = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="気になることの表示（選んだ順ではなく一覧の順）。"
    )
    recorded_by = serializers.StringRelatedField(read_only=True, help_text="記録した方の表示名。")

    class Meta:
        model = WatchVisit
        fields = [
            "id",
            "person_id",
            "observed_at",
            "recorded_at",
            "method",
            "outcome",
            "concerns",
            "concern_labels",
            "note",
            "recorded_by",
            "client_id",
        ]
        read_only_fields = fields


@extend_schema_serializer(description="見守りの記録1件と、専門職へのつなぎ（あれば）。")
class VisitLineSerializer(VisitSerializer):
    escalation = serializers.SerializerMethodField(help_text="この記録から専門職へつないだ件（なければ null）。")

    class Meta(VisitSerializer.Meta):
        fields = [*VisitSerializer.Meta.fields, "escalation"]
        read_only_fields = fields

    @extend_schema_field(EscalationViewSerializer(allow_null=True))
    def get_escalation(self, obj: WatchVisit) -> dict | None:
        escalation = getattr(obj, "escalation", None)
        return EscalationViewSerializer(escalation, context=self.context).data if escalation is not None else None


@extend_schema_serializer(description="記録した見守り（保存されたとおり）。")
class VisitRecordedSerializer(VisitLineSerializer):
    escalated_to = serializers.SerializerMethodField(help_text="つないだ先の団体名（つながなかったときは null）。")
    warning = serializers.SerializerMethodField(help_text="記録はできたが知らせたいこと（なければ空）。")

    class Meta(VisitLineSerializer.Meta):
        fields = [*VisitLineSerializer.Meta.fields, "escalated_to", "warning"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_escalated_to(self, obj: WatchVisit) -> str | None:
        escalation = getattr(obj, "escalation", None)
        return escalation.organisation.name if escalation is not None else None

    def get_warning(self, obj: WatchVisit) -> str:
        return str(self.context.get("warning", ""))


class _WatchStateFields(serializers.Serializer):
    """The state of one watch (an assignment) today: what the list and the person page share."""

    assignment_id = serializers.IntegerField(source="assignment.pk", read_only=True, help_text="見守りの担当のID。")
    organisation = WatchOrganisationSerializer(source="assignment.organisation", read_only=True)
    whole_household = serializers.BooleanField(
        source="assignment.whole_household", read_only=True, help_text="世帯で見守るか。"
    )
    frequency = serializers.ChoiceField(
        source="assignment.frequency", choices=WatchFrequency.choices, read_only=True, help_text="見守りの目安。"
    )
    frequency_label = serializers.CharField(
        source="assignment.get_frequency_display", read_only=True, help_text="見守りの目安の表示。"
    )
    last_contact_at = serializers.DateTimeField(
        source="assignment.last_contact",
        read_only=True,
        allow_null=True,
        help_text="最後に会えた・話せた日時（だれの記録でも。不在は含みません）。なければ null。",
    )
    period = serializers.CharField(read_only=True, help_text="いまの期間（今週・6月など）。")
    done_this_period = serializers.BooleanField(read_only=True, help_text="いまの期間にもう会えているか。")
    overdue = serializers.BooleanField(read_only=True, help_text="前の期間に一度も会えていないか（連絡が空いている）。")
    next_target = serializers.CharField(
        read_only=True, help_text="次回の目安（期限の日ではなく、期間で示します。例：「6月中」「7月ごろ」）。"
    )


@extend_schema_serializer(description="わたしの見守りの1行：見守る方と、いまの期間の状況。")
class WatchRowSerializer(_WatchStateFields):
    person_id = serializers.IntegerField(source="person.pk", read_only=True, help_text="住民ID。")
    family_name = serializers.CharField(source="person.family_name", read_only=True, help_text="氏。")
    given_name = serializers.CharField(source="person.given_name", read_only=True, help_text="名。")
    family_name_kana = serializers.CharField(source="person.family_name_kana", read_only=True)
    given_name_kana = serializers.CharField(source="person.given_name_kana", read_only=True)
    town = TownRefSerializer(source="person.town", read_only=True)
    address = serializers.CharField(source="person.address", read_only=True)
    address_extra = serializers.CharField(source="person.address_extra", read_only=True)
    phone = serializers.CharField(source="person.phone", read_only=True)
    open_escalation = serializers.SerializerMethodField(
        help_text="この利用者がつないで、まだ対応されていない件（なければ null）。"
    )

    @extend_schema_field(EscalationViewSerializer(allow_null=True))
    def get_open_escalation(self, obj: WatchRow) -> dict | None:
        if obj.open_escalation is None:
            return None
        return EscalationViewSerializer(obj.open_escalation, context=self.context).data


@extend_schema_serializer(description="わたしの見守りの一覧（連絡が空いている方、今の期間にまだ会えていない方の順）。")
class WatchListSerializer(serializers.Serializer):
    today = serializers.DateField(help_text="今日（日本時間）。期間と次回の目安はこの日から数えます。")
    results = WatchRowSerializer(many=True)


@extend_schema_serializer(description="この方の見守りの担当1件と、いまの期間の状況。")
class WatchStateSerializer(_WatchStateFields):
    watcher = serializers.CharField(
        source="assignment.watcher", read_only=True, allow_null=True, help_text="担当者（団体のだれでもなら null）。"
    )
    note = serializers.CharField(source="assignment.note", read_only=True, help_text="見守りの留意点。")
    started_on = serializers.DateField(source="assignment.started_on", read_only=True, help_text="開始日。")


@extend_schema_serializer(
    description="1人の見守り：担当といまの期間の状況、今の期間の記録（重ねて訪問しないために）と最近の記録。"
)
class PersonWatchSerializer(serializers.Serializer):
    person = WatchPersonSerializer(read_only=True)
    today = serializers.DateField(read_only=True, help_text="今日（日本時間）。")
    watches = WatchStateSerializer(source="rows", many=True, read_only=True, help_text="いまの見守りの担当。")
    can_record = serializers.BooleanField(read_only=True, help_text="この利用者がこの方の見守りを記録できるか。")
    this_period = serializers.SerializerMethodField(help_text="今の期間の記録（だれの記録でも、新しい順）。")
    recent = serializers.SerializerMethodField(help_text="最近の記録（新しい順、20件まで）。")

    @extend_schema_field(VisitLineSerializer(many=True))
    def get_this_period(self, obj) -> list:  # noqa: ANN001
        return VisitLineSerializer([line.visit for line in obj.this_period], many=True, context=self.context).data

    @extend_schema_field(VisitLineSerializer(many=True))
    def get_recent(self, obj) -> list:  # noqa: ANN001
        return VisitLineSerializer([line.visit for line in obj.recent], many=True, context=self.context).data


@extend_schema_serializer(description="専門職へのつなぎ（受けた側が見るもの）。")
class EscalationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="escalation.pk", read_only=True, help_text="つなぎのID。")
    person = WatchPersonSerializer(source="escalation.person", read_only=True)
    organisation = WatchOrganisationSerializer(source="escalation.organisation", read_only=True, help_text="つなぎ先。")
    urgency = serializers.ChoiceField(
        source="escalation.urgency", choices=URGENCY_CHOICES, read_only=True, help_text="緊急度。"
    )
    escalation_status = serializers.ChoiceField(
        source="escalation.status", choices=EscalationStatus.choices, read_only=True, help_text="状況。"
    )
    status_label = serializers.CharField(source="escalation.get_status_display", read_only=True)
    raised_at = serializers.DateTimeField(source="escalation.raised_at", read_only=True, help_text="つないだ日時。")
    acknowledge_by = serializers.DateTimeField(
        source="escalation.acknowledge_by", read_only=True, help_text="受理の期限。"
    )
    acknowledged_at = serializers.DateTimeField(source="escalation.acknowledged_at", read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(source="escalation.closed_at", read_only=True, allow_null=True)
    overdue = serializers.BooleanField(read_only=True, help_text="受理の期限を過ぎて受理されていないか。")
    closing_note = serializers.CharField(
        source="escalation.closing_note", read_only=True, help_text="対応の内容（職員のみ）。"
    )
    visit = VisitSerializer(source="escalation.visit", read_only=True, help_text="つないだ見守りの記録。")


@extend_schema_serializer(description="受け取ったつなぎの一覧（緊急、受理の期限を過ぎたもの、古いものの順）。")
class EscalationInboxSerializer(serializers.Serializer):
    results = EscalationSerializer(many=True, read_only=True)
