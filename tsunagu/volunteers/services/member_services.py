"""Writes of member-to-member services with hours: schemes and their fees, members, requests, assignments,
activity reports, their approval (which posts the ledger) and the reversal of a posting. Each write checks the
centre's capability and the scheme's ward, and writes its audit row in the same transaction.

The ledger (tsunagu.volunteers.service_models.LedgerEntry) is written here only. An approved activity posts:

- hours: the 協力会員 +h, the 利用会員 −h (member to member, as a time bank: nobody else holds hours);
- yen: the 利用会員 −(fee + transport), the 協力会員 +(honorarium + transport), the scheme +(fee − honorarium).

Every posting sums to zero per unit (`check_balanced`, before anything is written). A correction posts the
negated copies of the entries (a reversal) and marks the report reversed; the corrected report is a new one."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access.policy import Capability, require_capability, viewer_for
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese import kana_search_key, normalize_phone
from tsunagu.people.models import Person

from ..models import (
    ActivityStatus,
    LedgerComponent,
    LedgerEntry,
    LedgerUnit,
    MemberKind,
    PostingKind,
    RequestStatus,
    ServiceActivity,
    ServiceAssignment,
    ServiceMember,
    ServiceRate,
    ServiceRequest,
    ServiceScheme,
    Volunteer,
)

NOT_YOUR_WARD = _("ほかの区のサービスは扱えません。")
NO_RATE = _("活動日に有効な料金の設定がありません。先に料金を設定してください。")
RATE_EXISTS = _("この日から始まる料金の設定がすでにあります。")
HONORARIUM_ABOVE_FEE = _("謝礼は利用料より多くできません。")
NUMBER_TAKEN = _("この会員番号はすでに使われています。")
NOT_A_USER = _("利用会員（または両方会員）だけが依頼できます。")
NOT_A_HELPER = _("協力会員（または両方会員）を選んでください。")
SAME_MEMBER = _("依頼した会員本人を協力会員にはできません。")
MEMBER_LEFT = _("退会した会員は選べません。")
NOT_OPEN = _("この依頼は、もう協力会員を変えられません。")
NOT_ASSIGNED = _("協力会員が決まった依頼だけ、活動を報告できます。")
REPORT_WAITING = _("この依頼には承認待ちの報告があります。先に承認するか取り消してください。")
ALREADY_DONE = _("この依頼の活動は承認済みです。訂正するときは、先に取り消してください。")
BAD_MINUTES = _("活動時間は1分から24時間までで入れてください。")
NOT_REPORTED = _("承認待ちの報告だけ承認できます。")
NOT_APPROVED = _("承認済みの報告だけ取り消せます。")
REASON_REQUIRED = _("取り消しの理由を入れてください。")
FUTURE_ACTIVITY = _("活動日に、これからの日は選べません。")
OTHER_SCHEME = _("同じサービスの会員を選んでください。")


class ServiceRefused(Exception):  # noqa: N818 - the product's word for it
    pass


class UnbalancedPostingError(AssertionError):
    """A posting whose entries do not sum to zero in some unit: a programming error, never written."""


def _require_ward(actor, scheme: ServiceScheme) -> None:  # noqa: ANN001
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    if scheme.municipality_id not in viewer_for(actor).municipality_ids:
        raise ServiceRefused(NOT_YOUR_WARD)


def _record(actor, target: str, pk: int, action: str, request: HttpRequest | None, **detail) -> None:  # noqa: ANN001, ANN003
    audit_record(actor=actor, action=action, target_type=target, target_ids=[pk], detail=detail, request=request)


# ---------------------------------------------------------------------------------------------------------
# Schemes and fees


def scheme_create(
    *,
    actor,  # noqa: ANN001
    municipality_id: int,
    name: str,
    operator: str,
    description: str = "",
    request: HttpRequest | None = None,
) -> ServiceScheme:
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    if municipality_id not in viewer_for(actor).municipality_ids:
        raise ServiceRefused(NOT_YOUR_WARD)
    with transaction.atomic():
        scheme = ServiceScheme.objects.create(
            municipality_id=municipality_id,
            name=name.strip(),
            operator=operator.strip(),
            description=description.strip(),
        )
        _record(actor, AuditTarget.SERVICE_SCHEME, scheme.pk, AuditAction.CREATE, request)
    return scheme


def rate_add(
    *,
    actor,  # noqa: ANN001
    scheme: ServiceScheme,
    valid_from: datetime.date,
    fee_per_hour: int,
    honorarium_per_hour: int,
    transport_fee: int,
    unit_minutes: int = 30,
    request: HttpRequest | None = None,
) -> ServiceRate:
    """New fees from `valid_from` on. Activities already reported keep the figures they were priced with."""
    _require_ward(actor, scheme)
    if honorarium_per_hour > fee_per_hour:
        raise ServiceRefused(HONORARIUM_ABOVE_FEE)
    if scheme.rates.filter(valid_from=valid_from).exists():
        raise ServiceRefused(RATE_EXISTS)
    with transaction.atomic():
        rate = ServiceRate.objects.create(
            scheme=scheme,
            valid_from=valid_from,
            fee_per_hour=fee_per_hour,
            honorarium_per_hour=honorarium_per_hour,
            transport_fee=transport_fee,
            unit_minutes=unit_minutes,
            created_by=actor,
        )
        _record(
            actor,
            AuditTarget.SERVICE_SCHEME,
            scheme.pk,
            AuditAction.UPDATE,
            request,
            rate=rate.pk,
            valid_from=valid_from.isoformat(),
            fee_per_hour=fee_per_hour,
            honorarium_per_hour=honorarium_per_hour,
            transport_fee=transport_fee,
            unit_minutes=unit_minutes,
        )
    return rate


def rate_on(scheme: ServiceScheme, day: datetime.date) -> ServiceRate | None:
    """The rate in force on `day`: the latest that started on or before it."""
    return scheme.rates.filter(valid_from__lte=day).order_by("-valid_from").first()


@dataclass(frozen=True)
class Pricing:
    billed_minutes: int
    fee_amount: int
    honorarium_amount: int
    transport_amount: int


def _yen(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def price(rate: ServiceRate, minutes: int, *, transport: bool) -> Pricing:
    """Minutes rounded up to the rate's unit (at least one unit), fees per hour pro rata, rounded to the yen.
    The honorarium is rounded the same way and never exceeds the fee (the fee's rate is at least as high)."""
    unit = rate.unit_minutes
    billed = max(unit, -(-minutes // unit) * unit)
    hours = Decimal(billed) / 60
    return Pricing(
        billed_minutes=billed,
        fee_amount=_yen(rate.fee_per_hour * hours),
        honorarium_amount=_yen(rate.honorarium_per_hour * hours),
        transport_amount=rate.transport_fee if transport else 0,
    )


# ---------------------------------------------------------------------------------------------------------
# Members


def member_register(
    *,
    actor,  # noqa: ANN001
    scheme: ServiceScheme,
    kind: str,
    number: str,
    name: str,
    joined_on: datetime.date,
    name_kana: str = "",
    phone: str = "",
    address: str = "",
    volunteer: Volunteer | None = None,
    person: Person | None = None,
    request: HttpRequest | None = None,
) -> ServiceMember:
    """`person` must come from person_or_deny (the caller's view of the register); `volunteer` from the centre's
    registry of the same ward."""
    _require_ward(actor, scheme)
    if kind not in MemberKind.values:
        raise ValueError(kind)
    if volunteer is not None and volunteer.municipality_id != scheme.municipality_id:
        raise ServiceRefused(NOT_YOUR_WARD)
    number = number.strip()
    if scheme.members.filter(number=number).exists():
        raise ServiceRefused(NUMBER_TAKEN)
    with transaction.atomic():
        member = ServiceMember.objects.create(
            scheme=scheme,
            kind=kind,
            number=number,
            name=name.strip(),
            name_kana=name_kana.strip(),
            name_key=kana_search_key(name_kana) if name_kana.strip() else "",
            phone=normalize_phone(phone),
            address=address.strip(),
            volunteer=volunteer,
            person=person,
            joined_on=joined_on,
            created_by=actor,
        )
        _record(
            actor,
            AuditTarget.SERVICE_MEMBER,
            member.pk,
            AuditAction.CREATE,
            request,
            kind=kind,
            **({"person": person.pk} if person else {}),
        )
    return member


def member_leave(
    *,
    actor,  # noqa: ANN001
    member: ServiceMember,
    left_on: datetime.date,
    request: HttpRequest | None = None,
) -> ServiceMember:
    """A member leaves: kept with their ledger (history), no longer offered for new requests."""
    _require_ward(actor, member.scheme)
    if left_on < member.joined_on:
        raise ServiceRefused(_("退会日は入会日より後にしてください。"))
    member.left_on = left_on
    with transaction.atomic():
        member.save(update_fields=["left_on"])
        _record(actor, AuditTarget.SERVICE_MEMBER, member.pk, AuditAction.UPDATE, request, left_on=left_on.isoformat())
    return member


def _active(member: ServiceMember, day: datetime.date) -> bool:
    return member.left_on is None or member.left_on >= day


# ---------------------------------------------------------------------------------------------------------
# Requests and assignments


def service_request_create(
    *,
    actor,  # noqa: ANN001
    member: ServiceMember,
    what: str,
    starts_at: datetime.datetime,
    place: str = "",
    request: HttpRequest | None = None,
) -> ServiceRequest:
    _require_ward(actor, member.scheme)
    if not member.uses:
        raise ServiceRefused(NOT_A_USER)
    if not _active(member, timezone.localdate(starts_at)):
        raise ServiceRefused(MEMBER_LEFT)
    with transaction.atomic():
        service_request = ServiceRequest.objects.create(
            scheme=member.scheme,
            member=member,
            what=what.strip(),
            starts_at=starts_at,
            place=place.strip(),
            created_by=actor,
        )
        _record(actor, AuditTarget.SERVICE_ACTIVITY, service_request.pk, AuditAction.CREATE, request, step="request")
    return service_request


def service_request_assign(
    *,
    actor,  # noqa: ANN001
    service_request: ServiceRequest,
    helper: ServiceMember,
    request: HttpRequest | None = None,
) -> ServiceAssignment:
    """The coordinator chooses the 協力会員 (or changes them while nothing has been reported)."""
    _require_ward(actor, service_request.scheme)
    if helper.scheme_id != service_request.scheme_id:
        raise ServiceRefused(OTHER_SCHEME)
    if not helper.helps:
        raise ServiceRefused(NOT_A_HELPER)
    if helper.pk == service_request.member_id:
        raise ServiceRefused(SAME_MEMBER)
    if not _active(helper, timezone.localdate(service_request.starts_at)):
        raise ServiceRefused(MEMBER_LEFT)
    if service_request.status not in (RequestStatus.OPEN, RequestStatus.ASSIGNED):
        raise ServiceRefused(NOT_OPEN)
    with transaction.atomic():
        locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
        assignment = ServiceAssignment.objects.filter(request=locked).first()
        if assignment is not None:
            if assignment.activities.exists():
                raise ServiceRefused(NOT_OPEN)
            assignment.helper, assignment.assigned_by = helper, actor
            assignment.save(update_fields=["helper", "assigned_by"])
        else:
            assignment = ServiceAssignment.objects.create(request=locked, helper=helper, assigned_by=actor)
        locked.status = RequestStatus.ASSIGNED
        locked.save(update_fields=["status"])
        service_request.status = locked.status
        _record(
            actor,
            AuditTarget.SERVICE_ACTIVITY,
            service_request.pk,
            AuditAction.UPDATE,
            request,
            step="assign",
            helper=helper.pk,
        )
    return assignment


def service_request_cancel(
    *,
    actor,  # noqa: ANN001
    service_request: ServiceRequest,
    request: HttpRequest | None = None,
) -> ServiceRequest:
    _require_ward(actor, service_request.scheme)
    if service_request.status == RequestStatus.DONE:
        raise ServiceRefused(ALREADY_DONE)
    with transaction.atomic():
        if ServiceActivity.objects.filter(assignment__request=service_request, status=ActivityStatus.REPORTED).exists():
            raise ServiceRefused(REPORT_WAITING)
        service_request.status = RequestStatus.CANCELLED
        service_request.save(update_fields=["status"])
        _record(actor, AuditTarget.SERVICE_ACTIVITY, service_request.pk, AuditAction.UPDATE, request, step="cancel")
    return service_request


# ---------------------------------------------------------------------------------------------------------
# Activity reports, approval and the ledger


def activity_report(
    *,
    actor,  # noqa: ANN001
    assignment: ServiceAssignment,
    activity_on: datetime.date,
    minutes: int,
    transport: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> ServiceActivity:
    """The coordinator records what the 協力会員 reported, priced with the rate in force on the activity's day."""
    service_request = assignment.request
    scheme = service_request.scheme
    _require_ward(actor, scheme)
    if service_request.status != RequestStatus.ASSIGNED:
        raise ServiceRefused(ALREADY_DONE if service_request.status == RequestStatus.DONE else NOT_ASSIGNED)
    if not (1 <= minutes <= 24 * 60):
        raise ServiceRefused(BAD_MINUTES)
    if activity_on > timezone.localdate():
        raise ServiceRefused(FUTURE_ACTIVITY)
    rate = rate_on(scheme, activity_on)
    if rate is None:
        raise ServiceRefused(NO_RATE)
    pricing = price(rate, minutes, transport=transport)
    with transaction.atomic():
        ServiceAssignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.activities.filter(status__in=(ActivityStatus.REPORTED, ActivityStatus.APPROVED)).exists():
            raise ServiceRefused(REPORT_WAITING)
        activity = ServiceActivity.objects.create(
            assignment=assignment,
            activity_on=activity_on,
            minutes=minutes,
            transport=transport,
            note=note.strip()[:500],
            rate=rate,
            fee_per_hour=rate.fee_per_hour,
            honorarium_per_hour=rate.honorarium_per_hour,
            transport_fee=rate.transport_fee,
            unit_minutes=rate.unit_minutes,
            billed_minutes=pricing.billed_minutes,
            fee_amount=pricing.fee_amount,
            honorarium_amount=pricing.honorarium_amount,
            transport_amount=pricing.transport_amount,
            reported_by=actor,
        )
        _record(
            actor,
            AuditTarget.SERVICE_ACTIVITY,
            service_request.pk,
            AuditAction.UPDATE,
            request,
            step="report",
            activity=activity.pk,
            minutes=minutes,
        )
    return activity


@dataclass(frozen=True)
class Line:
    member: ServiceMember | None  # None: the scheme's own account
    unit: str
    component: str
    amount: Decimal


def activity_lines(activity: ServiceActivity) -> list[Line]:
    """The entries an approved activity posts (before they are written)."""
    assignment = activity.assignment
    user, helper = assignment.request.member, assignment.helper
    hours = Decimal(activity.billed_minutes) / 60
    hours = hours.quantize(Decimal("0.01"))
    margin = activity.fee_amount - activity.honorarium_amount
    lines = [
        Line(helper, LedgerUnit.HOURS, LedgerComponent.HOURS, hours),
        Line(user, LedgerUnit.HOURS, LedgerComponent.HOURS, -hours),
        Line(user, LedgerUnit.YEN, LedgerComponent.FEE, -Decimal(activity.fee_amount)),
        Line(helper, LedgerUnit.YEN, LedgerComponent.HONORARIUM, Decimal(activity.honorarium_amount)),
        Line(None, LedgerUnit.YEN, LedgerComponent.MARGIN, Decimal(margin)),
    ]
    if activity.transport_amount:
        lines += [
            Line(user, LedgerUnit.YEN, LedgerComponent.TRANSPORT, -Decimal(activity.transport_amount)),
            Line(helper, LedgerUnit.YEN, LedgerComponent.TRANSPORT, Decimal(activity.transport_amount)),
        ]
    # An entry that moves nothing (no margin, a free scheme) is left out: the database refuses zero amounts.
    return [line for line in lines if line.amount]


def activity_entries(activity: ServiceActivity, *, actor=None) -> list[LedgerEntry]:  # noqa: ANN001
    """The unsaved entries of an activity's posting (written by `activity_approve`, or by the demo in bulk)."""
    service_request = activity.assignment.request
    memo = f"{service_request.what}（{activity.assignment.helper.name}）"[:300]
    return [
        LedgerEntry(
            scheme_id=service_request.scheme_id,
            member=line.member,
            unit=line.unit,
            component=line.component,
            amount=line.amount,
            activity=activity,
            kind=PostingKind.ACTIVITY,
            booked_on=activity.activity_on,
            memo=memo,
            created_by=actor,
        )
        for line in activity_lines(activity)
    ]


def check_balanced(amounts: list[tuple[str, Decimal]]) -> None:
    totals: dict[str, Decimal] = {}
    for unit, amount in amounts:
        totals[unit] = totals.get(unit, Decimal(0)) + amount
    unbalanced = {unit: total for unit, total in totals.items() if total != 0}
    if unbalanced:
        raise UnbalancedPostingError(f"posting does not sum to zero: {unbalanced}")


def _post(entries: list[LedgerEntry]) -> uuid.UUID:
    """Writes one posting: all entries or none, only when every unit sums to zero."""
    check_balanced([(e.unit, e.amount) for e in entries])
    posting = uuid.uuid4()
    for entry in entries:
        entry.posting = posting
    LedgerEntry.objects.bulk_create(entries)
    return posting


def activity_approve(
    *,
    actor,  # noqa: ANN001
    activity: ServiceActivity,
    request: HttpRequest | None = None,
) -> uuid.UUID:
    """The coordinator approves the report: the request is done and the ledger gets the activity's posting."""
    service_request = activity.assignment.request
    scheme = service_request.scheme
    _require_ward(actor, scheme)
    with transaction.atomic():
        # Locked, so two approvals at the same moment cannot post twice.
        locked = ServiceActivity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != ActivityStatus.REPORTED:
            raise ServiceRefused(NOT_REPORTED)
        entries = activity_entries(activity, actor=actor)
        posting = _post(entries)
        now = timezone.now()
        ServiceActivity.objects.filter(pk=activity.pk).update(
            status=ActivityStatus.APPROVED, approved_by=actor, approved_at=now
        )
        activity.status, activity.approved_by, activity.approved_at = ActivityStatus.APPROVED, actor, now
        ServiceRequest.objects.filter(pk=service_request.pk).update(status=RequestStatus.DONE)
        service_request.status = RequestStatus.DONE
        _record(
            actor,
            AuditTarget.SERVICE_LEDGER,
            activity.pk,
            AuditAction.CREATE,
            request,
            posting=str(posting),
            kind=PostingKind.ACTIVITY,
            members=sorted({e.member_id for e in entries if e.member_id}),
        )
    return posting


def activity_reverse(
    *,
    actor,  # noqa: ANN001
    activity: ServiceActivity,
    reason: str,
    on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> uuid.UUID:
    """Cancels an approved activity by posting the negated copy of each of its entries (booked today, or `on`).
    The request goes back to 「協力会員が決定」, so the corrected report can be entered and approved."""
    reason = reason.strip()
    if not reason:
        raise ServiceRefused(REASON_REQUIRED)
    service_request = activity.assignment.request
    _require_ward(actor, service_request.scheme)
    booked_on = on or timezone.localdate()
    with transaction.atomic():
        locked = ServiceActivity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != ActivityStatus.APPROVED:
            raise ServiceRefused(NOT_APPROVED)
        originals = list(
            LedgerEntry.objects.filter(activity=activity, kind=PostingKind.ACTIVITY, reversed_by__isnull=True)
        )
        entries = [
            LedgerEntry(
                scheme_id=e.scheme_id,
                member_id=e.member_id,
                unit=e.unit,
                component=e.component,
                amount=-e.amount,
                activity=activity,
                kind=PostingKind.REVERSAL,
                booked_on=booked_on,
                reverses=e,
                memo=reason[:300],
                created_by=actor,
            )
            for e in originals
        ]
        try:
            posting = _post(entries)
        except IntegrityError:  # the same entry reversed twice (entry_reversed_once)
            raise ServiceRefused(NOT_APPROVED) from None
        now = timezone.now()
        ServiceActivity.objects.filter(pk=activity.pk).update(
            status=ActivityStatus.REVERSED, reversed_by=actor, reversed_at=now, reverse_reason=reason[:300]
        )
        activity.status, activity.reversed_by, activity.reversed_at = ActivityStatus.REVERSED, actor, now
        activity.reverse_reason = reason[:300]
        ServiceRequest.objects.filter(pk=service_request.pk).update(status=RequestStatus.ASSIGNED)
        service_request.status = RequestStatus.ASSIGNED
        _record(
            actor,
            AuditTarget.SERVICE_LEDGER,
            activity.pk,
            AuditAction.CREATE,
            request,
            posting=str(posting),
            kind=PostingKind.REVERSAL,
            reason=reason[:300],
        )
    return posting
