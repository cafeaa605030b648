"""Reads of support plans: a case's plan page (through case_or_404: the team check and its audit are there) and
the supervisor's list of what waits for approval."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.organisations.models import MembershipRole

from ..models import Case, CaseClosure, PlanStatus, Stage, StageChange, SupportPlan
from .access import case_or_404, visible_cases


@dataclass
class PlanPage:
    case: Case
    plan: SupportPlan | None
    versions: list[SupportPlan]
    stage_changes: QuerySet[StageChange]
    pending_closure: CaseClosure | None
    closures: list[CaseClosure]
    review_overdue: bool


def plan_of(case: Case, version: object | None = None) -> SupportPlan | None:
    """The current plan, or the given version (kept after 再プラン)."""
    plans = case.plans.select_related("organisation", "approved_by", "created_by").prefetch_related(
        "goals", "actions__organisation", "monitoring__recorded_by"
    )
    if version not in (None, ""):
        try:
            return plans.filter(version=int(str(version))).first()
        except ValueError:
            return None
    return plans.exclude(status=PlanStatus.SUPERSEDED).order_by("-version").first()


def plan_page(case: Case, version: object | None = None) -> PlanPage:
    """What the plan page shows of a case the caller reached through case_or_404 (which logged the read)."""
    plan = plan_of(case, version)
    closures = list(case.closures.select_related("requested_by", "decided_by"))
    review_on = plan.review_on if plan else None
    return PlanPage(
        case=case,
        plan=plan,
        versions=list(case.plans.order_by("-version")),
        stage_changes=case.stage_changes.select_related("by"),
        pending_closure=next((c for c in closures if c.is_pending), None),
        closures=closures,
        review_overdue=bool(review_on and review_on < timezone.localdate() and case.stage != Stage.CLOSED),
    )


def plan_for_export(user, case_id: object, version: object | None, *, request: HttpRequest | None = None) -> PlanPage:  # noqa: ANN001
    """The plan page for its PDF: the team check of case_or_404 (404, logged, for anyone else) and the export
    logged with the persons the case names. Http404 when the case has no plan (or no such version)."""
    case = case_or_404(user, case_id, request=request, audit=False)
    page = plan_page(case, version)
    if page.plan is None:
        raise Http404("no plan")
    audit_record(
        actor=policy.viewer_for(user).user,
        action=AuditAction.EXPORT,
        target_type=AuditTarget.SUPPORT_PLAN,
        target_ids=case.person_ids(),
        detail={"case": case.pk, "plan": page.plan.pk, "version": page.plan.version},
        request=request,
    )
    return page


@dataclass
class ApprovalRow:
    case: Case
    plan: SupportPlan | None
    closure: CaseClosure | None


def approvals_pending(user, *, request: HttpRequest | None = None) -> list[ApprovalRow]:  # noqa: ANN001
    """For a supervisor: draft plans of cases at 支援調整会議 and pending closings, of the cases of the agencies the
    user manages (and sees through their team). The list is logged."""
    viewer = policy.viewer_for(user)
    managed = {m.organisation_id for m in viewer.memberships if m.role == MembershipRole.MANAGER}
    if not managed:
        return []
    cases = visible_cases(viewer).filter(closed_at__isnull=True)
    plans = (
        SupportPlan.objects.filter(
            case__in=cases, status=PlanStatus.DRAFT, organisation_id__in=managed, case__stage=Stage.CONFERENCE
        )
        .exclude(created_by_id=viewer.user.pk)
        .select_related("case__client")
    )
    closures = (
        CaseClosure.objects.filter(case__in=cases, decided_at__isnull=True)
        .exclude(requested_by_id=viewer.user.pk)
        .select_related("case__client")
    )
    rows = [ApprovalRow(p.case, p, None) for p in plans[:200]] + [ApprovalRow(c.case, None, c) for c in closures[:200]]
    if rows:
        ids: set[int] = set()
        for row in rows:
            ids.update(row.case.person_ids())
        audit_record(
            actor=viewer.user,
            action=AuditAction.LIST,
            target_type=AuditTarget.SUPPORT_PLAN,
            target_ids=ids,
            detail={"list": "approvals", "rows": len(rows)},
            request=request,
        )
    return rows
