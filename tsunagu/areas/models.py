"""Areas of a ward: 町丁目 (towns) and the district layers that group them.

A ward has several ways of dividing itself (小学校区, 出張所管内, 連合町会, 民生委員担当区域 …). Each layer is
a DistrictType; each 町丁目 belongs to exactly one district of each type."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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
            models.UniqueConstraint(fields=["district_type", "code"], name="district_code_unique_per_type")
        ]

    def __str__(self) -> str:
        return self.name


class Town(models.Model):
    """町丁目. The code follows the 町字ID of the address base registry where the ward has it."""

    code = models.CharField("町丁目コード", max_length=20, unique=True)
    name = models.CharField("町丁目名", max_length=100)
    name_kana = models.CharField("ふりがな", max_length=200, blank=True)
    # 7 digits without the hyphen (5510031), as Japan Post's code list writes them; shown as 〒551-0031.
    postal_code = models.CharField(
        "郵便番号", max_length=7, blank=True, validators=[RegexValidator(r"^\d{7}$", _("郵便番号は7桁の数字です。"))]
    )
    districts = models.ManyToManyField(
        District, through="TownDistrict", related_name="towns", verbose_name="地区"
    )

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
        constraints = [
            models.UniqueConstraint(fields=["town", "district_type"], name="one_district_per_type_per_town")
        ]

    def __str__(self) -> str:
        return f"{self.town} → {self.district}"
