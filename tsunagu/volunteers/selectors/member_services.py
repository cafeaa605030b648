"""Reads of member-to-member services: schemes, members, requests, the ledger, balances and monthly statements.

Everything is the centre's (MANAGE_VOLUNTEERS) of its own ward: a scheme, member or request of another ward is a
404, logged as denied. A member's page shows their name, phone and address and is logged as a view; the resident
a 利用会員 names is linked only when the access policy opens that person to the reader. Balances are sums of ledger
entries here and nowhere else; nothing stores a balance."""

from __future__ import annotations

import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpRequest

from tsunagu.access.policy import Capability, require_capability, viewer_for, visible_persons
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk
from tsunagu.core.japanese import kana_search_key
from tsunagu.core.output import OutputFilename, output_filename
from tsunagu.organisations.models import DataScope

from ..models import (
    LedgerComponent,
    LedgerEntry,
    LedgerUnit,
    PostingKind,
    ServiceActivity,
    ServiceMember,
    ServiceRequest,
    ServiceScheme,
)
from ..service_models import HELPING_KINDS, MemberKind
from ..statement_pdf import render_statement_pdf

ZERO = Decimal(0)


def _wards(user) -> frozenset[int]:  # noqa: ANN001
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    return viewer_for(user).municipality_ids


def _deny(user, request: HttpRequest | None, target: str, pk: object) -> Http404:  # noqa: ANN001
    audit_denied(actor=user, request=request, target_type=target, target_id=pk)
    return Http404()


# ---------------------------------------------------------------------------------------------------------
# Schemes, members, requests


def scheme_list(user) -> QuerySet[ServiceScheme]:  # noqa: ANN001
    return ServiceScheme.objects.filter(municipality_id__in=_wards(user)).prefetch_related("rates")


def scheme_or_404(user, pk: object, *, request: HttpRequest | None = None) -> ServiceScheme:  # noqa: ANN001
    try:
        return scheme_list(user).get(pk=as_pk(pk))
    except ServiceScheme.DoesNotExist:
        raise _deny(user, request, AuditTarget.SERVICE_SCHEME, pk) from None


def member_list(user, *, scheme: ServiceScheme | None = None, query: str = "") -> QuerySet[ServiceMember]:  # noqa: ANN001
    qs = ServiceMember.objects.filter(scheme__municipality_id__in=_wards(user)).select_related("scheme")
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    if query:
        key = kana_search_key(query)
        qs = qs.filter(Q(name__contains=query) | Q(number=query) | (Q(name_key__contains=key) if key else Q()))
    return qs


def member_search(user, query: str, *, request: HttpRequest | None = None) -> QuerySet[ServiceMember]:  # noqa: ANN001
    """Members by name, kana or number for the search box, logged as a search (like the volunteer registry's)."""
    qs = member_list(user, query=query)
    audit_record(
        actor=user, action=AuditAction.SEARCH, target_type=AuditTarget.SERVICE_MEMBER, query=query, request=request
    )
    return qs


def member_or_404(user, pk: object, *, request: HttpRequest | None = None) -> ServiceMember:  # noqa: ANN001
    """The member with their contact details, logged as a view."""
    try:
        member = member_list(user).select_related("volunteer").get(pk=as_pk(pk))
    except ServiceMember.DoesNotExist:
        raise _deny(user, request, AuditTarget.SERVICE_MEMBER, pk) from None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type=AuditTarget.SERVICE_MEMBER,
        target_ids=[member.pk],
        request=request,
    )
    return member


def member_person_visible(user, member: ServiceMember) -> bool:  # noqa: ANN001
    """Whether the resident this member names may be opened by the user (the policy decides; the person's page
    logs its own view)."""
    if member.person_id is None:
        return False
    return visible_persons(user, scope=DataScope.VOLUNTEER_NEED).filter(pk=member.person_id).exists()


