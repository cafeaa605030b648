"""Areas of a ward: the municipalities (a city and its wards), 町丁目 (towns) and the district layers that group
them.

One instance may serve several wards of a designated city, or several municipalities: each is a Municipality
keyed by its 全国地方公共団体コード, and every town and district belongs to one of them. A ward has several ways
of dividing itself (小学校区, 出張所管内, 連合町会, 民生委員担当区域 …). Each layer is a DistrictType; each 町丁目
belongs to exactly one district of each type."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LOCAL_GOVERNMENT_CODE_MESSAGE = _("全国地方公共団体コード「%(value)s」が正しくありません（検査数字つきの6桁）")


def local_government_check_digit(first_five: str) -> int:
    """The check digit of a 全国地方公共団体コード (総務省): the five digits weighted 6, 5, 4, 3, 2, summed; the
    ones digit of 11 minus the remainder of the sum by 11 (大阪市 27100 → 4, 大正区 27108 → 0)."""
    remainder = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True)) % 11
    return (11 - remainder) % 10


def validate_local_government_code(value: str) -> None:
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(LOCAL_GOVERNMENT_CODE_MESSAGE, code="invalid", params={"value": value})
    if local_government_check_digit(value[:5]) != int(value[5]):
        raise ValidationError(LOCAL_GOVERNMENT_CODE_MESSAGE, code="check_digit", params={"value": value})


# 大阪市大正区, the ward the settings name by default (TSUNAGU_WARD_NAME). An instance serving another ward sets
# TSUNAGU_MUNICIPALITY_CODE before its first migration, or corrects the code in the admin afterwards.
HOME_CODE_PLACEHOLDER = "271080"


class Municipality(models.Model):
    """A municipality this instance serves: a ward of a designated city (大正区), a city (大阪市, whose wards
    point at it) or a town or village. Towns, districts, organisations and roster builds belong to one."""

    code = models.CharField(
        _("全国地方公共団体コード"), max_length=6, unique=True, validators=[validate_local_government_code]
    )
    name = models.CharField(_("名称"), max_length=60)
    # What a postal address puts before the town's name (大阪府大阪市大正区 + 泉尾一丁目 + 1-2-3).
    full_name = models.CharField(_("住所の表記"), max_length=100, help_text=_("例：大阪府大阪市大正区"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("市"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wards",
        help_text=_("政令指定都市の区のとき、その市。"),
    )

    class Meta:
        verbose_name = _("市区町村")
        verbose_name_plural = _("市区町村")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def home(cls) -> "Municipality":
        """The municipality an instance serving one ward runs for, from the settings (created when missing):
        TSUNAGU_MUNICIPALITY_CODE, TSUNAGU_WARD_NAME, TSUNAGU_MUNICIPALITY_NAME. Rows made without a
        municipality (a single-ward instance's imports, older code) belong to it."""
        ward = getattr(settings, "TSUNAGU_WARD_NAME", "")
        municipality, _created = cls.objects.get_or_create(
            code=getattr(settings, "TSUNAGU_MUNICIPALITY_CODE", HOME_CODE_PLACEHOLDER),
            defaults={"name": ward, "full_name": f"{getattr(settings, 'TSUNAGU_MUNICIPALITY_NAME', '')}{ward}"},
        )
        return municipality

    def postal_parts(self) -> tuple[str, str]:
        """(prefecture and city, ward) as a postal address and a letter print them: 大阪府大阪市, 大正区. The home
        municipality is named by the settings, as a single-ward instance always was; the others by their row."""
        if self.code == getattr(settings, "TSUNAGU_MUNICIPALITY_CODE", HOME_CODE_PLACEHOLDER):
            return getattr(settings, "TSUNAGU_MUNICIPALITY_NAME", ""), getattr(settings, "TSUNAGU_WARD_NAME", "")
        return self.full_name.removesuffix(self.name), self.name

    @property
    def city(self) -> "Municipality":
        """The city a ward belongs to; a municipality without a parent is its own."""
        return self.parent if self.parent_id else self

    def with_wards_ids(self) -> frozenset[int]:
        """This municipality and, for a city, its wards."""
        return frozenset({self.pk, *self.wards.values_list("pk", flat=True)})


def municipality_postal_parts(municipality_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Municipality.postal_parts of several municipalities, in one query (letters printed in bulk)."""
    return {m.pk: m.postal_parts() for m in Municipality.objects.filter(pk__in=municipality_ids)}


def home_municipality_id() -> int:
    """Default of every municipality foreign key: the home municipality (Municipality.home)."""
    return Municipality.home().pk


class DistrictType(models.Model):
    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    sort_order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        verbose_name = "地区の種類"
        verbose_name_plural = "地区の種類"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("市区町村"),
        on_delete=models.PROTECT,
        related_name="districts",
        default=home_municipality_id,
    )
    district_type = models.ForeignKey(
        DistrictType, verbose_name="種類", on_delete=models.PROTECT, related_name="districts"
    )
    code = models.CharField("コード", max_length=40)
    name = models.CharField("名称", max_length=100)
    name_kana = models.CharField("ふりがな", max_length=200, blank=True)

    class Meta:
        verbose_name = "地区"
        verbose_name_plural = "地区"
        ordering = ["district_type__sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "district_type", "code"], name="district_code_unique_per_ward_and_type"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Town(models.Model):
    """町丁目. The code follows the 町字ID of the address base registry where the ward has it."""

    code = models.CharField("町丁目コード", max_length=20, unique=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("市区町村"),
        on_delete=models.PROTECT,
        related_name="towns",
        default=home_municipality_id,
    )
    name = models.CharField("町丁目名", max_length=100)
    name_kana = models.CharField("ふりがな", max_length=200, blank=True)
    # 7 digits without the hyphen (5510031), as Japan Post's code list writes them; shown as 〒551-0031.
    postal_code = models.CharField(
        "郵便番号", max_length=7, blank=True, validators=[RegexValidator(r"^\d{7}$", _("郵便番号は7桁の数字です。"))]
    )
    districts = models.ManyToManyField(District, through="TownDistrict", related_name="towns", verbose_name="地区")

    class Meta:
        verbose_name = "町丁目"
        verbose_name_plural = "町丁目"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def postal_code_display(self) -> str:
        """「551-0031」, or "" when the town has no postal code."""
        code = self.postal_code
        return f"{code[:3]}-{code[3:]}" if len(code) == 7 else code


class TownDistrict(models.Model):
    """A town's district of one type. district_type repeats district.district_type so the database itself
    can hold the rule "one district of each type per town"."""

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="town_districts")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="town_districts")
    district_type = models.ForeignKey(DistrictType, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "町丁目の所属地区"
        verbose_name_plural = "町丁目の所属地区"
        constraints = [models.UniqueConstraint(fields=["town", "district_type"], name="one_district_per_type_per_town")]

    def __str__(self) -> str:
        return f"{self.town} → {self.district}"

    def clean(self) -> None:
        if self.town_id and self.district_id and self.town.municipality_id != self.district.municipality_id:
            raise ValidationError(_("町丁目と地区は同じ区のものにしてください。"))
