"""Member-to-member services with hours (住民参加型在宅福祉サービス such as ふたばサービス, and ファミリー・サポート・
センター): a scheme run by the 社協, its members (利用会員, 協力会員, 両方会員), requests the coordinator assigns to a
協力会員, the activity reports with their hours and fees, and the ledger of hours and yen.

The ledger is history: an entry is written once and never changed or deleted (AppendOnly, and its queryset
refuses bulk updates). Each activity posts a group of entries that sums to zero per unit (hours, yen); balances
are sums of entries, never stored; a mistake is corrected by a reversing group (negated copies), then a new report.

A member's name, phone and address are the centre's record, read by its staff of the ward only (selectors); a
利用会員 may also name a resident of the register, read through the access policy (tsunagu.volunteers.scope)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import Municipality, home_municipality_id
from tsunagu.core.records import AppendOnly, AppendOnlyError
from tsunagu.people.models import Person


class ServiceScheme(models.Model):
    """A scheme (ふたばサービス, ファミリー・サポート・センター …) of the ward, run by an operator (the 社協)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", default=home_municipality_id, verbose_name=_("区")
    )
    name = models.CharField(_("サービスの名前"), max_length=100)
    operator = models.CharField(_("運営"), max_length=100, help_text=_("例: 大正区社会福祉協議会"))
    description = models.TextField(_("説明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("住民参加型サービス")
        verbose_name_plural = _("住民参加型サービス")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ServiceRate(AppendOnly):
    """The fees a scheme sets from a day on. A change of fees is a new rate from a later day: the old one stays,
    and every report keeps the figures it was priced with (ServiceActivity), so a change never alters the past."""

    history_name = "料金の設定"

    scheme = models.ForeignKey(ServiceScheme, on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField(_("適用開始日"))
    fee_per_hour = models.PositiveIntegerField(_("利用料（1時間あたり・円）"), validators=[MaxValueValidator(100_000)])
    honorarium_per_hour = models.PositiveIntegerField(
        _("協力会員への謝礼（1時間あたり・円）"),
        validators=[MaxValueValidator(100_000)],
        help_text=_("利用料との差額は事務費として運営の口座に入ります。"),
    )
    transport_fee = models.PositiveIntegerField(
        _("交通費（1回あたり・円）"),
        validators=[MaxValueValidator(100_000)],
        help_text=_("利用会員が払い、全額を協力会員に渡します。"),
    )
    unit_minutes = models.PositiveSmallIntegerField(
        _("時間の単位（分）"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("活動時間はこの単位に切り上げ、最低1単位とします。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("料金の設定")
        verbose_name_plural = _("料金の設定")
        ordering = ["scheme", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "valid_from"], name="one_rate_per_scheme_and_day"),
            models.CheckConstraint(
                condition=Q(honorarium_per_hour__lte=models.F("fee_per_hour")), name="honorarium_within_fee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.valid_from}"


class MemberKind(models.TextChoices):
    USER = "user", _("利用会員")
    HELPER = "helper", _("協力会員")
    BOTH = "both", _("両方会員")


USING_KINDS = (MemberKind.USER, MemberKind.BOTH)
HELPING_KINDS = (MemberKind.HELPER, MemberKind.BOTH)


class ServiceMember(models.Model):
    scheme = models.ForeignKey(ServiceScheme, on_delete=models.PROTECT, related_name="members")
    kind = models.CharField(_("会員の種類"), max_length=10, choices=MemberKind.choices)
    number = models.CharField(_("会員番号"), max_length=20)
    # The name exactly as registered; the folded key only for search (STYLE).
    name = models.CharField(_("お名前"), max_length=100)
    name_kana = models.CharField(_("フリガナ"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    # The 協力 side may be a registered volunteer (insurance, skills); the 利用 side may be a resident of the
    # register, opened by the access policy (scope VOLUNTEER_NEED) and chosen through person_or_deny.
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_memberships",
        verbose_name=_("ボランティアの登録"),
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("住民の記録")
    )
    joined_on = models.DateField(_("入会日"))
    left_on = models.DateField(_("退会日"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("会員")
        verbose_name_plural = _("会員")
        ordering = ["scheme", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="one_member_number_per_scheme"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="member_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def uses(self) -> bool:
        return self.kind in USING_KINDS

    @property
    def helps(self) -> bool:
        return self.kind in HELPING_KINDS


class RequestStatus(models.TextChoices):
    OPEN = "open", _("調整中")
    ASSIGNED = "assigned", _("協力会員が決定")
    DONE = "done", _("活動済み")
    CANCELLED = "cancelled", _("取りやめ")


class ServiceRequest(models.Model):
    """A 利用会員 asks for help (what, when, where); the coordinator assigns a 協力会員 (ServiceAssignment)."""

    scheme = models.ForeignKey(ServiceScheme, on_delete=models.PROTECT, related_name="requests")
    member = models.ForeignKey(
        ServiceMember, on_delete=models.PROTECT, related_name="requests", verbose_name=_("利用会員")
    )
    what = models.CharField(_("してほしいこと"), max_length=200)
    starts_at = models.DateTimeField(_("日時"))
    place = models.CharField(_("場所"), max_length=200, blank=True, help_text=_("空欄のときは会員の住所です。"))
    status = models.CharField(_("状態"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("利用の依頼")
        verbose_name_plural = _("利用の依頼")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.what


class ServiceAssignment(models.Model):
    """The 協力会員 the coordinator chose for a request (one per request; changed only before any report)."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="assignment")
    helper = models.ForeignKey(
        ServiceMember, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("協力会員")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("協力会員の決定")
        verbose_name_plural = _("協力会員の決定")

    def __str__(self) -> str:
        return f"{self.request} ← {self.helper}"


class ActivityStatus(models.TextChoices):
    REPORTED = "reported", _("承認待ち")
    APPROVED = "approved", _("承認済み")
    REVERSED = "reversed", _("取り消し")


class ServiceActivity(models.Model):
    """The activity report of an assignment, priced when it is reported with the rate valid on the activity's day;
    the figures are kept here as they were applied. Approval posts the ledger; a reversed report stays as it was
    and a corrected one is a new report of the same assignment."""

    assignment = models.ForeignKey(ServiceAssignment, on_delete=models.PROTECT, related_name="activities")
    activity_on = models.DateField(_("活動日"))
    minutes = models.PositiveSmallIntegerField(
        _("活動時間（分）"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    transport = models.BooleanField(_("交通費あり"), default=False)
    note = models.CharField(_("報告"), max_length=500, blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.REPORTED)
    # The rate applied (copied, so a later change of fees leaves this activity as it was).
    rate = models.ForeignKey(ServiceRate, on_delete=models.PROTECT, related_name="+")
    fee_per_hour = models.PositiveIntegerField(_("利用料（1時間）"))
    honorarium_per_hour = models.PositiveIntegerField(_("謝礼（1時間）"))
    transport_fee = models.PositiveIntegerField(_("交通費（1回）"))
    unit_minutes = models.PositiveSmallIntegerField(_("時間の単位（分）"))
    billed_minutes = models.PositiveSmallIntegerField(_("計算した時間（分）"))
    fee_amount = models.PositiveIntegerField(_("利用料"))
    honorarium_amount = models.PositiveIntegerField(_("謝礼"))
    transport_amount = models.PositiveIntegerField(_("交通費"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reverse_reason = models.CharField(_("取り消しの理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("活動報告")
        verbose_name_plural = _("活動報告")
        ordering = ["-activity_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_amount__gte=models.F("honorarium_amount")), name="fee_covers_honorarium"
            ),
            models.CheckConstraint(
                condition=~Q(status=ActivityStatus.REVERSED) | ~Q(reverse_reason=""), name="reversal_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.activity_on}"

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.billed_minutes) / 60).quantize(Decimal("0.01"))

    @property
    def user_total(self) -> int:
        return self.fee_amount + self.transport_amount


class LedgerUnit(models.TextChoices):
    HOURS = "hours", _("時間")
    YEN = "yen", _("円")


class LedgerComponent(models.TextChoices):
    """What an entry is for: the statement shows hours, fees and transport in their own columns."""

    HOURS = "hours", _("活動時間")
    FEE = "fee", _("利用料")
    HONORARIUM = "honorarium", _("謝礼")
    TRANSPORT = "transport", _("交通費")
    MARGIN = "margin", _("事務費")


class PostingKind(models.TextChoices):
    ACTIVITY = "activity", _("活動")
    REVERSAL = "reversal", _("取り消し（逆仕訳）")


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        # A bulk UPDATE would slip past AppendOnly.save(): the ledger is changed by reversing entries only.
        raise AppendOnlyError(f"{self.model.history_name}は変更できません。")  # the same refusal as AppendOnly


class LedgerEntry(AppendOnly):
    """One movement of hours or yen on an account: a member's, or the scheme's own (member null; it receives the
    margin between the fee and the honorarium). The entries of one posting share `posting` and sum to zero per
    unit (tsunagu.volunteers.services.member_services checks it before writing)."""

    history_name = "台帳の記録"

    scheme = models.ForeignKey(ServiceScheme, on_delete=models.PROTECT, related_name="ledger")
    member = models.ForeignKey(
        ServiceMember, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("会員")
    )
    unit = models.CharField(_("単位"), max_length=10, choices=LedgerUnit.choices)
    component = models.CharField(_("内訳"), max_length=20, choices=LedgerComponent.choices)
    amount = models.DecimalField(_("金額・時間"), max_digits=12, decimal_places=2)
    activity = models.ForeignKey(ServiceActivity, on_delete=models.PROTECT, related_name="entries")
    posting = models.UUIDField(_("仕訳番号"), default=uuid.uuid4, db_index=True)
    kind = models.CharField(_("仕訳の種類"), max_length=20, choices=PostingKind.choices)
    # The day the entry counts on (the activity's day; a reversal's own day) — the statement's month.
    booked_on = models.DateField(_("計上日"))
    reverses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("取り消す記録"),
    )
    memo = models.CharField(_("摘要"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("台帳の記録")
        verbose_name_plural = _("台帳の記録")
        ordering = ["booked_on", "pk"]
        indexes = [models.Index(fields=["member", "unit", "booked_on"])]
        constraints = [
            # An entry is reversed once at most (a second reversal would double the correction).
            models.UniqueConstraint(fields=["reverses"], name="entry_reversed_once"),
            models.CheckConstraint(condition=~Q(amount=0), name="entry_moves_something"),
        ]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.member_id or '-'} {self.amount} {self.unit}"