def helper_choices(service_request: ServiceRequest) -> QuerySet[ServiceMember]:
    """協力会員 and 両方会員 of the request's scheme still members on its day, the requester excluded."""
    day = service_request.starts_at.date()
    return (
        ServiceMember.objects.filter(scheme_id=service_request.scheme_id, kind__in=HELPING_KINDS)
        .exclude(pk=service_request.member_id)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .order_by("number", "pk")
    )


def request_list(user, *, status: str = "") -> QuerySet[ServiceRequest]:  # noqa: ANN001
    qs = ServiceRequest.objects.filter(scheme__municipality_id__in=_wards(user)).select_related(
        "scheme", "member", "assignment__helper"
    )
    return qs.filter(status=status) if status else qs


def request_or_404(user, pk: object, *, request: HttpRequest | None = None) -> ServiceRequest:  # noqa: ANN001
    try:
        return request_list(user).get(pk=as_pk(pk))
    except ServiceRequest.DoesNotExist:
        raise _deny(user, request, AuditTarget.SERVICE_ACTIVITY, pk) from None


def request_activities(service_request: ServiceRequest) -> QuerySet[ServiceActivity]:
    return (
        ServiceActivity.objects.filter(assignment__request=service_request)
        .select_related("assignment__helper")
        .order_by("pk")
    )


def activity_or_404(user, service_request: ServiceRequest, pk: object) -> ServiceActivity:  # noqa: ANN001
    try:
        return request_activities(service_request).select_related("assignment__request__scheme").get(pk=as_pk(pk))
    except ServiceActivity.DoesNotExist:
        raise Http404 from None


# ---------------------------------------------------------------------------------------------------------
# The ledger


def balances(member: ServiceMember, *, before: datetime.date | None = None) -> dict[str, Decimal]:
    """The member's balance per unit: the sum of their entries (booked before `before`, when given)."""
    qs = LedgerEntry.objects.filter(member=member)
    if before is not None:
        qs = qs.filter(booked_on__lt=before)
    sums = dict(qs.values_list("unit").annotate(total=Sum("amount")).order_by())
    return {unit: sums.get(unit) or ZERO for unit in LedgerUnit.values}


def scheme_balance(scheme: ServiceScheme) -> Decimal:
    """The scheme's own yen account (its margin): the sum of its entries."""
    return LedgerEntry.objects.filter(scheme=scheme, member__isnull=True).aggregate(t=Sum("amount"))["t"] or ZERO


def unbalanced_postings(scheme: ServiceScheme | None = None) -> list[tuple[str, str, Decimal]]:
    """Postings whose entries do not sum to zero in a unit (a check: the service never writes one)."""
    qs = LedgerEntry.objects.all()
    if scheme is not None:
        qs = qs.filter(scheme=scheme)
    rows = qs.values("posting", "unit").annotate(total=Sum("amount")).exclude(total=0).order_by("posting", "unit")
    return [(str(r["posting"]), r["unit"], r["total"]) for r in rows]


@dataclass
class StatementLine:
    """One posting as the member sees it: an activity (or its reversal) with their side of it."""

    posting: str
    booked_on: datetime.date
    kind: str
    role: str  # MemberKind.USER or HELPER: the member's side of this activity
    what: str
    counterpart: str
    activity: ServiceActivity
    hours: Decimal = ZERO
    fee: Decimal = ZERO  # the 利用料 paid (negative) or the 謝礼 received (positive)
    transport: Decimal = ZERO
    hours_balance: Decimal = ZERO
    yen_balance: Decimal = ZERO

    @property
    def yen(self) -> Decimal:
        return self.fee + self.transport

    @property
    def reversal(self) -> bool:
        return self.kind == PostingKind.REVERSAL


