"""What the API accepts (the search parameters) and returns (residents) for people.

A person is returned at one of two detail levels, the one the access policy grants (see
tsunagu.access.policy.DetailLevel): FULL for professionals, COMMUNITY for agreement holders, which has the
roster's items only (no 宛名番号, household, history, consent records nor support attributes). Each level is its
own serializer, and its fields are chosen from DETAIL_FIELDS: every output key names the person fields it shows
(OUTPUT_FIELDS), and a serializer keeps the keys whose fields its level may show. A field added to a shape is
therefore left out of the community level unless the policy lets that level show it.
"""

import datetime

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from tsunagu.access.api import DetailLevelField
from tsunagu.access.policy import DETAIL_FIELDS, DetailLevel
from tsunagu.areas.models import District, Town
from tsunagu.areas.serializers import TownRefSerializer
from tsunagu.core import serializers as core_serializers
from tsunagu.core.serializers import (
    BOOLEAN_MESSAGE,
    ID_MESSAGE,
    PAGE_MESSAGE,
    PAGE_SIZE_MESSAGE,
    ModelResponseSerializer,
    QueryBooleanField,
    QueryIntegerField,
    QueryTextField,
)
from tsunagu.core.serializers import CONTROL_CHARACTER_MESSAGE as CONTROL_CHARACTER_MESSAGE
from tsunagu.core.serializers import TEXT_MESSAGE as TEXT_MESSAGE
from tsunagu.core.wareki import age_on, format_wareki, parse_birth_date, today_jst
from tsunagu.people.models import Consent, Household, Person, ResidencyEvent
from tsunagu.registry.selectors import SEARCH_MAX_PAGE_SIZE, PersonDetail

# The shared input pieces (QueryTextField, IDs, page window and their messages) live in tsunagu.core.serializers;
# their names are kept here for the persons API's callers and tests.
QUERY_MAX_LENGTH = 100
MAX_PAGE = core_serializers.MAX_PAGE
DEFAULT_PAGE_SIZE = core_serializers.DEFAULT_PAGE_SIZE

QUERY_TOO_LONG_MESSAGE = gettext_lazy("検索語は100文字以内で入力してください。")
UNKNOWN_TOWN_MESSAGE = gettext_lazy("指定された町丁目はありません。")
UNKNOWN_DISTRICT_MESSAGE = gettext_lazy("指定された地区はありません。")
BIRTH_TOO_LONG_MESSAGE = gettext_lazy("生年月日は40文字以内で入力してください。")

_MAX_ID = core_serializers.MAX_ID
_integer_messages = core_serializers.integer_messages


class PersonSearchParamsSerializer(serializers.Serializer):
    """Query parameters of GET /api/persons/ (also documented from here in the OpenAPI schema)."""

    q = QueryTextField(
        required=False,
        allow_blank=True,
        default="",
        max_length=QUERY_MAX_LENGTH,
        error_messages={"max_length": QUERY_TOO_LONG_MESSAGE},
        help_text="氏名またはフリガナ（ひらがな・カタカナ・異体字のどれでも。例：たかはし で 髙橋 も見つかる）。"
        "数字だけなら宛名番号とも照合します。100文字まで。",
    )
    town = QueryIntegerField(
        required=False,
        min_value=1,
        max_value=_MAX_ID,
        error_messages=_integer_messages(ID_MESSAGE),
        help_text="町丁目ID。",
    )
    district = QueryIntegerField(
        required=False,
        min_value=1,
        max_value=_MAX_ID,
        error_messages=_integer_messages(ID_MESSAGE),
        help_text="地区ID（小学校区など）。",
    )
    birth = QueryTextField(
        required=False,
        allow_blank=True,
        default="",
        max_length=40,
        error_messages={"max_length": BIRTH_TOO_LONG_MESSAGE},
        help_text="生年月日。和暦・西暦のどちらでも（例：昭和15年5月3日、S15.5.3、1940-05-03）。",
    )
    include_former = QueryBooleanField(
        required=False,
        default=False,
        error_messages={"invalid": BOOLEAN_MESSAGE},
        help_text="転出・死亡した方も含める（見られるのは区役所の福祉部門だけです）。",
    )
    page = QueryIntegerField(
        required=False,
        default=1,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages=_integer_messages(PAGE_MESSAGE),
        help_text="ページ番号（1から）。",
    )
    page_size = QueryIntegerField(
        required=False,
        default=DEFAULT_PAGE_SIZE,
        min_value=1,
        max_value=SEARCH_MAX_PAGE_SIZE,
        error_messages=_integer_messages(PAGE_SIZE_MESSAGE),
        help_text="1ページの件数（1〜200、既定50）。",
    )

    def validate_town(self, value: int) -> int:
        if not Town.objects.filter(pk=value).exists():
            raise serializers.ValidationError(UNKNOWN_TOWN_MESSAGE)
        return value

    def validate_district(self, value: int) -> int:
        if not District.objects.filter(pk=value).exists():
            raise serializers.ValidationError(UNKNOWN_DISTRICT_MESSAGE)
        return value

    def validate_birth(self, value: str) -> datetime.date | None:
        if not value.strip():
            return None
        try:
            return parse_birth_date(value)
        except ValueError as exc:
            # parse_birth_date's messages are written for the user (和暦 ranges, impossible days …).
            raise serializers.ValidationError(str(exc)) from None


