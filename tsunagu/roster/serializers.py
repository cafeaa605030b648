"""What the roster API accepts (the list filters) and returns (builds, and entries of the current build).

An entry is returned at the detail level the policy grants for its person (tsunagu.access.policy.DETAIL_FIELDS):
community users get the roster's items as 災害対策基本法 49条の10 lists them and the reasons (事由);
professionals also the support attributes the build recorded (要介護度, 手帳, 難病 …). The fields of each
level's serializer are taken from DETAIL_FIELDS, so the policy, not this module, decides what a level shows.
"""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from tsunagu.access.api import DetailLevelField
from tsunagu.access.policy import DETAIL_FIELDS, DetailLevel
from tsunagu.areas.serializers import TownRefSerializer, district_id_field, town_id_field
from tsunagu.core.serializers import (
    ModelResponseSerializer,
    PageParamsSerializer,
    PageSerializer,
    read_only_choice_field,
)
from tsunagu.people.models import Person

from .models import RosterBuild
from .selectors import RosterPage, RosterRow

# -- Input ----------------------------------------------------------------------------------------------


class RosterEntryParamsSerializer(PageParamsSerializer):
    """Query parameters of GET /api/roster/entries/."""

    district = district_id_field("地区ID（小学校区など）。その地区の町丁目の方だけにします。")
    town = town_id_field("町丁目ID。")


# -- Builds ---------------------------------------------------------------------------------------------


@extend_schema_serializer(description="名簿の版（番号と基準日）。")
class RosterBuildRefSerializer(ModelResponseSerializer):
    class Meta:
        model = RosterBuild
        fields = ["number", "reference_date"]
        read_only_fields = fields


@extend_schema_serializer(description="名簿の版（名簿を管理する区役所の職員が見る一覧の1行）。")
class RosterBuildSerializer(ModelResponseSerializer):
    built_by = serializers.SerializerMethodField(help_text="作成した利用者のユーザー名（自動の作成では null）。")

    class Meta:
        model = RosterBuild
        fields = ["number", "reference_date", "built_at", "built_by", "person_count"]
        read_only_fields = fields

    def get_built_by(self, obj: RosterBuild) -> str | None:
        return obj.built_by.get_username() if obj.built_by_id else None


@extend_schema_serializer(description="名簿の版の一覧の1ページ（新しい版から）。")
class RosterBuildPageSerializer(PageSerializer):
    results = RosterBuildSerializer(many=True)


# -- Entries --------------------------------------------------------------------------------------------


def _person_choice(name: str, help_text: str) -> serializers.ChoiceField:
    """A coded item of the entry, coded as the same Person field (the entry is a snapshot of it)."""
    return read_only_choice_field(Person._meta.get_field(name), source=f"entry.{name}", help_text=help_text)


def _entry_text(name: str, help_text: str) -> serializers.CharField:
    return serializers.CharField(source=f"entry.{name}", read_only=True, help_text=help_text)


def _entry_flag(name: str, help_text: str) -> serializers.BooleanField:
    return serializers.BooleanField(source=f"entry.{name}", read_only=True, help_text=help_text)


class _RosterEntrySerializer(serializers.Serializer):
    """Every item an entry can show; each level keeps the ones DETAIL_FIELDS gives it (see get_fields)."""

    level: DetailLevel = DetailLevel.COMMUNITY
    # Not items of the person: which person, and which level the row is shaped for.
    ENVELOPE = ("person_id", "detail_level")

    person_id = serializers.IntegerField(source="entry.person_id", read_only=True, help_text="住民ID。")
    family_name = _entry_text("family_name", "氏（名簿作成時の登録どおり）。")
    given_name = _entry_text("given_name", "名。")
    family_name_kana = _entry_text("family_name_kana", "氏のフリガナ。")
    given_name_kana = _entry_text("given_name_kana", "名のフリガナ。")
    birth_date = serializers.DateField(source="entry.birth_date", read_only=True, help_text="生年月日。")
    sex = _person_choice("sex", "性別。")
    town = TownRefSerializer(source="entry.town", read_only=True)
    address = _entry_text("address", "番地。")
    address_extra = _entry_text("address_extra", "方書（建物名・部屋番号）。")
    phone = _entry_text("phone", "電話番号。")
    roster_reasons = serializers.ListField(
        source="reasons",
        child=serializers.CharField(),
        read_only=True,
        help_text="避難支援等を必要とする事由（この版の作成時に記録されたもの）。",
    )
    care_level = _person_choice("care_level", "要介護度（なしは空文字）。")
    physical_disability_type = _person_choice("physical_disability_type", "身体障害者手帳の種別（なしは空文字）。")
    physical_disability_grade = _person_choice("physical_disability_grade", "身体障害者手帳の等級（なしは null）。")
    intellectual_disability_grade = _person_choice("intellectual_disability_grade", "療育手帳の判定（なしは空文字）。")
    mental_disability_grade = _person_choice("mental_disability_grade", "精神障害者保健福祉手帳の等級（なしは null）。")
    intractable_disease = _entry_flag("intractable_disease", "難病。")
    lives_alone = _entry_flag("lives_alone", "ひとり暮らし。")
    elderly_only_household = _entry_flag("elderly_only_household", "高齢者のみ世帯。")

    def get_fields(self) -> dict[str, serializers.Field]:
        allowed = DETAIL_FIELDS[self.level]
        fields = super().get_fields()
        shown = {name: field for name, field in fields.items() if name in self.ENVELOPE or name in allowed}
        shown["detail_level"] = DetailLevelField(self.level)
        return {name: shown[name] for name in ("person_id", "detail_level", *fields) if name in shown}


@extend_schema_serializer(
    description="名簿の1人（community：協定を結んだ団体が見る範囲。49条の10の項目と事由だけ）。"
)
class RosterEntryCommunitySerializer(_RosterEntrySerializer):
    level = DetailLevel.COMMUNITY


@extend_schema_serializer(
    description="名簿の1人（full：区役所・社協・包括の職員が見る範囲。49条の10の項目と事由に、支援に関する情報を加えたもの）。"
)
class RosterEntryFullSerializer(_RosterEntrySerializer):
    level = DetailLevel.FULL


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="RosterEntry",
        serializers=[RosterEntryFullSerializer, RosterEntryCommunitySerializer],
        resource_type_field_name=None,
        many=True,
    )
)
class _RosterEntriesField(serializers.ListField):
    """Rows of either level (see `roster_entry_rows`); declared so the schema shows both shapes."""


@extend_schema_serializer(description="名簿（最新の版）の1ページ。町丁目・住所の順。")
class RosterEntryPageSerializer(PageSerializer):
    build = RosterBuildRefSerializer(allow_null=True, help_text="表示している版（名簿がまだなければ null）。")
    results = _RosterEntriesField(child=serializers.DictField())


def roster_entry_rows(rows: list[RosterRow]) -> list[dict]:
    """Each row at the level the policy grants for its person (RosterRow.full)."""
    return [(RosterEntryFullSerializer if row.full else RosterEntryCommunitySerializer)(row).data for row in rows]


def roster_page_data(result: RosterPage) -> dict:
    return {
        "build": RosterBuildRefSerializer(result.build).data if result.build is not None else None,
        "count": result.total,
        "page": result.page,
        "pages": result.pages,
        "page_size": result.page_size,
        "results": roster_entry_rows(result.rows),
    }