@dataclass
class Statement:
    member: ServiceMember
    month: datetime.date  # the first day
    opening_hours: Decimal
    opening_yen: Decimal
    lines: list[StatementLine] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def hours_total(self) -> Decimal:
        return sum((line.hours for line in self.lines), ZERO)

    @property
    def fee_total(self) -> Decimal:
        return sum((line.fee for line in self.lines), ZERO)

    @property
    def transport_total(self) -> Decimal:
        return sum((line.transport for line in self.lines), ZERO)

    @property
    def yen_total(self) -> Decimal:
        return self.fee_total + self.transport_total

    @property
    def closing_hours(self) -> Decimal:
        return self.opening_hours + self.hours_total

    @property
    def closing_yen(self) -> Decimal:
        return self.opening_yen + self.yen_total


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _lines(member: ServiceMember, entries: QuerySet[LedgerEntry]) -> list[StatementLine]:
    grouped: OrderedDict[str, StatementLine] = OrderedDict()
    for entry in entries.select_related(
        "activity__assignment__request__member", "activity__assignment__helper"
    ).order_by("booked_on", "created_at", "pk"):
        key = str(entry.posting)
        line = grouped.get(key)
        if line is None:
            assignment = entry.activity.assignment
            helping = assignment.helper_id == member.pk
            line = StatementLine(
                posting=key,
                booked_on=entry.booked_on,
                kind=entry.kind,
                role=MemberKind.HELPER if helping else MemberKind.USER,
                what=assignment.request.what,
                counterpart=(assignment.request.member if helping else assignment.helper).name,
                activity=entry.activity,
            )
            grouped[key] = line
        if entry.unit == LedgerUnit.HOURS:
            line.hours += entry.amount
        elif entry.component == LedgerComponent.TRANSPORT:
            line.transport += entry.amount
        else:
            line.fee += entry.amount
    return list(grouped.values())


def _running(lines: list[StatementLine], hours: Decimal, yen: Decimal) -> list[StatementLine]:
    for line in lines:
        hours += line.hours
        yen += line.yen
        line.hours_balance, line.yen_balance = hours, yen
    return lines


def member_ledger(member: ServiceMember) -> list[StatementLine]:
    """Every posting of the member, oldest first, with the running balances (the member page's ledger)."""
    return _running(_lines(member, LedgerEntry.objects.filter(member=member)), ZERO, ZERO)


def statement(member: ServiceMember, month: datetime.date) -> Statement:
    """The member's month (月次明細): the balances brought forward, each posting booked in the month with the
    running balances, and the totals. A reversal is shown in the month it was booked, beside the activity it
    cancels if that was in the same month."""
    month = month.replace(day=1)
    opening = balances(member, before=month)
    entries = LedgerEntry.objects.filter(member=member, booked_on__gte=month, booked_on__lt=next_month(month))
    result = Statement(member, month, opening[LedgerUnit.HOURS], opening[LedgerUnit.YEN])
    result.lines = _running(_lines(member, entries), result.opening_hours, result.opening_yen)
    return result


def statement_months(member: ServiceMember) -> list[datetime.date]:
    """The months with entries, newest first (the statement links)."""
    days = LedgerEntry.objects.filter(member=member).dates("booked_on", "month", order="DESC")
    return list(days)


# ---------------------------------------------------------------------------------------------------------
# The statement's download (its audit row is written here: views never write one)

PDF_CONTENT_TYPE = "application/pdf"


@dataclass(frozen=True)
class StatementOutput:
    content: bytes
    content_type: str
    filename: OutputFilename


def statement_export(
    user,  # noqa: ANN001
    member: ServiceMember,
    month: datetime.date,
    *,
    request: HttpRequest | None = None,
) -> StatementOutput:
    """The member's month as the A4 PDF, logged as an export of the member's ledger."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    st = statement(member, month)
    content = render_statement_pdf(st)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target_type=AuditTarget.SERVICE_LEDGER,
        target_ids=[member.pk],
        detail={"month": f"{st.month:%Y-%m}", "format": "pdf", "lines": len(st.lines)},
        request=request,
    )
    filename = output_filename(
        "月次明細",
        ascii_what="statement",
        day=st.month,
        extension="pdf",
        number=member.number,
    )
    return StatementOutput(content, PDF_CONTENT_TYPE, filename)
