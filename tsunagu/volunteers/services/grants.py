"""Writes of the grants to local activities (つながり応援補助金): calls, the public application, review and decision,
payments and activity reports with photos. Staff writes check MANAGE_VOLUNTEERS and the call's ward and write their
audit row in the same transaction; the public application is guarded like the volunteer registration
(tsunagu.volunteers.public_forms) and logged without an actor.

Money rules, here only: an approved amount is at most the call's per-application maximum and at most what is left of
the call's budget; payments of an application never sum above its approved amount. Both are checked under a row
lock (the call's, the application's), so two staff deciding or paying at once cannot overshoot."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from tsunagu.access.policy import Capability, require_capability, viewer_for
from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese import normalize_phone

from ..models import (
    ApplicationStatus,
    GrantApplication,
    GrantCall,
    GrantPayment,
    GrantReport,
    GrantReportPhoto,
)
from ..public_forms import TOO_MANY, count_submission, submission_allowed

GRANT_FORM = "grant"
NOT_YOUR_WARD = _("ほかの区の募集は扱えません。")
CALL_CLOSED = _("この募集は受付期間ではありません。")
ABOVE_MAX = _("1件あたりの上限（%(max)s円）を超えています。")
ABOVE_BUDGET = _("募集の予算の残り（%(left)s円）を超えています。")
NEED_CONTACT = _("メールアドレスか電話番号のどちらかを入力してください。")
NOT_DECIDABLE = _("この申請はすでに決定済みです。")
NEED_REASON = _("不採択の理由を入力してください。")
NOT_APPROVED = _("交付決定した申請だけ、支払や報告を記録できます。")
ABOVE_APPROVED = _("支払の合計が交付決定額を超えます（あと%(left)s円まで）。")
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
TOO_MANY_PHOTOS = _("写真は1回の報告に5枚までです。")
PHOTO_TOO_BIG = _("写真「%(name)s」が大きすぎます（5MBまで）。")
PHOTO_NOT_IMAGE = _("「%(name)s」は写真として読めません。JPEG・PNG・WebP の画像を選んでください。")
NEED_ALT = _("写真ごとに、写っている様子の説明を入力してください（画面を読み上げて使う方のためです）。")


class GrantRefused(Exception):  # noqa: N818 - the product's word for it
    pass


def _wards(actor) -> frozenset[int]:  # noqa: ANN001
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    return viewer_for(actor).municipality_ids


def _check_ward(actor, municipality_id: int) -> None:  # noqa: ANN001
    if municipality_id not in _wards(actor):
        raise GrantRefused(NOT_YOUR_WARD)


def call_create(
    *,
    actor,  # noqa: ANN001
    municipality_id: int,
    name: str,
    fiscal_year: int,
    criteria: str,
    budget: int,
    max_per_application: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    request: HttpRequest | None = None,
) -> GrantCall:
    _check_ward(actor, municipality_id)
    with transaction.atomic():
        call = GrantCall.objects.create(
            municipality_id=municipality_id,
            name=name.strip(),
            fiscal_year=fiscal_year,
            criteria=criteria.strip(),
            budget=budget,
            max_per_application=max_per_application,
            opens_on=opens_on,
            closes_on=closes_on,
        )
        audit_record(
            actor=actor, action=AuditAction.CREATE, target_type=AuditTarget.GRANT_CALL, target_ids=[call.pk],
            request=request,
        )  # fmt: skip
    return call


def application_submit(
    *,
    call: GrantCall,
    ip: str,
    group_name: str,
    contact_name: str,
    email: str = "",
    phone: str = "",
    activity_title: str,
    description: str,
    districts: Iterable[District] = (),
    requested_amount: int,
    budget_breakdown: str,
    publish_amount: bool = False,
    today: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> GrantApplication:
    """An application from the public form (no sign-in), while the call is open."""
    today = today or timezone.localdate()
    if not submission_allowed(GRANT_FORM, ip):
        raise GrantRefused(TOO_MANY)
    if not call.is_open_on(today):
        raise GrantRefused(CALL_CLOSED)
    if requested_amount > call.max_per_application:
        raise GrantRefused(ABOVE_MAX % {"max": f"{call.max_per_application:,}"})
    if not (email.strip() or phone.strip()):
        raise GrantRefused(NEED_CONTACT)
    count_submission(GRANT_FORM, ip)
    with transaction.atomic():
        application = GrantApplication.objects.create(
            call=call,
            group_name=group_name.strip(),
            contact_name=contact_name.strip(),
            email=email.strip(),
            phone=normalize_phone(phone),
            activity_title=activity_title.strip(),
            description=description.strip(),
            requested_amount=requested_amount,
            budget_breakdown=budget_breakdown.strip(),
            publish_amount=publish_amount,
        )
        application.districts.set([d for d in districts if d.municipality_id == call.municipality_id])
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            target_type=AuditTarget.GRANT_APPLICATION,
            target_ids=[application.pk],
            detail={"public_form": True},
            request=request,
            username="（公開の申請フォーム）",
        )
    return application


def approved_total(call: GrantCall, *, excluding: GrantApplication | None = None) -> int:
    qs = GrantApplication.objects.filter(call=call, status=ApplicationStatus.APPROVED)
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.aggregate(total=Sum("approved_amount"))["total"] or 0


def paid_total(application: GrantApplication) -> int:
    return application.payments.aggregate(total=Sum("amount"))["total"] or 0


def _locked(actor, application: GrantApplication) -> GrantApplication:  # noqa: ANN001
    _check_ward(actor, application.call.municipality_id)
    return GrantApplication.objects.select_for_update().select_related("call").get(pk=application.pk)


def application_start_review(*, actor, application: GrantApplication, request: HttpRequest | None = None) -> None:  # noqa: ANN001
    with transaction.atomic():
        app = _locked(actor, application)
        if app.status != ApplicationStatus.SUBMITTED:
            raise GrantRefused(NOT_DECIDABLE)
        app.status = ApplicationStatus.UNDER_REVIEW
        app.save(update_fields=["status"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target_type=AuditTarget.GRANT_APPLICATION, target_ids=[app.pk],
            detail={"status": app.status}, request=request,
        )  # fmt: skip


def application_decide(
    *,
    actor,  # noqa: ANN001
    application: GrantApplication,
    approve: bool,
    amount: int | None = None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> GrantApplication:
    """Approve with an amount (within the per-application maximum and the call's remaining budget) or reject
    with a reason. A decision is final here: a changed decision is a new application."""
    with transaction.atomic():
        app = _locked(actor, application)
        if app.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
            raise GrantRefused(NOT_DECIDABLE)
        if approve:
            # The call's row lock serialises decisions under one call, so the budget check holds.
            call = GrantCall.objects.select_for_update().get(pk=app.call_id)
            if not amount or amount < 1:
                raise GrantRefused(_("交付決定額を入力してください。"))
            if amount > call.max_per_application:
                raise GrantRefused(ABOVE_MAX % {"max": f"{call.max_per_application:,}"})
            left = call.budget - approved_total(call, excluding=app)
            if amount > left:
                raise GrantRefused(ABOVE_BUDGET % {"left": f"{left:,}"})
            app.status, app.approved_amount = ApplicationStatus.APPROVED, amount
        else:
            if not reason.strip():
                raise GrantRefused(NEED_REASON)
            app.status, app.approved_amount = ApplicationStatus.REJECTED, None
        app.decision_reason = reason.strip()
        app.decided_by, app.decided_at = actor, timezone.now()
        app.save(update_fields=["status", "approved_amount", "decision_reason", "decided_by", "decided_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target_type=AuditTarget.GRANT_APPLICATION, target_ids=[app.pk],
            detail={"status": app.status, "amount": app.approved_amount}, request=request,
        )  # fmt: skip
    return app


def payment_record(
    *,
    actor,  # noqa: ANN001
    application: GrantApplication,
    amount: int,
    paid_on: datetime.date,
    note: str = "",
    request: HttpRequest | None = None,
) -> GrantPayment:
    with transaction.atomic():
        app = _locked(actor, application)
        if app.status != ApplicationStatus.APPROVED:
            raise GrantRefused(NOT_APPROVED)
        left = (app.approved_amount or 0) - paid_total(app)
        if amount > left:
            raise GrantRefused(ABOVE_APPROVED % {"left": f"{left:,}"})
        payment = GrantPayment.objects.create(
            application=app, amount=amount, paid_on=paid_on, note=note.strip(), recorded_by=actor
        )
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target_type=AuditTarget.GRANT_APPLICATION, target_ids=[app.pk],
            detail={"payment": payment.pk, "amount": amount}, request=request,
        )  # fmt: skip
    return payment


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile
    content_type: str
    alt_text: str


def check_photos(files: Sequence[UploadedFile], alt_texts: Sequence[str]) -> list[CheckedPhoto]:
    """Each upload is opened with Pillow (the name and the browser's type are not trusted) and must be a JPEG, PNG
    or WebP within the size limit; each needs its description, since the photos are shown to staff who may use a
    screen reader."""
    if len(files) > MAX_PHOTOS:
        raise GrantRefused(TOO_MANY_PHOTOS)
    checked = []
    for i, upload in enumerate(files):
        alt = alt_texts[i].strip() if i < len(alt_texts) else ""
        if not alt:
            raise GrantRefused(NEED_ALT)
        if upload.size is None or upload.size > MAX_PHOTO_BYTES:
            raise GrantRefused(PHOTO_TOO_BIG % {"name": upload.name})
        try:
            upload.seek(0)
            with Image.open(io.BytesIO(upload.read())) as image:
                image.verify()
                image_format = image.format
        # A decompression bomb (a small file of huge dimensions) is refused like any unreadable file.
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
            raise GrantRefused(PHOTO_NOT_IMAGE % {"name": upload.name}) from None
        if image_format not in PHOTO_FORMATS:
            raise GrantRefused(PHOTO_NOT_IMAGE % {"name": upload.name})
        upload.seek(0)
        checked.append(CheckedPhoto(upload=upload, content_type=PHOTO_FORMATS[image_format], alt_text=alt[:200]))
    return checked


def report_record(
    *,
    actor,  # noqa: ANN001
    application: GrantApplication,
    summary: str,
    participants: int,
    spent_amount: int,
    photos: Sequence[CheckedPhoto] = (),
    request: HttpRequest | None = None,
) -> GrantReport:
    with transaction.atomic():
        app = _locked(actor, application)
        if app.status != ApplicationStatus.APPROVED:
            raise GrantRefused(NOT_APPROVED)
        report = GrantReport.objects.create(
            application=app,
            summary=summary.strip(),
            participants=participants,
            spent_amount=spent_amount,
            recorded_by=actor,
        )
        for photo in photos:
            GrantReportPhoto.objects.create(
                report=report, image=photo.upload, content_type=photo.content_type, alt_text=photo.alt_text
            )
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target_type=AuditTarget.GRANT_APPLICATION, target_ids=[app.pk],
            detail={"report": report.pk, "photos": len(photos)}, request=request,
        )  # fmt: skip
    return report
