"""Support plans and the stages of a case (支援の流れ), in one transitions table:

    相談受付 → アセスメント → プラン策定 → 支援調整会議 → 支援提供 → モニタリング → 評価 → 終結
                                   ↑            │                  │  ↑          │
                                   └─(見直し)───┘                  └──┘(継続)    └→ 再プラン → 支援調整会議

and 終結 from every open stage (information only, passed on, declined, moved, died …), with a reason. Moving to
プラン策定 makes the first plan; 再プラン makes a new version from the current one (the old one is kept). Where
the ward requires it (TSUNAGU_CASE_APPROVAL_REQUIRED), a supervisor (APPROVE_CASE_PLAN, of the plan's agency, not
its author) approves the plan before support starts and the closing before the case is closed. Closing tells the
person who raised the concern 支援を終了しました (notify_raiser). Every move is a StageChange and an audit row."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.ids import as_pk
from tsunagu.organisations.models import MembershipRole, Organisation
from tsunagu.watch.services import escalation_close_with_case

from ..models import (
    Case,
    CaseClosure,
    ClosureKind,
    GoalTerm,
    MonitoringEntry,
    NoticeKind,
    PlanAction,
    PlanGoal,
    PlanStatus,
    Stage,
    StageChange,
    SupportPlan,
)
from .errors import CaseError
from .notices import notify_raiser
from .team import team_agency_of

S = Stage
OPEN_STAGES = frozenset(s for s in Stage if s != Stage.CLOSED)
# The legal moves, in one place (終結 is reached through case_close, from every open stage).
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTAKE: frozenset({S.ASSESSMENT}),
    S.ASSESSMENT: frozenset({S.PLANNING}),
    S.PLANNING: frozenset({S.CONFERENCE}),
    S.CONFERENCE: frozenset({S.SUPPORT, S.PLANNING}),
    S.SUPPORT: frozenset({S.MONITORING}),
    S.MONITORING: frozenset({S.SUPPORT, S.EVALUATION}),
    S.EVALUATION: frozenset({S.REPLAN}),
    S.REPLAN: frozenset({S.CONFERENCE}),
    S.CLOSED: frozenset(),
}

ILLEGAL_STAGE_MESSAGE = _("「%(from)s」から「%(to)s」には進めません。")
CLOSED_MESSAGE = _("終結したケースの段階は変えられません。")
NOT_ON_TEAM_MESSAGE = _("支援チームの機関の職員だけが支援計画を扱えます。")
NO_PLAN_MESSAGE = _("支援計画がありません。「プラン策定」に進めると作成されます。")
PLAN_LOCKED_MESSAGE = _("承認済み・終了した支援計画は変更できません。変えるときは再プランにしてください。")
EMPTY_PLAN_MESSAGE = _("支援計画に目標と支援内容を1つ以上入れてください。")
NOT_APPROVED_MESSAGE = _("支援計画が承認されていません。支援の提供の前に、代表者（管理者）の承認が必要です。")
NO_AGREEMENT_MESSAGE = _("本人の同意（申込）の日を記録してください。")
NO_MONITORING_MESSAGE = _("評価の前に、モニタリングを1回以上記録してください。")
PERIOD_MESSAGE = _("プランの期間の終了日は開始日より後にしてください。")
NO_GOAL_MESSAGE = _("目標を入力してください。")
BAD_TERM_MESSAGE = _("長期目標か短期目標かを選んでください。")
NO_ACTION_MESSAGE = _("支援の内容を入力してください。")
NO_RESPONSIBLE_MESSAGE = _("担当（機関または担当者）を入力してください。")
NO_FINDINGS_MESSAGE = _("モニタリングの内容を入力してください。")
FUTURE_MONITORING_MESSAGE = _("モニタリングの実施日に未来の日付は指定できません。")
NEXT_REVIEW_MESSAGE = _("次のモニタリング予定日は実施日より後にしてください。")
NOT_SUPERVISOR_MESSAGE = _("承認できるのは、計画を作成した機関の代表者（管理者）です。")
OWN_PLAN_MESSAGE = _("自分が作成・申請したものは承認できません。ほかの代表者（管理者）に依頼してください。")
ALREADY_APPROVED_MESSAGE = _("この支援計画はすでに承認されています。")
BAD_CLOSURE_MESSAGE = _("終結の理由を選んでください。")
CLOSURE_NOTE_MESSAGE = _("「その他」のときは理由の詳細を入力してください。")
CLOSURE_PENDING_MESSAGE = _("終結の承認を待っています。")
NO_PENDING_CLOSURE_MESSAGE = _("承認を待っている終結の申請はありません。")
RETURN_REASON_MESSAGE = _("差し戻す理由を入力してください。")


def approval_required() -> bool:
    return bool(settings.TSUNAGU_CASE_APPROVAL_REQUIRED)


def current_plan(case: Case) -> SupportPlan | None:
    return case.plans.exclude(status=PlanStatus.SUPERSEDED).order_by("-version").first()


def _agency(user, case: Case) -> int:  # noqa: ANN001
    organisation_id = team_agency_of(user, case)
    if organisation_id is None:
        raise CaseError([NOT_ON_TEAM_MESSAGE])
    return organisation_id


def _audit(user, case: Case, request, action: str, **detail) -> None:  # noqa: ANN001, ANN003
    audit_record(
        actor=user,
        action=action,
        target_type=AuditTarget.SUPPORT_PLAN,
        target_ids=case.person_ids(),
        detail={"case": case.pk, **detail},
        request=request,
    )


def allowed_stages(case: Case) -> list[str]:
    """The stages the case may move to now (the buttons a page shows; 終結 has its own form)."""
    return [s for s in Stage if s in STAGE_TRANSITIONS.get(case.stage, frozenset())]


def _copy_plan(old: SupportPlan, user) -> SupportPlan:  # noqa: ANN001
    new = SupportPlan.objects.create(
        case=old.case,
        version=old.version + 1,
        organisation=old.organisation,
        client_wishes=old.client_wishes,
        issues=old.issues,
        created_by=user,
    )
    PlanGoal.objects.bulk_create(PlanGoal(plan=new, term=g.term, text=g.text, order=g.order) for g in old.goals.all())
    PlanAction.objects.bulk_create(
        PlanAction(
            plan=new, what=a.what, organisation=a.organisation, person=a.person, frequency=a.frequency, order=a.order
        )
        for a in old.actions.all()
    )
    return new


def _check_guard(case: Case, target: str, plan: SupportPlan | None) -> list[str]:
    if target == S.CONFERENCE:
        if plan is None:
            return [NO_PLAN_MESSAGE]
        if not plan.goals.exists() or not plan.actions.exists():
            return [EMPTY_PLAN_MESSAGE]
    if target == S.SUPPORT:
        if plan is None:
            return [NO_PLAN_MESSAGE]
        errors = []
        if approval_required() and plan.status != PlanStatus.APPROVED:
            errors.append(NOT_APPROVED_MESSAGE)
        if plan.client_agreed_on is None:
            errors.append(NO_AGREEMENT_MESSAGE)
        return errors
    if target == S.EVALUATION and (plan is None or not plan.monitoring.exists()):
        return [NO_MONITORING_MESSAGE]
    return []


def stage_move(
    user,  # noqa: ANN001
    case: Case,
    target: str,
    *,
    note: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """Move the case to `target` along STAGE_TRANSITIONS, or refuse with a clear message (nothing changes). The
    caller reached the case through case_or_404."""
    labels = dict(Stage.choices)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.stage == S.CLOSED:
            raise CaseError([CLOSED_MESSAGE])
        if target not in STAGE_TRANSITIONS.get(case.stage, frozenset()):
            raise CaseError([ILLEGAL_STAGE_MESSAGE % {"from": labels[case.stage], "to": labels.get(target, target)}])
        organisation_id = _agency(user, case)
        plan = current_plan(case)
        errors = _check_guard(case, target, plan)
        if errors:
            raise CaseError(errors)
        if target == S.PLANNING and plan is None:
            plan = SupportPlan.objects.create(case=case, version=1, organisation_id=organisation_id, created_by=user)
        if target == S.PLANNING and plan is not None and plan.status == PlanStatus.APPROVED:
            # Sent back by the 支援調整会議: the plan is a draft again and needs a new approval.
            plan.status, plan.approved_at, plan.approved_by = PlanStatus.DRAFT, None, None
            plan.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
        if target == S.REPLAN and plan is not None:
            plan.status, plan.superseded_at = PlanStatus.SUPERSEDED, timezone.now()
            plan.save(update_fields=["status", "superseded_at"])
            plan = _copy_plan(plan, user)
        from_stage = case.stage
        case.stage = target
        case.save(update_fields=["stage", "updated_at"])
        StageChange.objects.create(
            case=case, from_stage=from_stage, to_stage=target, at=timezone.now(), by=user, note=note.strip()[:500]
        )
        _audit(user, case, request, AuditAction.UPDATE, from_stage=from_stage, stage=target)
    return case


def _editable(case: Case) -> SupportPlan:
    plan = current_plan(case)
    if plan is None:
        raise CaseError([NO_PLAN_MESSAGE])
    if plan.status != PlanStatus.DRAFT:
        raise CaseError([PLAN_LOCKED_MESSAGE])
    return plan


PLAN_TEXT_FIELDS = ("client_wishes", "issues")
PLAN_DATE_FIELDS = ("period_start", "period_end", "review_on", "client_agreed_on")


def plan_update(
    user,  # noqa: ANN001
    case: Case,
    *,
    data: Mapping[str, Any],
    request: HttpRequest | None = None,
) -> SupportPlan:
    """The plan's text and dates (本人の思い, 課題, 期間, 次のモニタリング, 本人の同意の日), while a draft."""
    _agency(user, case)
    plan = _editable(case)
    start, end = data.get("period_start"), data.get("period_end")
    if start and end and end <= start:
        raise CaseError([PERIOD_MESSAGE])
    if data.get("client_agreed_on") and data["client_agreed_on"] > timezone.localdate():
        raise CaseError([FUTURE_MONITORING_MESSAGE])
    for name in PLAN_TEXT_FIELDS:
        setattr(plan, name, str(data.get(name, "")).strip())
    for name in PLAN_DATE_FIELDS:
        setattr(plan, name, data.get(name) or None)
    with transaction.atomic():
        plan.save()
        _audit(user, case, request, AuditAction.UPDATE, plan=plan.pk, version=plan.version)
    return plan


