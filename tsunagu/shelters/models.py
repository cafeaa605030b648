"""指定緊急避難場所・指定避難所 as municipalities publish them (デジタル庁 自治体標準オープンデータセット or the
国土地理院 list), plus 福祉避難所 marked by the ward."""

from __future__ import annotations

from django.db import models
from django.db.models import Case, Value, When
from django.utils.translation import gettext_lazy as _

# The eight hazard kinds of the open-data layout (災害種別_…), in its column order.
HAZARD_FIELDS = (
    ("hazard_flood", "洪水"),
    ("hazard_landslide", "崖崩れ、土石流及び地滑り"),
    ("hazard_storm_surge", "高潮"),
    ("hazard_earthquake", "地震"),
    ("hazard_tsunami", "津波"),
    ("hazard_fire", "大規模な火事"),
    ("hazard_inland_flood", "内水氾濫"),
    ("hazard_volcano", "火山現象"),
)


class ShelterQuerySet(models.QuerySet):
    def in_kana_order(self) -> ShelterQuerySet:
        """50音 order of the reading (名称_カナ, stored as full-width katakana, whose code points run in 50音
        order, so the order is the same on SQLite and on PostgreSQL whatever its collation). A shelter
        published without a reading cannot be placed among the others: those come after, by name."""
        without_reading = Case(When(name_kana="", then=Value(1)), default=Value(0))
        return self.order_by(without_reading.asc(), "name_kana", "name", "pk")


class Shelter(models.Model):
    code = models.CharField(_("ID"), max_length=40, unique=True)
    local_government_code = models.CharField(_("全国地方公共団体コード"), max_length=6, blank=True)
    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("名称（カナ）"), max_length=200, blank=True)
    address = models.CharField(_("所在地"), max_length=300, blank=True)
    latitude = models.DecimalField(_("緯度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("経度"), max_digits=9, decimal_places=6, null=True, blank=True)
    hazard_flood = models.BooleanField(_("洪水"), default=False)
    hazard_landslide = models.BooleanField(_("崖崩れ、土石流及び地滑り"), default=False)
    hazard_storm_surge = models.BooleanField(_("高潮"), default=False)
    hazard_earthquake = models.BooleanField(_("地震"), default=False)
    hazard_tsunami = models.BooleanField(_("津波"), default=False)
    hazard_fire = models.BooleanField(_("大規模な火事"), default=False)
    hazard_inland_flood = models.BooleanField(_("内水氾濫"), default=False)
    hazard_volcano = models.BooleanField(_("火山現象"), default=False)
    is_designated_shelter = models.BooleanField(_("指定避難所との重複"), default=False)
    is_welfare_shelter = models.BooleanField(_("福祉避難所"), default=False)
    capacity = models.PositiveIntegerField(_("想定収容人数"), null=True, blank=True)
    target_associations = models.CharField(_("対象となる町会・自治会"), max_length=500, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    note = models.CharField(_("備考"), max_length=500, blank=True)

    objects = ShelterQuerySet.as_manager()

    class Meta:
        verbose_name = _("避難場所・避難所")
        verbose_name_plural = _("避難場所・避難所")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
