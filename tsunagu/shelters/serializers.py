"""What the shelters API accepts (search, hazard filter) and returns (shelters as published: public places,
not personal data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from tsunagu.core.serializers import (
    BOOLEAN_MESSAGE,
    ModelResponseSerializer,
    PageParamsSerializer,
    PageSerializer,
    QueryBooleanField,
    QueryChoiceField,
    QueryTextField,
)

from .models import HAZARD_FIELDS, Shelter
from .selectors import ShelterFilters, shelter_hazard_labels

QUERY_MAX_LENGTH = 100
HAZARD_KEYS = [name for name, _label in HAZARD_FIELDS]

QUERY_TOO_LONG_MESSAGE = gettext_lazy("検索語は100文字以内で入力してください。")
HAZARD_MESSAGE = gettext_lazy("災害の種類は hazard_flood、hazard_earthquake などの決まった名前で指定してください。")


class ShelterParamsSerializer(PageParamsSerializer):
    """Query parameters of GET /api/shelters/."""

    q = QueryTextField(
        required=False,
        allow_blank=True,
        default="",
        max_length=QUERY_MAX_LENGTH,
        error_messages={"max_length": QUERY_TOO_LONG_MESSAGE},
        help_text="名称・フリガナ・住所の一部（空白で区切るとすべてを含むもの）。100文字まで。",
    )
    hazard = QueryChoiceField(
        choices=HAZARD_KEYS,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"invalid_choice": HAZARD_MESSAGE},
        help_text="その災害の種類に対応する避難場所だけにします（洪水：hazard_flood、地震：hazard_earthquake など）。",
    )
    welfare_only = QueryBooleanField(
        required=False,
        default=False,
        error_messages={"invalid": BOOLEAN_MESSAGE},
        help_text="true で福祉避難所だけにします。",
    )

    def filters(self) -> ShelterFilters:
        data = self.validated_data
        return ShelterFilters(q=data["q"].strip(), hazard=data["hazard"], welfare_only=data["welfare_only"])


@extend_schema_serializer(description="避難場所・避難所（自治体が公開しているもの）。")
class ShelterSerializer(ModelResponseSerializer):
    latitude = serializers.FloatField(read_only=True, allow_null=True, help_text="緯度（世界測地系）。")
    longitude = serializers.FloatField(read_only=True, allow_null=True, help_text="経度（世界測地系）。")
    hazards = serializers.SerializerMethodField(help_text="対応する災害の種類（hazard で絞り込むときの名前）。")
    hazard_labels = serializers.SerializerMethodField(help_text="対応する災害の種類（日本語）。")

    class Meta:
        model = Shelter
        fields = [
            "id",
            "code",
            "local_government_code",
            "name",
            "name_kana",
            "address",
            "latitude",
            "longitude",
            "hazards",
            "hazard_labels",
            "is_designated_shelter",
            "is_welfare_shelter",
            "capacity",
            "target_associations",
            "phone",
            "note",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=HAZARD_KEYS)))
    def get_hazards(self, obj: Shelter) -> list[str]:
        return [name for name in HAZARD_KEYS if getattr(obj, name)]

    def get_hazard_labels(self, obj: Shelter) -> list[str]:
        return shelter_hazard_labels(obj)


@extend_schema_serializer(description="避難場所・避難所の一覧の1ページ（名称の50音順）。")
class ShelterPageSerializer(PageSerializer):
    results = ShelterSerializer(many=True)


@extend_schema_serializer(description="避難先として計画に書かれた避難所。")
class ShelterRefSerializer(ModelResponseSerializer):
    class Meta:
        model = Shelter
        fields = ["id", "name", "is_welfare_shelter"]
        read_only_fields = fields
