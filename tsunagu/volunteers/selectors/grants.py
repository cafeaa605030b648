"""Reads of the grants to local activities (つながり応援補助金).

Staff reads are the centre's (MANAGE_VOLUNTEERS) of its own ward; a call or application of another ward is a 404,
logged as denied. An application names a contact person, so opening one is logged as a view and a call's list of
applications as a list. The public reads (open calls, funded activities) return only what the ward publishes:
never the contact person, email or phone, and the amount only when the group agreed to it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404, HttpRequest

from tsunagu.access.policy import Capability, require_capability, viewer_for
from tsunagu.areas.models import District, Municipality
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk

from ..models import ApplicationStatus, GrantApplication, GrantCall, GrantReport, GrantReportPhoto


def _wards(user) -> frozenset[int]:  # noqa: ANN001
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    return viewer_for(user).municipality_ids


def _deny(user, request: HttpRequest | None, target: str, pk: object) -> Http404:  # noqa: ANN001
    audit_denied(actor=user, request=request, target_type=target, target_id=pk)
    return Http404()


def _with_money(qs: QuerySet[GrantCall]) -> QuerySet[GrantCall]:
    # Only the approved sum here: a second sum over payments in the same query would multiply rows; call_budget
    # reads payments on its own.
    return qs.annotate(
        approved_total=Sum("applications__approved_amount", filter=Q(applications__status=ApplicationStatus.APPROVED))
    )


def call_list(user) -> QuerySet[GrantCall]:  # noqa: ANN001
    return _with_money(GrantCall.objects.filter(municipality_id__in=_wards(user)))


def call_or_404(user, pk: object, *, request: HttpRequest | None = None) -> GrantCall:  # noqa: ANN001
    try:
        return call_list(user).get(pk=as_pk(pk))
    except GrantCall.DoesNotExist:
        raise _deny(user, request, AuditTarget.GRANT_CALL, pk) from None


@dataclass(frozen=True)
class CallBudget:
    budget: int
    approved: int
    paid: int
    requested: int

    @property
    def remaining(self) -> int:
        """What can still be approved under the call."""
        return self.budget - self.approved


def call_budget(call: GrantCall) -> CallBudget:
    applications = GrantApplication.objects.filter(call=call)
    approved = applications.filter(status=ApplicationStatus.APPROVED)
    return CallBudget(
        budget=call.budget,
        approved=approved.aggregate(t=Sum("approved_amount"))["t"] or 0,
        paid=approved.aggregate(t=Sum("payments__amount"))["t"] or 0,
        requested=applications.exclude(status=ApplicationStatus.REJECTED).aggregate(t=Sum("requested_amount"))["t"]
        or 0,
    )


def call_applications(
    user,  # noqa: ANN001
    call: GrantCall,
    *,
    status: str = "",
    request: HttpRequest | None = None,
) -> list[GrantApplication]:
    """A call's applications with their paid sums, logged as a list (the rows name the groups; the contact person
    is on the application's own page)."""
    if call.municipality_id not in _wards(user):
        raise _deny(user, request, AuditTarget.GRANT_CALL, call.pk)
    qs = (
        GrantApplication.objects.filter(call=call)
        .annotate(paid=Sum("payments__amount"))
        .prefetch_related(Prefetch("districts", queryset=District.objects.order_by("pk")))
        .order_by("submitted_at", "pk")
    )
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.GRANT_APPLICATION,
        target_ids=[a.pk for a in rows],
        request=request,
    )
    return rows


def application_or_404(user, pk: object, *, request: HttpRequest | None = None) -> GrantApplication:  # noqa: ANN001
    """The application with its contact person, logged as a view."""
    try:
        application = (
            GrantApplication.objects.select_related("call", "decided_by")
            .prefetch_related("districts")
            .get(pk=as_pk(pk), call__municipality_id__in=_wards(user))
        )
    except GrantApplication.DoesNotExist:
        raise _deny(user, request, AuditTarget.GRANT_APPLICATION, pk) from None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type=AuditTarget.GRANT_APPLICATION,
        target_ids=[application.pk],
        request=request,
    )
    return application


def application_reports(application: GrantApplication) -> QuerySet[GrantReport]:
    return GrantReport.objects.filter(application=application).prefetch_related("photos").order_by("created_at", "pk")


def report_photo_or_404(application: GrantApplication, photo_id: object) -> GrantReportPhoto:
    """A photo of a report of an application the caller has opened (application_or_404 checked the ward)."""
    try:
        return GrantReportPhoto.objects.get(pk=as_pk(photo_id), report__application=application)
    except GrantReportPhoto.DoesNotExist:
        raise Http404 from None


# ---------------------------------------------------------------------------------------------------------
# Public reads (no sign-in, nothing personal, not logged)


def open_calls(today: datetime.date) -> QuerySet[GrantCall]:
    return GrantCall.objects.filter(
        municipality=Municipality.home(), opens_on__lte=today, closes_on__gte=today
    ).order_by("closes_on", "pk")


def open_call_or_404(pk: object, today: datetime.date) -> GrantCall:
    try:
        return open_calls(today).get(pk=as_pk(pk))
    except GrantCall.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class FundedActivity:
    """What the directory publishes of an approved application: the group's public part only (not the description,
    which groups write for the reviewers and may name people)."""

    public_id: str
    group_name: str
    activity_title: str
    districts: tuple[str, ...]
    amount: int | None
    fiscal_year: int
    call_name: str


def funded_activities(*, fiscal_year: int | None = None, district_id: int | None = None) -> list[FundedActivity]:
    """Approved applications of the home ward, newest call first. Built from the listed fields only (values()), so
    the contact person never leaves the database for this read."""
    qs = GrantApplication.objects.filter(
        status=ApplicationStatus.APPROVED, call__municipality=Municipality.home()
    ).order_by("-call__fiscal_year", "group_name", "pk")
    if fiscal_year is not None:
        qs = qs.filter(call__fiscal_year=fiscal_year)
    if district_id is not None:
        qs = qs.filter(districts__pk=district_id)
    rows = list(
        qs.values(
            "pk",
            "public_id",
            "group_name",
            "activity_title",
            "approved_amount",
            "publish_amount",
            "call__fiscal_year",
            "call__name",
        )
    )
    names: dict[int, list[str]] = {}
    through = GrantApplication.districts.through.objects.filter(grantapplication_id__in=[r["pk"] for r in rows])
    for app_id, name in through.order_by("district__pk").values_list("grantapplication_id", "district__name"):
        names.setdefault(app_id, []).append(name)
    return [
        FundedActivity(
            public_id=str(r["public_id"]),
            group_name=r["group_name"],
            activity_title=r["activity_title"],
            districts=tuple(names.get(r["pk"], ())),
            amount=r["approved_amount"] if r["publish_amount"] else None,
            fiscal_year=r["call__fiscal_year"],
            call_name=r["call__name"],
        )
        for r in rows
    ]