def goal_add(user, case: Case, *, term: str, text: str, request: HttpRequest | None = None) -> PlanGoal:  # noqa: ANN001
    _agency(user, case)
    plan = _editable(case)
    errors = []
    if term not in GoalTerm.values:
        errors.append(BAD_TERM_MESSAGE)
    if not text.strip():
        errors.append(NO_GOAL_MESSAGE)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        goal = PlanGoal.objects.create(plan=plan, term=term, text=text.strip(), order=plan.goals.count() + 1)
        _audit(user, case, request, AuditAction.UPDATE, plan=plan.pk, goal=goal.pk)
    return goal


def action_add(
    user,  # noqa: ANN001
    case: Case,
    *,
    what: str,
    organisation: Organisation | None = None,
    person: str = "",
    frequency: str = "",
    request: HttpRequest | None = None,
) -> PlanAction:
    _agency(user, case)
    plan = _editable(case)
    errors = []
    if not what.strip():
        errors.append(NO_ACTION_MESSAGE)
    if organisation is None and not person.strip():
        errors.append(NO_RESPONSIBLE_MESSAGE)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        action = PlanAction.objects.create(
            plan=plan,
            what=what.strip(),
            organisation=organisation,
            person=person.strip(),
            frequency=frequency.strip(),
            order=plan.actions.count() + 1,
        )
        _audit(user, case, request, AuditAction.UPDATE, plan=plan.pk, plan_action=action.pk)
    return action


