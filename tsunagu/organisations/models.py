"""Organisations, their members, and the personal-data agreements (個人情報の取扱いに関する協定) that let a
community organisation see residents of the districts it covers."""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    WARD_WELFARE = "ward_welfare", _("区役所（福祉部門）")
    WARD_OTHER = "ward_other", _("区役所（その他の課）")
    # The ward's 防災 section: no personal data in normal times; a disaster event opens its districts.
    WARD_DISASTER = "ward_disaster", _("区役所（防災担当）")
    SHAKYO = "shakyo", _("社会福祉協議会")
    CARE_PLAZA = "care_plaza", _("地域包括支援センター・地域ケアプラザ")
    MINSEI = "minsei", _("民生委員児童委員協議会")
    NEIGHBOURHOOD = "neighbourhood", _("自治会・町内会")
    DISASTER = "disaster", _("自主防災組織")
    NPO = "npo", _("NPO・ボランティア団体")
    # 避難支援等関係者 by law; like the 防災 section, they see persons only while a disaster event is in force
    # (or through an agreement).
    FIRE = "fire", _("消防")
    POLICE = "police", _("警察")
    # City-level sections of a designated city (their organisation belongs to the city's municipality).
    CITY_WELFARE = "city_welfare", _("市役所（福祉局）")
    CITY_CRISIS = "city_crisis", _("市役所（危機管理室）")
    # Consultation agencies of 重層的支援体制 (cases): staff with two factors, but no resident list of their own.
    DISABILITY_SUPPORT = "disability_support", _("障害者相談支援事業所")
    CHILD_FAMILY = "child_family", _("子ども家庭支援")
    SELF_RELIANCE = "self_reliance", _("自立相談支援機関")
    GUARDIANSHIP = "guardianship", _("成年後見センター")


# Professional organisations whose staff sign in with two factors and see residents without an agreement.
STAFF_KINDS = frozenset(
    {
        OrganisationKind.WARD_WELFARE,
        OrganisationKind.WARD_OTHER,
        OrganisationKind.WARD_DISASTER,
        OrganisationKind.SHAKYO,
        OrganisationKind.CARE_PLAZA,
        OrganisationKind.CITY_WELFARE,
        OrganisationKind.CITY_CRISIS,
        # Staff for two factors only: ScopeRule.staff_grant opens no residents to these kinds (roster, watch and
        # disaster lists stay with the ward, 社協 and care plazas), and they hold no agreements; they see the
        # persons of the cases whose team they are on (tsunagu.cases.scope).
        OrganisationKind.DISABILITY_SUPPORT,
        OrganisationKind.CHILD_FAMILY,
        OrganisationKind.SELF_RELIANCE,
        OrganisationKind.GUARDIANSHIP,
    }
)
# The agencies that open cases, take referrals and sit on case teams (tsunagu.cases).
CASE_AGENCY_KINDS = frozenset(
    {
        OrganisationKind.WARD_WELFARE,
        OrganisationKind.CITY_WELFARE,
        OrganisationKind.SHAKYO,
        OrganisationKind.CARE_PLAZA,
        OrganisationKind.DISABILITY_SUPPORT,
        OrganisationKind.CHILD_FAMILY,
        OrganisationKind.SELF_RELIANCE,
        OrganisationKind.GUARDIANSHIP,
    }
)
# Kinds whose organisation is the city's, not a ward's: they reach across the city's wards where their rule says.
CITY_KINDS = frozenset({OrganisationKind.CITY_WELFARE, OrganisationKind.CITY_CRISIS})


def home_municipality_id() -> int:
    """The default municipality of an organisation: the instance's home ward (areas.Municipality.home). Looked up
    by name, as the organisations and areas apps stand side by side and do not import each other."""
    return apps.get_model("areas", "Municipality").home().pk


class Organisation(models.Model):
    name = models.CharField("名称", max_length=150)
    kind = models.CharField("種別", max_length=20, choices=OrganisationKind.choices)
    municipality = models.ForeignKey(
        "areas.Municipality",
        verbose_name=_("市区町村"),
        on_delete=models.PROTECT,
        related_name="organisations",
        default=home_municipality_id,
        help_text=_("区の団体はその区、市の局・室は市。"),
    )
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

    def municipality_ids(self) -> frozenset[int]:
        """The municipalities whose districts this organisation may serve or agree on: its ward; a city-level
        organisation's city and its wards."""
        if self.kind in CITY_KINDS:
            return self.municipality.with_wards_ids()
        return frozenset({self.municipality_id})


OUTSIDE_WARD_MESSAGE = _("団体の区の外の地区は指定できません（協定の対象地区・担当地区・担当区域）。")


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
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} / {self.organisation}（{self.get_role_display()}）"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class DataScope(models.TextChoices):
    """Which personal data an agreement covers."""

    ROSTER = "roster", _("避難行動要支援者名簿")
    WATCH = "watch", _("見守り対象者情報")
    # Never shared by agreement: a case is seen by the agencies on its team only (tsunagu.cases.scope).
    CASE = "case", _("相談支援記録")
    # Never shared by agreement: staff by area, and the agency owning an open outreach item (tsunagu.cases.scope).
    OUTREACH = "outreach", _("アウトリーチ対象者情報")
    # Never shared by agreement: a need's requester, opened to the volunteer centre and to the volunteers who
    # accepted the need (tsunagu.volunteers.scope).
    VOLUNTEER_NEED = "volunteer_need", _("ボランティア依頼者情報")


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

    def clean_districts(self, districts) -> None:  # noqa: ANN001 - District instances or a queryset
        """An agreement reaches only districts of its organisation's ward (the admin's form calls this; the
        m2m_changed guard below refuses any other way of adding one)."""
        allowed = self.organisation.municipality_ids()
        if any(d.municipality_id not in allowed for d in districts):
            raise ValidationError(OUTSIDE_WARD_MESSAGE)

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to

    def covers(self, scope: str) -> bool:
        return scope in (self.data_scopes or [])


def _districts_in_ward(organisation: Organisation, model: type[models.Model], pk_set: set[int] | None) -> None:
    if (
        pk_set
        and model.objects.filter(pk__in=pk_set).exclude(municipality_id__in=organisation.municipality_ids()).exists()
    ):
        raise ValidationError(OUTSIDE_WARD_MESSAGE)


def _guard_districts(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:  # noqa: ANN001, ANN003
    """A ward's organisation, agreement or member never reaches another ward's districts, however the districts
    are set (admin, services, demo, tests): refused before the rows are added."""
    if action != "pre_add" or reverse:
        return
    if isinstance(instance, Organisation):
        _districts_in_ward(instance, model, pk_set)
    elif isinstance(instance, Agreement | Membership):
        _districts_in_ward(instance.organisation, model, pk_set)


models.signals.m2m_changed.connect(_guard_districts, sender=Organisation.service_districts.through)
models.signals.m2m_changed.connect(_guard_districts, sender=Agreement.districts.through)
models.signals.m2m_changed.connect(_guard_districts, sender=Membership.districts.through)
