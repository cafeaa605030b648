"""What the disaster API accepts (a safety report from a phone, the persons list's and the sync's parameters) and
returns (events, an event's persons with their current status, safety reports).

A person is shown with the roster's items a supporter needs to find and reach them (names, address, phone) and
where they live on the map, all of the community level of tsunagu.access.policy.DETAIL_FIELDS: the least any
disaster-time grant shows. Nothing of the full level (宛名番号, 要介護度, 手帳 …) is ever in these answers."""

from __future__ import annotations

import datetime
import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.utils import html

from tsunagu.access.policy import DETAIL_FIELDS, DetailLevel
from tsunagu.areas.serializers import DistrictRefSerializer, TownRefSerializer
from tsunagu.core.serializers import (
    ID_MESSAGE,
    MAX_ID,
    AwareDateTimeField,
    BodyTextField,
    ModelResponseSerializer,
    PageParamsSerializer,
    integer_messages,
)

from .models import DisasterEvent, DisasterKind, SafetyReport, SafetyStatus
from .selectors.phone import Origin, PhonePersonRow
from .services.events import BAD_STATUS_MESSAGE

OBSERVED_AT_MESSAGE = gettext_lazy(
    "確認した日時は、時差をつけた ISO 8601 の形式（例：2026-06-01T14:30:00+09:00）で指定してください。"
)
SINCE_MESSAGE = gettext_lazy(
    "since は、時差をつけた ISO 8601 の日時（例：2026-06-01T14:30:00+09:00）で指定してください。"
)
NEAR_MESSAGE = gettext_lazy(
    "near は「緯度,経度」の形（例：34.6651,135.4727。緯度は-90〜90、経度は-180〜180）で指定してください。"
)
CLIENT_ID_MESSAGE = gettext_lazy("記録ID（client_id）は UUID の形式で指定してください。")
PLACE_LENGTH_MESSAGE = gettext_lazy("場所は200文字以内で入力してください。")
NOTE_LENGTH_MESSAGE = gettext_lazy("メモは1000文字以内で入力してください。")
PLACE_MAX_LENGTH = SafetyReport._meta.get_field("place").max_length
NOTE_MAX_LENGTH = SafetyReport._meta.get_field("note").max_length

# 緯度,経度 in decimal degrees, each within its range, as the schema's pattern: a client that follows it is never
# refused, so the pattern itself holds the ranges (|緯度| ≤ 90, |経度| ≤ 180).
_LATITUDE = r"-?(?:90(?:\.0{1,15})?|[1-8]?[0-9](?:\.[0-9]{1,15})?)"
_LONGITUDE = r"-?(?:180(?:\.0{1,15})?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]{1,15})?)"
NEAR_PATTERN = rf"^{_LATITUDE},{_LONGITUDE}$"
_NEAR = re.compile(rf"({_LATITUDE}),({_LONGITUDE})")

# A status is reported by choosing what was found; 未確認 is the absence of a report, never reported.
REPORTABLE_STATUSES = [(value, label) for value, label in SafetyStatus.choices if value != SafetyStatus.UNCONFIRMED]

# The person's items in these answers: all of the community level (the least a disaster-time grant shows).
PERSON_FIELDS = frozenset(
    {
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "town",
        "address",
        "address_extra",
        "phone",
        "latitude",
        "longitude",
    }
)
LOCATION_SHOWN = {"latitude", "longitude"} <= DETAIL_FIELDS[DetailLevel.COMMUNITY]


# -- Input ----------------------------------------------------------------------------------------------


class _QueryValue:
    """A query parameter sent empty (`?since=`) reaches validation as "" and is refused like any value its type
    does not admit (DRF would take it as absent and answer a request its schema calls wrong)."""

    def get_value(self, dictionary: object) -> object:
        value = super().get_value(dictionary)  # type: ignore[misc]
        if html.is_html_input(dictionary) and self.field_name in dictionary and dictionary.get(self.field_name) == "":  # type: ignore[attr-defined]
            return ""
        return value


