"""Caseload dashboards: a worker's own cases and an agency's, from the cases the viewer may see (visible_cases:
the team check) and nothing else. Figures only: open, new this month, overdue (referrals past their deadline,
outreach items past due), by domain, and the time from intake to first support.

First support: whichever comes first of the first time a referral of the case reached 支援開始 (its
ReferralEvent) and the first time the case moved to the stage 支援提供 (its StageChange). It is read in one
function, first_support_times."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy

from ..models import (
    OPEN_OUTREACH_STATUSES,
    Case,
    Domain,
    OutreachItem,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Stage,
    StageChange,
)
from ..scope import team_organisation_ids
from .access import visible_cases

# Buckets of days from intake to first support (upper bound inclusive; None: no limit).
SUPPORT_BUCKETS: list[tuple[str, int | None]] = [
    (str(_("7日以内")), 7),
    (str(_("8〜14日")), 14),
    (str(_("15〜30日")), 30),
    (str(_("31〜60日")), 60),
    (str(_("61〜90日")), 90),
    (str(_("91日以上")), None),
]
PERIOD_DAYS = 365


@dataclass
class Caseload:
    open: int
    new_this_month: int
    overdue_referrals: int
    overdue_outreach: int
    by_domain: list[tuple[str, int]]
    supported: int  # cases opened in the period whose support has started
    not_yet_supported: int  # cases opened in the period (still open) without support yet
    median_days: float | None
    distribution: list[tuple[str, int]]


@dataclass
class WorkerRow:
    worker: str
    worker_id: int | None
    open: int
    new_this_month: int
    overdue_referrals: int


def first_support_times(case_ids: list[int]) -> dict[int, datetime.datetime]:
    """When each case's support first started (see the module docstring): the one definition. Whichever comes
    first of a referral's 支援開始 and the case's first move to 支援提供 (StageChange)."""
    rows = (
        ReferralEvent.objects.filter(referral__case_id__in=case_ids, to_status=ReferralStatus.SUPPORT_STARTED)
        .values("referral__case_id")
        .annotate(first=Min("at"))
    )
    first = {r["referral__case_id"]: r["first"] for r in rows}
    stages = (
        StageChange.objects.filter(case_id__in=case_ids, to_stage=Stage.SUPPORT)
        .values("case_id")
        .annotate(first=Min("at"))
    )
    for r in stages:
        known = first.get(r["case_id"])
        first[r["case_id"]] = r["first"] if known is None else min(known, r["first"])
    return first


def _month_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, 1, tzinfo=timezone.get_current_timezone())


def _bucket(days: int) -> str:
    for label, limit in SUPPORT_BUCKETS:
        if limit is None or days <= limit:
            return label
    return SUPPORT_BUCKETS[-1][0]


def caseload(cases: QuerySet[Case], *, referrals: QuerySet[Referral], outreach: QuerySet[OutreachItem]) -> Caseload:
    """The figures of these cases (already limited to what the viewer may see)."""
    today = timezone.localdate()
    open_cases = cases.filter(closed_at__isnull=True)
    counts = dict.fromkeys(Domain.values, 0)
    for domains in open_cases.values_list("domains", flat=True):
        for domain in domains:
            if domain in counts:
                counts[domain] += 1
    labels = dict(Domain.choices)
    since = timezone.now() - datetime.timedelta(days=PERIOD_DAYS)
    recent = list(cases.filter(opened_at__gte=since).values_list("pk", "opened_at", "closed_at"))
    firsts = first_support_times([pk for pk, _o, _c in recent])
    days = []
    waiting = 0
    for pk, opened_at, closed_at in recent:
        if pk in firsts:
            days.append(max(0, (timezone.localdate(firsts[pk]) - timezone.localdate(opened_at)).days))
        elif closed_at is None:
            waiting += 1
    distribution = dict.fromkeys([label for label, _l in SUPPORT_BUCKETS], 0)
    for d in days:
        distribution[_bucket(d)] += 1
    return Caseload(
        open=open_cases.count(),
        new_this_month=cases.filter(opened_at__gte=_month_start(today)).count(),
        overdue_referrals=referrals.filter(status=ReferralStatus.REQUESTED, respond_by__lt=today).count(),
        overdue_outreach=outreach.filter(status__in=OPEN_OUTREACH_STATUSES, due_on__lt=today).count(),
        by_domain=[(str(labels[d]), n) for d, n in counts.items() if n],
        supported=len(days),
        not_yet_supported=waiting,
        median_days=statistics.median(days) if days else None,
        distribution=list(distribution.items()),
    )


def worker_caseload(user) -> Caseload:  # noqa: ANN001
    """The user's own cases (as the worker in charge), their referrals and their outreach items."""
    viewer = policy.viewer_for(user)
    cases = visible_cases(viewer).filter(worker_id=viewer.user.pk)
    referrals = Referral.objects.filter(case__in=cases)
    outreach = OutreachItem.objects.filter(
        owner_user_id=viewer.user.pk, owner_organisation_id__in=team_organisation_ids(viewer)
    )
    return caseload(cases, referrals=referrals, outreach=outreach)


def agency_cases(user, organisation_id: int) -> QuerySet[Case]:  # noqa: ANN001
    """Cases with this agency (one of the user's) on the team in force."""
    if organisation_id not in team_organisation_ids(policy.viewer_for(user)):
        return Case.objects.none()
    return visible_cases(user).filter(team__organisation_id=organisation_id, team__ended_at__isnull=True).distinct()


def agency_caseload(user, organisation_id: int) -> Caseload:  # noqa: ANN001
    cases = agency_cases(user, organisation_id)
    ids = team_organisation_ids(policy.viewer_for(user))
    mine = organisation_id if organisation_id in ids else -1
    referrals = Referral.objects.filter(Q(from_organisation_id=mine, case__in=cases) | Q(to_organisation_id=mine))
    outreach = OutreachItem.objects.filter(owner_organisation_id=mine)
    return caseload(cases, referrals=referrals, outreach=outreach)


def agency_workers(user, organisation_id: int) -> list[WorkerRow]:  # noqa: ANN001
    """The agency's open cases per worker in charge (a case of the team whose worker is at another agency counts
    under that worker)."""
    cases = agency_cases(user, organisation_id)
    month = _month_start(timezone.localdate())
    today = timezone.localdate()
    rows: dict[int | None, WorkerRow] = {}
    for case in cases.select_related("worker").filter(closed_at__isnull=True):
        key = case.worker_id
        if key not in rows:
            rows[key] = WorkerRow(str(case.worker) if case.worker else str(_("（担当者なし）")), key, 0, 0, 0)
        rows[key].open += 1
        if case.opened_at >= month:
            rows[key].new_this_month += 1
    overdue = Referral.objects.filter(
        case__in=cases, status=ReferralStatus.REQUESTED, respond_by__lt=today
    ).values_list("case__worker_id", flat=True)
    for worker_id in overdue:
        if worker_id in rows:
            rows[worker_id].overdue_referrals += 1
    return sorted(rows.values(), key=lambda r: (-r.open, r.worker))
