"""How the API names a place: a 町丁目 or a 地区 as a small reference object, the same in every app's responses
(one component each in the OpenAPI schema), and the 町丁目 / 地区 filters of its lists."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from tsunagu.areas.models import District, Town
from tsunagu.core.serializers import id_field


@extend_schema_serializer(description="町丁目。")
class TownRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Town
        fields = ["id", "code", "name"]
        read_only_fields = fields


@extend_schema_serializer(description="地区（小学校区・民生委員の担当区域など）。")
class DistrictRefSerializer(serializers.ModelSerializer):
    district_type = serializers.CharField(source="district_type.name", read_only=True, help_text="地区の種類。")

    class Meta:
        model = District
        fields = ["id", "code", "name", "district_type"]
        read_only_fields = fields


UNKNOWN_TOWN_MESSAGE = gettext_lazy("指定された町丁目はありません。")
UNKNOWN_DISTRICT_MESSAGE = gettext_lazy("指定された地区はありません。")


def town_id_field(help_text: str = "町丁目ID。") -> serializers.IntegerField:
    """An optional 町丁目 filter: an ID that exists (an unknown one is a 400 with UNKNOWN_TOWN_MESSAGE)."""
    return id_field(
        help_text, exists=lambda pk: Town.objects.filter(pk=pk).exists(), unknown_message=UNKNOWN_TOWN_MESSAGE
    )


def district_id_field(help_text: str = "地区ID（小学校区など）。") -> serializers.IntegerField:
    """An optional 地区 filter: an ID that exists (an unknown one is a 400 with UNKNOWN_DISTRICT_MESSAGE)."""
    return id_field(
        help_text,
        exists=lambda pk: District.objects.filter(pk=pk).exists(),
        unknown_message=UNKNOWN_DISTRICT_MESSAGE,
    )
