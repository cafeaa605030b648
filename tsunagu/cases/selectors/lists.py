"""The worker's lists: 「自分の担当」, 「共有されたケース」, 「依頼中の紹介」 (sent and received, overdue marked),
the menu's counts (computed on each request, never cached, so they are current) and the raiser's notices."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record

from ..models import OPEN_REFERRAL_STATUSES, Case, RaiserNotice, Referral, ReferralStatus
from ..scope import team_organisation_ids, visible_cases_q
from .access import received_open_q, visible_cases

LIST_LIMIT = 200


def _audit_list(user, cases: list[Case], request: HttpRequest | None, list_name: str) -> None:  # noqa: ANN001
    if not cases:
        return
    ids: set[int] = set()
    for case in cases:
        ids.update(case.person_ids())
    audit_record(
        actor=policy.viewer_for(user).user,
        action=AuditAction.LIST,
        target_type=AuditTarget.CASE,
        target_ids=ids,
        detail={"list": list_name, "cases": len(cases)},
        request=request,
    )


def my_cases_qs(user) -> QuerySet[Case]:  # noqa: ANN001
    """Open cases where the user is the worker in charge (and still on the team through an agency)."""
    viewer = policy.viewer_for(user)
    return visible_cases(viewer).filter(worker_id=viewer.user.pk, closed_at__isnull=True)


def shared_cases_qs(user) -> QuerySet[Case]:  # noqa: ANN001
    """Open cases of the user's agencies' teams that another worker is in charge of."""
    viewer = policy.viewer_for(user)
    return visible_cases(viewer).filter(closed_at__isnull=True).exclude(worker_id=viewer.user.pk)


def _case_rows(qs: QuerySet[Case]) -> list[Case]:
    return list(
        qs.select_related("client", "opening_organisation", "worker")
        .prefetch_related("household_members")
        .order_by("urgency", "-opened_at", "pk")[:LIST_LIMIT]
    )


def my_cases(user, *, request: HttpRequest | None = None) -> list[Case]:  # noqa: ANN001
    rows = _case_rows(my_cases_qs(user))
    _audit_list(user, rows, request, "mine")
    return rows


def shared_cases(user, *, request: HttpRequest | None = None) -> list[Case]:  # noqa: ANN001
    rows = _case_rows(shared_cases_qs(user))
    _audit_list(user, rows, request, "shared")
    return rows


@dataclass
class ReferralRow:
    referral: Referral
    received: bool  # addressed to one of the user's agencies (else sent by one)
    overdue: bool


def open_referrals_qs(user) -> QuerySet[Referral]:  # noqa: ANN001
    """Open referrals (依頼中, 受理) sent or received by the user's agencies."""
    ids = team_organisation_ids(policy.viewer_for(user))
    sent = Q(from_organisation_id__in=ids) & visible_cases_q(ids, prefix="case__")
    return Referral.objects.filter(status__in=OPEN_REFERRAL_STATUSES).filter(sent | received_open_q(ids))


def open_referrals(user, *, request: HttpRequest | None = None) -> list[ReferralRow]:  # noqa: ANN001
    """The 「依頼中の紹介」 list: overdue first, then by deadline."""
    ids = team_organisation_ids(policy.viewer_for(user))
    today = timezone.localdate()
    qs = open_referrals_qs(user).select_related("case__client", "from_organisation", "to_organisation")
    rows = [ReferralRow(r, r.to_organisation_id in ids, r.is_overdue(today)) for r in qs[:LIST_LIMIT]]
    rows.sort(key=lambda r: (not r.overdue, r.referral.respond_by, r.referral.pk))
    if rows:
        audit_record(
            actor=policy.viewer_for(user).user,
            action=AuditAction.LIST,
            target_type=AuditTarget.REFERRAL,
            target_ids={r.referral.case.client_id for r in rows if r.referral.case.client_id},
            detail={"list": "open_referrals", "referrals": len(rows)},
            request=request,
        )
    return rows


@dataclass(frozen=True)
class CaseCounts:
    mine: int
    shared: int
    referrals: int
    overdue_referrals: int


def case_counts(user) -> CaseCounts:  # noqa: ANN001
    """The menu's counts, read now (counts are not personal data and are not logged)."""
    today = timezone.localdate()
    referrals = open_referrals_qs(user)
    return CaseCounts(
        mine=my_cases_qs(user).count(),
        shared=shared_cases_qs(user).count(),
        referrals=referrals.count(),
        overdue_referrals=referrals.filter(status=ReferralStatus.REQUESTED, respond_by__lt=today).count(),
    )


def raiser_notices(user) -> QuerySet[RaiserNotice]:  # noqa: ANN001
    """What the user is told about concerns they raised: the kind and the date only."""
    return RaiserNotice.objects.filter(recipient_id=policy.viewer_for(user).user.pk).order_by("-created_at", "-pk")