def plan_item_remove(user, case: Case, *, goal_id: object = None, action_id: object = None, request=None) -> None:  # noqa: ANN001
    """Remove a goal or an action from a draft plan."""
    _agency(user, case)
    plan = _editable(case)
    with transaction.atomic():
        if goal_id is not None:
            plan.goals.filter(pk=as_pk(goal_id)).delete()
        if action_id is not None:
            plan.actions.filter(pk=as_pk(action_id)).delete()
        _audit(user, case, request, AuditAction.UPDATE, plan=plan.pk, removed=True)


def monitoring_record(
    user,  # noqa: ANN001
    case: Case,
    *,
    held_on: datetime.date,
    findings: str,
    next_review_on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> MonitoringEntry:
    """A monitoring (during support or at the モニタリング stage): what was found and the next review, which becomes
    the plan's next review date."""
    _agency(user, case)
    plan = current_plan(case)
    if plan is None:
        raise CaseError([NO_PLAN_MESSAGE])
    errors = []
    if not findings.strip():
        errors.append(NO_FINDINGS_MESSAGE)
    if held_on > timezone.localdate():
        errors.append(FUTURE_MONITORING_MESSAGE)
    if next_review_on is not None and next_review_on <= held_on:
        errors.append(NEXT_REVIEW_MESSAGE)
    if errors:
        raise CaseError(errors)
    with transaction.atomic():
        entry = MonitoringEntry.objects.create(
            plan=plan, held_on=held_on, findings=findings.strip(), next_review_on=next_review_on, recorded_by=user
        )
        plan.review_on = next_review_on
        plan.save(update_fields=["review_on", "updated_at"])
        _audit(user, case, request, AuditAction.CREATE, plan=plan.pk, monitoring=entry.pk)
    return entry


def _require_supervisor(user, organisation_id: int, author_id: int) -> None:  # noqa: ANN001
    policy.require_capability(user, Capability.APPROVE_CASE_PLAN)
    viewer = policy.viewer_for(user)
    if not any(m.organisation_id == organisation_id and m.role == MembershipRole.MANAGER for m in viewer.memberships):
        raise CaseError([NOT_SUPERVISOR_MESSAGE])
    if viewer.user.pk == author_id:
        raise CaseError([OWN_PLAN_MESSAGE])


def plan_approve(user, case: Case, *, request: HttpRequest | None = None) -> SupportPlan:  # noqa: ANN001
    """A supervisor of the plan's agency (not its author) approves the current plan; it is then locked. Where the
    ward does not require approval, a supervisor may still approve (the plan is then locked the same way)."""
    with transaction.atomic():
        plan = current_plan(case)
        if plan is None:
            raise CaseError([NO_PLAN_MESSAGE])
        plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status == PlanStatus.APPROVED:
            raise CaseError([ALREADY_APPROVED_MESSAGE])
        _require_supervisor(user, plan.organisation_id, plan.created_by_id)
        if not plan.goals.exists() or not plan.actions.exists():
            raise CaseError([EMPTY_PLAN_MESSAGE])
        plan.status, plan.approved_at, plan.approved_by = PlanStatus.APPROVED, timezone.now(), user
        plan.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
        _audit(user, case, request, AuditAction.UPDATE, plan=plan.pk, approved=True)
    return plan


def _close(user, case: Case, closure: CaseClosure, request: HttpRequest | None) -> None:  # noqa: ANN001
    now = timezone.now()
    from_stage = case.stage
    case.stage, case.closed_at, case.closing_reason = S.CLOSED, now, closure.reason_text[:200]
    case.save(update_fields=["stage", "closed_at", "closing_reason", "updated_at"])
    StageChange.objects.create(case=case, from_stage=from_stage, to_stage=S.CLOSED, at=now, by=user, note="")
    notify_raiser(case, NoticeKind.SUPPORT_ENDED)
    if case.source_escalation_id is not None:
        # The watcher who raised the concern sees 「対応しました」 on it (never the case or this note).
        note = _("相談支援記録 %(number)s の支援を終了しました（%(reason)s）。") % {
            "number": case.number,
            "reason": closure.reason_text,
        }
        escalation_close_with_case(case.source_escalation_id, user, note=str(note), request=request)
    _audit(user, case, request, AuditAction.UPDATE, from_stage=from_stage, stage=S.CLOSED, closure=closure.kind)


def case_close(
    user,  # noqa: ANN001
    case: Case,
    *,
    kind: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> CaseClosure:
    """Close the case with a reason: at once where the ward does not require approval, otherwise a request the
    supervisor approves (case_closure_decide)."""
    note = note.strip()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.stage == S.CLOSED:
            raise CaseError([CLOSED_MESSAGE])
        _agency(user, case)
        if kind not in ClosureKind.values:
            raise CaseError([BAD_CLOSURE_MESSAGE])
        if kind == ClosureKind.OTHER and not note:
            raise CaseError([CLOSURE_NOTE_MESSAGE])
        if case.closures.filter(decided_at__isnull=True).exists():
            raise CaseError([CLOSURE_PENDING_MESSAGE])
        now = timezone.now()
        closure = CaseClosure.objects.create(
            case=case, kind=kind, note=note, from_stage=case.stage, requested_by=user, requested_at=now
        )
        if approval_required():
            _audit(user, case, request, AuditAction.CREATE, closure_requested=kind)
        else:
            closure.decided_at, closure.decided_by, closure.approved = now, user, True
            closure.save(update_fields=["decided_at", "decided_by", "approved"])
            _close(user, case, closure, request)
    return closure


def case_closure_decide(
    user,  # noqa: ANN001
    case: Case,
    *,
    approve: bool,
    return_reason: str = "",
    request: HttpRequest | None = None,
) -> CaseClosure:
    """The supervisor approves the pending closing (the case is closed, the raiser told) or returns it with a
    reason (the case stays at its stage)."""
    return_reason = return_reason.strip()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        closure = case.closures.filter(decided_at__isnull=True).first()
        if closure is None:
            raise CaseError([NO_PENDING_CLOSURE_MESSAGE])
        _agency(user, case)
        plan = current_plan(case)
        responsible = plan.organisation_id if plan is not None else case.opening_organisation_id
        _require_supervisor(user, responsible, closure.requested_by_id)
        if not approve and not return_reason:
            raise CaseError([RETURN_REASON_MESSAGE])
        closure.decided_at, closure.decided_by, closure.approved = timezone.now(), user, approve
        closure.return_reason = "" if approve else return_reason
        closure.save(update_fields=["decided_at", "decided_by", "approved", "return_reason"])
        if approve:
            _close(user, case, closure, request)
        else:
            _audit(user, case, request, AuditAction.UPDATE, closure_returned=closure.pk)
    return closure