# -- Output ---------------------------------------------------------------------------------------------


@extend_schema_serializer(description="世帯。")
class HouseholdRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "number"]
        read_only_fields = fields


@extend_schema_serializer(description="異動履歴の1件。")
class ResidencyEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidencyEvent
        fields = ["id", "kind", "occurred_on", "details", "recorded_at"]
        read_only_fields = fields


@extend_schema_serializer(description="同意の記録の1件（追記のみ。撤回も新しい記録になります）。")
class ConsentRecordSerializer(serializers.ModelSerializer):
    # Named consent_status, not status: the schema would otherwise have two different enums called "status".
    consent_status = serializers.ChoiceField(
        source="status", choices=Consent._meta.get_field("status").choices, read_only=True, help_text="同意の状況。"
    )
    recipient_kinds = serializers.SerializerMethodField(
        help_text="提供先として同意した団体の種別。空の一覧はすべての種別。"
    )

    class Meta:
        model = Consent
        fields = ["id", "scope", "consent_status", "recipient_kinds", "given_by", "method", "decided_on", "recorded_at"]
        read_only_fields = fields

    def get_recipient_kinds(self, obj: Consent) -> list[str]:
        return [kind for kind in obj.recipient_kinds.split("|") if kind]


# What each output key shows of the person, as names of DETAIL_FIELDS. Empty: not a person field (the record's
# id, its level, and why the viewer may see it).
OUTPUT_FIELDS: dict[str, frozenset[str]] = {
    "id": frozenset(),
    "detail_level": frozenset(),
    "full_name": frozenset({"family_name", "given_name"}),
    "full_name_kana": frozenset({"family_name_kana", "given_name_kana"}),
    "family_name": frozenset({"family_name"}),
    "given_name": frozenset({"given_name"}),
    "family_name_kana": frozenset({"family_name_kana"}),
    "given_name_kana": frozenset({"given_name_kana"}),
    "birth_date": frozenset({"birth_date"}),
    "birth_date_wareki": frozenset({"birth_date"}),
    "age": frozenset({"birth_date"}),
    "sex": frozenset({"sex"}),
    "town": frozenset({"town"}),
    "address": frozenset({"address"}),
    "address_extra": frozenset({"address_extra"}),
    "phone": frozenset({"phone"}),
    "care_level": frozenset({"care_level"}),
    "physical_disability_type": frozenset({"physical_disability_type"}),
    "physical_disability_grade": frozenset({"physical_disability_grade"}),
    "intellectual_disability_grade": frozenset({"intellectual_disability_grade"}),
    "mental_disability_grade": frozenset({"mental_disability_grade"}),
    "intractable_disease": frozenset({"intractable_disease"}),
    "lives_alone": frozenset({"lives_alone"}),
    "elderly_only_household": frozenset({"elderly_only_household"}),
    "grants": frozenset(),
    "resident_number": frozenset({"resident_number"}),
    "status": frozenset({"status"}),
    "status_changed_on": frozenset({"status_changed_on"}),
    "household": frozenset({"household"}),
    "events": frozenset({"events"}),
    "consents": frozenset({"consents"}),
}

# The two shapes, in output order. A list row is short (no phone, support attributes or history); the detail
# is everything. Each level keeps the keys it may show.
_LIST_KEYS = (
    "id",
    "detail_level",
    "full_name",
    "full_name_kana",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "birth_date_wareki",
    "age",
    "sex",
    "town",
    "address",
    "address_extra",
    "resident_number",
    "status",
    "status_changed_on",
)
_DETAIL_KEYS = (
    *_LIST_KEYS[: _LIST_KEYS.index("resident_number")],
    "phone",
    "care_level",
    "physical_disability_type",
    "physical_disability_grade",
    "intellectual_disability_grade",
    "mental_disability_grade",
    "intractable_disease",
    "lives_alone",
    "elderly_only_household",
    "grants",
    "resident_number",
    "status",
    "status_changed_on",
    "household",
    "events",
    "consents",
)


def fields_for(level: DetailLevel, keys: tuple[str, ...]) -> list[str]:
    """The output keys of `keys` that `level` may show, in order: each key's person fields (OUTPUT_FIELDS) must
    all be in DETAIL_FIELDS[level]. A key missing from OUTPUT_FIELDS is a programming error, not shown."""
    allowed = DETAIL_FIELDS[level]
    return [key for key in keys if OUTPUT_FIELDS[key] <= allowed]