class NearField(_QueryValue, serializers.CharField):
    """Where the phone is, 「緯度,経度」: exactly what the pattern admits (no spaces, no exponent)."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("error_messages", {}).update({"invalid": NEAR_MESSAGE, "blank": NEAR_MESSAGE})
        super().__init__(**kwargs)
        self.validators = [RegexValidator(NEAR_PATTERN, message=NEAR_MESSAGE)]

    def to_internal_value(self, data: object) -> Origin:
        match = _NEAR.fullmatch(data) if isinstance(data, str) else None
        if match is None:
            raise serializers.ValidationError(NEAR_MESSAGE)
        return Origin(latitude=float(match.group(1)), longitude=float(match.group(2)))

    def run_validators(self, value: object) -> None:
        pass  # to_internal_value checked the pattern; the validator above documents it in the schema


class ObservedAtField(AwareDateTimeField):
    message = OBSERVED_AT_MESSAGE


class SinceField(_QueryValue, AwareDateTimeField):
    """`since` of a sync: any RFC 3339 date-time. One that cannot be expressed in UTC (year 1 with a positive
    offset, year 9999 with a negative one) stands for the earliest or latest moment, not for an error."""

    message = SINCE_MESSAGE

    def enforce_timezone(self, value):  # noqa: ANN001, ANN201
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail("naive")
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError:
            if value.year < 2:
                return datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
            return datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC)


class ReportTextField(BodyTextField):
    """Free text typed on a phone (a place, a note)."""


def _id_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages={**integer_messages(ID_MESSAGE), "required": ID_MESSAGE, "null": ID_MESSAGE},
        help_text=help_text,
    )


@extend_schema_serializer(description="安否の報告（スマートフォンから）。")
class SafetyReportCreateSerializer(serializers.Serializer):
    """The body of POST /api/disaster/reports/."""

    event_id = _id_field("災害のID。")
    person_id = _id_field("安否を確認した方の住民ID。")
    status = serializers.ChoiceField(
        choices=REPORTABLE_STATUSES,
        error_messages={
            "invalid_choice": BAD_STATUS_MESSAGE,
            "required": BAD_STATUS_MESSAGE,
            "null": BAD_STATUS_MESSAGE,
        },
        help_text="確認した安否（safe：無事・在宅、evacuated：避難済、needs_help：要救助・要支援、injured：負傷、"
        "unreachable：連絡つかず、absent：不在、hospital：入院・施設）。未確認は報告がないことで、送りません。",
    )
    observed_at = ObservedAtField(
        required=False,
        allow_null=True,
        default=None,
        help_text="確認した日時（時差つきの ISO 8601）。省略すると受け付けた時刻。オフラインでためた記録は、"
        "確認したときの日時を送ります（受け付けた日時は別に残ります）。",
    )
    place = ReportTextField(
        max_length=PLACE_MAX_LENGTH,
        length_message=PLACE_LENGTH_MESSAGE,
        help_text="場所（避難先・搬送先など。200文字まで）。",
    )
    note = ReportTextField(
        max_length=NOTE_MAX_LENGTH, length_message=NOTE_LENGTH_MESSAGE, help_text="メモ（1000文字まで）。"
    )
    client_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid": CLIENT_ID_MESSAGE},
        help_text="端末で作った記録ID（UUID）。同じIDで送り直した記録は1件として扱い、保存済みの記録を 200 で"
        "返します。",
    )


class SafetyPersonsParamsSerializer(PageParamsSerializer):
    """Query parameters of GET /api/disaster/events/{event_id}/persons/."""

    near = NearField(
        required=False,
        help_text="端末のいる場所「緯度,経度」（世界測地系、10進の度。例：34.6651,135.4727）。指定すると近い順"
        "（住所の位置がわからない方は最後）に並べ、各行に距離を付けます。省略するとフリガナ順。位置は並べ替えに"
        "使うだけで、記録しません。",
    )


class SafetyReportSyncParamsSerializer(serializers.Serializer):
    """Query parameters of GET /api/disaster/events/{event_id}/reports/."""

    since = SinceField(
        required=False,
        help_text="この日時以後に受け付けた報告だけ（時差つきの ISO 8601。前回の応答の until をそのまま渡します）。"
        "省略するとはじめから。",
    )


# -- Output ---------------------------------------------------------------------------------------------


@extend_schema_serializer(
    description="送られた内容の誤り。detail に全体、errors に項目ごとのメッセージ（本文がJSONとして読めないときは"
    "detail だけ）。"
)
class SafetyReportErrorSerializer(serializers.Serializer):
    """A 400 to POST /api/disaster/reports/: as tsunagu.core.api's validation error, but a body that is not JSON
    at all is answered with `detail` only (a parse error has no field to name)."""

    detail = serializers.CharField(help_text="利用者に示せる日本語のメッセージ。")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="項目名（または non_field_errors）ごとのメッセージ。",
    )


@extend_schema_serializer(description="災害（訓練を含む）。名称と日時だけで、個人情報は含みません。")
class DisasterEventSerializer(ModelResponseSerializer):
    disaster_kind = serializers.ChoiceField(
        source="kind", choices=DisasterKind.choices, read_only=True, help_text="災害の種類。"
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, help_text="災害の種類の表示。")
    is_active = serializers.SerializerMethodField(help_text="いま災害時の提供が行われているか（開始後で終了前）。")
    districts = DistrictRefSerializer(many=True, read_only=True, help_text="対象の地区。")

    class Meta:
        model = DisasterEvent
        fields = [
            "id",
            "name",
            "disaster_kind",
            "kind_label",
            "is_drill",
            "is_active",
            "started_at",
            "planned_end_at",
            "ended_at",
            "districts",
        ]
        read_only_fields = fields

    def get_is_active(self, obj: DisasterEvent) -> bool:
        return obj.is_active_at(self.context["now"])


@extend_schema_serializer(description="この利用者が安否確認に加われる災害の一覧（新しい順）。")
class DisasterEventListSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(
        help_text="この一覧を求めた利用者のID。端末にためた送信待ちの報告は、この利用者の分だけを送ります。"
    )
    results = DisasterEventSerializer(many=True)


@extend_schema_serializer(
    description="災害で安否を確認する方（名簿の項目のうち、訪ねたり電話したりするのに使うものと、いまの安否）。"
)
class SafetyPersonSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(source="person.pk", read_only=True, help_text="住民ID。")
    family_name = serializers.CharField(source="person.family_name", read_only=True, help_text="氏。")
    given_name = serializers.CharField(source="person.given_name", read_only=True, help_text="名。")
    family_name_kana = serializers.CharField(source="person.family_name_kana", read_only=True)
    given_name_kana = serializers.CharField(source="person.given_name_kana", read_only=True)
    town = TownRefSerializer(source="person.town", read_only=True)
    address = serializers.CharField(source="person.address", read_only=True, help_text="番地。")
    address_extra = serializers.CharField(source="person.address_extra", read_only=True, help_text="方書。")
    phone = serializers.CharField(source="person.phone", read_only=True, help_text="電話番号。")
    latitude = serializers.SerializerMethodField(help_text="住所の緯度（わからなければ null）。")
    longitude = serializers.SerializerMethodField(help_text="住所の経度（わからなければ null）。")
    distance_m = serializers.SerializerMethodField(
        help_text="near からの距離（メートル、整数）。near を指定しないとき、住所の位置がわからないときは null。"
    )
    safety_status = serializers.SerializerMethodField(
        help_text="いまの安否（最後に確認した報告。なければ unconfirmed）。"
    )
    status_label = serializers.SerializerMethodField(help_text="いまの安否の表示。")
    observed_at = serializers.SerializerMethodField(help_text="いまの安否を確認した日時（未確認なら null）。")
    has_conflict = serializers.SerializerMethodField(
        help_text="近い時刻に食い違う報告（無事と要救助など）があるか。区役所の画面で並べて確かめます。"
    )

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_latitude(self, obj: PhonePersonRow) -> float | None:
        value = obj.person.latitude
        return float(value) if LOCATION_SHOWN and value is not None else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_longitude(self, obj: PhonePersonRow) -> float | None:
        value = obj.person.longitude
        return float(value) if LOCATION_SHOWN and value is not None else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_distance_m(self, obj: PhonePersonRow) -> int | None:
        return round(obj.distance_m) if LOCATION_SHOWN and obj.distance_m is not None else None

    @extend_schema_field(serializers.ChoiceField(choices=SafetyStatus.choices))
    def get_safety_status(self, obj: PhonePersonRow) -> str:
        return obj.current.status if obj.current else SafetyStatus.UNCONFIRMED.value

    def get_status_label(self, obj: PhonePersonRow) -> str:
        return str(SafetyStatus(self.get_safety_status(obj)).label)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_observed_at(self, obj: PhonePersonRow) -> str | None:
        return serializers.DateTimeField().to_representation(obj.current.observed_at) if obj.current else None

    def get_has_conflict(self, obj: PhonePersonRow) -> bool:
        return bool(obj.current and obj.current.has_conflict)


@extend_schema_serializer(description="災害で安否を確認する方の一覧（1ページ分）。")
class SafetyPersonPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="この利用者が見られる、この災害の対象の方の総数。")
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text="総ページ数（0件でも1）。")
    page_size = serializers.IntegerField()
    nearest_first = serializers.BooleanField(help_text="near からの近い順か（false ならフリガナ順）。")
    results = SafetyPersonSerializer(many=True)


@extend_schema_serializer(description="安否の報告1件（保存されたとおり。報告は変更も削除もされません）。")
class SafetyReportSerializer(ModelResponseSerializer):
    event_id = serializers.IntegerField(read_only=True, help_text="災害のID。")
    person_id = serializers.IntegerField(read_only=True, help_text="住民ID。")
    safety_status = serializers.ChoiceField(
        source="status", choices=SafetyStatus.choices, read_only=True, help_text="報告された安否。"
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True, help_text="安否の表示。")
    shelter_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="避難先の避難所のID（なければ null）。"
    )
    shelter_name = serializers.SerializerMethodField(help_text="避難先の避難所の名称（なければ null）。")
    reported_by = serializers.StringRelatedField(read_only=True, help_text="報告した方の表示名。")

    class Meta:
        model = SafetyReport
        fields = [
            "id",
            "event_id",
            "person_id",
            "safety_status",
            "status_label",
            "place",
            "shelter_id",
            "shelter_name",
            "note",
            "observed_at",
            "received_at",
            "reported_by",
            "client_id",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_shelter_name(self, obj: SafetyReport) -> str | None:
        return obj.shelter.name if obj.shelter_id else None


@extend_schema_serializer(description="受け付けた安否の報告（同期用。受け付けた順）。")
class SafetyReportSyncSerializer(serializers.Serializer):
    results = SafetyReportSerializer(many=True)
    until = serializers.DateTimeField(
        help_text="次に同期するときの since（同じ報告がもう一度含まれることがあります。id で重複を除いてください）。"
    )
    more = serializers.BooleanField(help_text="まだ続きがあるか（true なら until を since にしてすぐ続きを求めます）。")
