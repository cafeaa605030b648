"""Grants to local activities (つながり応援補助金): a call of the ward with its criteria and budget, applications from
groups through the public form, the staff's review and decision, payments, and the activity reports with photos.

An application names a contact person (name, phone, email): personal data, read by the centre's staff of the
ward only and logged (selectors.grants). What is published (the directory's list of funded activities) is the
group's public part only: group name, activity title, districts and, if the group agreed, the amount."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District, Municipality, home_municipality_id


class GrantCall(models.Model):
    """One call (募集) of the ward: a fiscal year's budget, shared by the applications approved under it."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", default=home_municipality_id, verbose_name=_("区")
    )
    name = models.CharField(_("募集の名前"), max_length=100)
    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text=_("例: 2026（4月始まり）")
    )
    criteria = models.TextField(_("対象と条件"))
    budget = models.PositiveIntegerField(_("予算（円）"), validators=[MinValueValidator(1)])
    max_per_application = models.PositiveIntegerField(_("1件あたりの上限（円）"), validators=[MinValueValidator(1)])
    opens_on = models.DateField(_("受付開始日"))
    closes_on = models.DateField(_("締切日（この日まで）"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("補助金の募集")
        verbose_name_plural = _("補助金の募集")
        ordering = ["-fiscal_year", "-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="grant_call_closes_after_open"
            ),
            models.CheckConstraint(
                condition=Q(max_per_application__lte=models.F("budget")), name="grant_call_max_within_budget"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day) -> bool:  # noqa: ANN001 - a date
        return self.opens_on <= day <= self.closes_on


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("受付")
    UNDER_REVIEW = "under_review", _("審査中")
    APPROVED = "approved", _("交付決定")
    REJECTED = "rejected", _("不採択")


class GrantApplication(models.Model):
    call = models.ForeignKey(GrantCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("募集"))
    # The public id is what the applicant's receipt and the directory's list show; the pk stays internal.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group_name = models.CharField(_("団体名"), max_length=100)
    contact_name = models.CharField(_("担当者のお名前"), max_length=100)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    activity_title = models.CharField(_("活動の名前"), max_length=100)
    description = models.TextField(_("活動の内容"))
    districts = models.ManyToManyField(District, related_name="+", blank=True, verbose_name=_("活動する地区"))
    requested_amount = models.PositiveIntegerField(_("申請額（円）"), validators=[MinValueValidator(1)])
    budget_breakdown = models.TextField(_("経費の内訳"))
    publish_amount = models.BooleanField(_("交付額を公開してよい"), default=False)
    status = models.CharField(
        _("状態"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    approved_amount = models.PositiveIntegerField(_("交付決定額（円）"), null=True, blank=True)
    decision_reason = models.TextField(_("決定の理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("補助金の申請")
        verbose_name_plural = _("補助金の申請")
        ordering = ["-submitted_at", "pk"]
        constraints = [
            # An approved application has its amount; nothing else has one.
            models.CheckConstraint(
                condition=Q(status="approved", approved_amount__isnull=False, approved_amount__gt=0)
                | (~Q(status="approved") & Q(approved_amount__isnull=True)),
                name="grant_amount_only_when_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_name}「{self.activity_title}」"


class GrantPayment(models.Model):
    """A payment of an approved grant (交付). Their sum never exceeds the approved amount (services.grants, under a
    row lock of the application)."""

    application = models.ForeignKey(
        GrantApplication, on_delete=models.PROTECT, related_name="payments", verbose_name=_("申請")
    )
    amount = models.PositiveIntegerField(_("支払額（円）"), validators=[MinValueValidator(1)])
    paid_on = models.DateField(_("支払日"))
    note = models.CharField(_("メモ"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("補助金の支払")
        verbose_name_plural = _("補助金の支払")
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.amount}円"


class GrantReport(models.Model):
    """The group's report of the funded activity (実績報告), recorded by the staff."""

    application = models.ForeignKey(
        GrantApplication, on_delete=models.PROTECT, related_name="reports", verbose_name=_("申請")
    )
    summary = models.TextField(_("活動の報告"))
    participants = models.PositiveIntegerField(_("参加者数"), validators=[MaxValueValidator(100000)])
    spent_amount = models.PositiveIntegerField(_("使った金額（円）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("補助金の活動報告")
        verbose_name_plural = _("補助金の活動報告")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application} の報告"


def report_photo_path(instance: GrantReportPhoto, filename: str) -> str:
    # Kept in the media storage, which is never served: the photo goes out through the staff's page only. The
    # stored name is ours (the uploader's name may carry anything).
    extension = filename.rsplit(".", 1)[-1].lower()[:5]
    return f"volunteers/grants/{instance.report.application_id}/{uuid.uuid4().hex}.{extension}"


class GrantReportPhoto(models.Model):
    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="photos", verbose_name=_("報告"))
    image = models.FileField(_("写真"), upload_to=report_photo_path, max_length=300)
    content_type = models.CharField(max_length=50)
    alt_text = models.CharField(_("写真の説明（代替テキスト）"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活動報告の写真")
        verbose_name_plural = _("活動報告の写真")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.alt_text
