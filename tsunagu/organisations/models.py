"""Organisations, their members, and the personal-data agreements (個人情報の取扱いに関する協定) that let a
community organisation see residents of the districts it covers."""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    WARD_WELFARE = "ward_welfare", _("区役所（福祉部門）")
    WARD_OTHER = "ward_other", _("区役所（その他の課）")
    SHAKYO = "shakyo", _("社会福祉協議会")
    CARE_PLAZA = "care_plaza", _("地域包括支援センター・地域ケアプラザ")
    MINSEI = "minsei", _("民生委員児童委員協議会")
    NEIGHBOURHOOD = "neighbourhood", _("自治会・町内会")
    DISASTER = "disaster", _("自主防災組織")
    NPO = "npo", _("NPO・ボランティア団体")


# Professional organisations whose staff sign in with two factors and see residents without an agreement.
STAFF_KINDS = frozenset(
    {OrganisationKind.WARD_WELFARE, OrganisationKind.WARD_OTHER, OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA}
)


class Organisation(models.Model):
    name = models.CharField("名称", max_length=150)
    kind = models.CharField("種別", max_length=20, choices=OrganisationKind.choices)
    service_districts = models.ManyToManyField(
        "areas.District",
        blank=True,
        related_name="serving_organisations",
        verbose_name="担当地区",
        help_text=_("社協・地域包括支援センターが担当する地区。"),
    )
    phone = models.CharField("電話番号", max_length=30, blank=True)
    address = models.CharField("所在地", max_length=200, blank=True)
    is_active = models.BooleanField("活動中", default=True)

    class Meta:
        verbose_name = "団体"
        verbose_name_plural = "団体"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    STAFF = "staff", _("職員")
    MANAGER = "manager", _("代表者・名簿管理者")
    MEMBER = "member", _("会員")
    COMMISSIONER = "commissioner", _("民生委員・児童委員")


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="利用者"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name="団体"
    )
    role = models.CharField("役割", max_length=20, choices=MembershipRole.choices)
    districts = models.ManyToManyField(
        "areas.District",
        blank=True,
        related_name="+",
        verbose_name="担当区域",
        help_text=_("空なら団体の範囲すべて。民生委員の担当区域など、団体の範囲をさらに絞るときに指定します。"),
    )
    started_on = models.DateField("開始日", default=datetime.date.today)
    ended_on = models.DateField("終了日", null=True, blank=True)

    class Meta:
        verbose_name = "所属"
        verbose_name_plural = "所属"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.organisation}（{self.get_role_display()}）"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class DataScope(models.TextChoices):
    """Which personal data an agreement covers."""

    ROSTER = "roster", _("避難行動要支援者名簿")
    WATCH = "watch", _("見守り対象者情報")


class ConsentRequirement(models.TextChoices):
    REQUIRED = "required", _("本人の同意がある方のみ")
    # 推定同意: asked by letter, and no refusal by the reply date.
    PRESUMED = "presumed", _("確認書に期限までに回答がない方も含む（推定同意）")
    # Opt-out: everyone except those who refused.
    OPT_OUT = "opt_out", _("不同意の申出がない方（オプトアウト）")
    NOT_REQUIRED = "not_required", _("同意を要しない（条例・災害時）")


class ConsentMode(models.TextChoices):
    """The ward's ordinance mode for sharing the roster in normal times (条例の定め), from the setting
    TSUNAGU_ROSTER_CONSENT_MODE (docs/consent.md)."""

    REQUIRED = "required", _("本人の同意がある方にのみ提供する（同意方式）")
    PRESUMED = "presumed", _("確認書に期限までに回答がない方は同意とみなす（推定同意）")
    OPT_OUT = "opt_out", _("不同意の申出がない限り提供する（条例による提供・オプトアウト）")


MODE_SETTING_MESSAGE = "TSUNAGU_ROSTER_CONSENT_MODE must be one of: required, presumed, opt_out"

_MODE_REQUIREMENT = {
    ConsentMode.REQUIRED: ConsentRequirement.REQUIRED,
    ConsentMode.PRESUMED: ConsentRequirement.PRESUMED,
    ConsentMode.OPT_OUT: ConsentRequirement.OPT_OUT,
}


def consent_mode() -> ConsentMode:
    value = getattr(settings, "TSUNAGU_ROSTER_CONSENT_MODE", ConsentMode.REQUIRED)
    try:
        return ConsentMode(value)
    except ValueError:
        raise ImproperlyConfigured(MODE_SETTING_MESSAGE) from None


def default_consent_requirement() -> str:
    """The consent requirement a new agreement starts with (admin, forms, code): the ward's ordinance mode."""
    return _MODE_REQUIREMENT[consent_mode()].value


class Agreement(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreements", verbose_name="団体"
    )
    title = models.CharField("協定名", max_length=150, default="個人情報の取扱いに関する協定")
    districts = models.ManyToManyField("areas.District", related_name="agreements", verbose_name="対象地区")
    data_scopes = models.JSONField("対象とする情報", default=list, help_text=_("DataScope の値のリスト"))
    consent_requirement = models.CharField(
        "同意の要件", max_length=20, choices=ConsentRequirement.choices, default=default_consent_requirement
    )
    valid_from = models.DateField("有効期間（開始）")
    valid_to = models.DateField("有効期間（終了）")
    document_reference = models.CharField("協定書の文書番号", max_length=100)
    signed_on = models.DateField("締結日", null=True, blank=True)
    revoked_at = models.DateTimeField("解除日時", null=True, blank=True)
    revoked_reason = models.CharField("解除理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "個人情報の取扱いに関する協定"
        verbose_name_plural = "個人情報の取扱いに関する協定"
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")), name="agreement_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}：{self.title}（{self.document_reference}）"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to

    def covers(self, scope: str) -> bool:
        return scope in (self.data_scopes or [])