class _PersonSerializer(ModelResponseSerializer):
    """Fields shared by every level. Subclasses set `level` and Meta.fields (with fields_for)."""

    level: DetailLevel = DetailLevel.COMMUNITY

    # One value per level (an enum of that value in the schema), so a response matches exactly one level's shape.
    detail_level = DetailLevelField(DetailLevel.COMMUNITY)
    full_name = serializers.CharField(read_only=True, help_text="氏名（登録されたとおりの表記）。")
    full_name_kana = serializers.CharField(read_only=True, help_text="フリガナ。")
    birth_date_wareki = serializers.SerializerMethodField(help_text="生年月日の和暦表記（例：昭和15年5月3日）。")
    age = serializers.SerializerMethodField(help_text="今日（日本時間）の満年齢。")
    town = TownRefSerializer(read_only=True)

    class Meta:
        model = Person
        fields = fields_for(DetailLevel.COMMUNITY, _LIST_KEYS)
        read_only_fields = fields

    def get_birth_date_wareki(self, obj: Person) -> str:
        return format_wareki(obj.birth_date)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_age(self, obj: Person) -> int | None:
        today = self.context.get("today") or today_jst()
        # A birth date after today is a data error to fix in the registry, not a reason to fail the request.
        return age_on(obj.birth_date, today) if obj.birth_date <= today else None


@extend_schema_serializer(description="検索結果の1行（community：協定を結んだ団体が見る範囲）。")
class PersonListCommunitySerializer(_PersonSerializer):
    """A search result row at the community level."""

    class Meta(_PersonSerializer.Meta):
        fields = fields_for(DetailLevel.COMMUNITY, _LIST_KEYS)
        read_only_fields = fields


@extend_schema_serializer(
    description="検索結果の1行（full：区役所・社協・包括の職員が見る範囲。宛名番号と住民状態を含む）。"
)
class PersonListFullSerializer(_PersonSerializer):
    """A search result row at the full level: adds 宛名番号 and the registry status."""

    level = DetailLevel.FULL
    detail_level = DetailLevelField(DetailLevel.FULL)

    class Meta(_PersonSerializer.Meta):
        fields = fields_for(DetailLevel.FULL, _LIST_KEYS)
        read_only_fields = fields


@extend_schema_serializer(
    description="住民の詳細（community：名簿の項目だけ。宛名番号・世帯・履歴・同意の記録・支援に関する情報は含みません）。"
)
class PersonDetailCommunitySerializer(_PersonSerializer):
    """One person at the community level: the roster items (災害対策基本法 49条の10), nothing internal."""

    grants = serializers.SerializerMethodField(help_text="この方を見られる理由（所属団体・協定）。")

    class Meta(_PersonSerializer.Meta):
        fields = fields_for(DetailLevel.COMMUNITY, _DETAIL_KEYS)
        read_only_fields = fields

    def get_grants(self, obj: Person) -> list[str]:
        return [grant.label for grant in self.context["detail"].grants]


@extend_schema_serializer(
    description="住民の詳細（full：宛名番号・世帯・異動履歴・同意の記録・支援に関する情報を含む）。"
)
class PersonDetailFullSerializer(PersonDetailCommunitySerializer):
    """One person at the full level: adds 宛名番号, household, residency history, consent records and the
    support attributes."""

    level = DetailLevel.FULL
    detail_level = DetailLevelField(DetailLevel.FULL)

    household = HouseholdRefSerializer(read_only=True, allow_null=True)
    events = serializers.SerializerMethodField(help_text="異動履歴（古い順）。")
    consents = serializers.SerializerMethodField(help_text="同意の記録（新しい順。先頭が現在有効なもの）。")

    class Meta(PersonDetailCommunitySerializer.Meta):
        fields = fields_for(DetailLevel.FULL, _DETAIL_KEYS)
        read_only_fields = fields

    @extend_schema_field(ResidencyEventSerializer(many=True))
    def get_events(self, obj: Person) -> list[dict]:
        return ResidencyEventSerializer(self.context["detail"].events, many=True).data

    @extend_schema_field(ConsentRecordSerializer(many=True))
    def get_consents(self, obj: Person) -> list[dict]:
        return ConsentRecordSerializer(self.context["detail"].consents, many=True).data


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="PersonListItem",
        serializers=[PersonListFullSerializer, PersonListCommunitySerializer],
        resource_type_field_name=None,
        many=True,
    )
)
class _PersonRowsField(serializers.ListField):
    """Rows of either level (see `person_rows`); declared so the schema shows both shapes."""


@extend_schema_serializer(description="検索・一覧の1ページ。")
class PersonPageSerializer(serializers.Serializer):
    """Documents the list response; rows are built by `person_rows`."""

    count = serializers.IntegerField(help_text="条件に合い、閲覧できる住民の総数。")
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text="総ページ数（0件でも1）。")
    page_size = serializers.IntegerField()
    results = _PersonRowsField(child=serializers.DictField())


def person_rows(persons: list[Person], *, full_ids: set[int], today: datetime.date) -> list[dict]:
    """Search result rows, each at the level the policy grants for that person."""
    context = {"today": today}
    return [
        (PersonListFullSerializer if person.pk in full_ids else PersonListCommunitySerializer)(
            person, context=context
        ).data
        for person in persons
    ]


def person_detail_data(detail: PersonDetail, *, today: datetime.date) -> dict:
    serializer_class = PersonDetailFullSerializer if detail.is_full else PersonDetailCommunitySerializer
    return serializer_class(detail.person, context={"detail": detail, "today": today}).data
