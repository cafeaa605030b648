"""The support plan page of a case (stages, plan, goals, actions, monitoring, approval, closing) and the
supervisor's approvals list: thin views over tsunagu.cases.services.plans, reached through case_or_404."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.core.output import attachment_header, output_filename

from ..models import Stage
from ..plan_pdf import render_plan_pdf
from ..selectors import approvals_pending, case_or_404, plan_for_export, plan_page
from ..services import (
    CaseError,
    action_add,
    allowed_stages,
    approval_required,
    case_close,
    case_closure_decide,
    goal_add,
    monitoring_record,
    plan_approve,
    plan_item_remove,
    plan_update,
    stage_move,
)
from ..support_forms import (
    ActionForm,
    ClosureDecisionForm,
    ClosureForm,
    GoalForm,
    MonitoringForm,
    PlanForm,
    StageForm,
)

FORMS = {
    "stage": StageForm,
    "update": PlanForm,
    "goals": GoalForm,
    "actions": ActionForm,
    "monitoring": MonitoringForm,
    "close": ClosureForm,
    "closure": ClosureDecisionForm,
}


def _render(request: HttpRequest, case, *, status: int = 200, bound: dict | None = None) -> HttpResponse:  # noqa: ANN001
    page = plan_page(case, request.GET.get("version"))
    plan = page.plan
    forms = {name: form() for name, form in FORMS.items()}
    if plan is not None:
        forms["update"] = PlanForm(initial={f: getattr(plan, f) for f in PlanForm.base_fields})
    forms.update(bound or {})
    labels = dict(Stage.choices)
    context = {
        "case": case,
        "page": page,
        "plan": plan,
        "editable": plan is not None and plan.status == "draft" and not request.GET.get("version"),
        "stages": [(s, labels[s]) for s in allowed_stages(case)],
        "flow": [(s, labels[s]) for s in Stage],
        "approval_required": approval_required(),
        "can_approve": policy.can(request.user, Capability.APPROVE_CASE_PLAN),
        "forms": forms,
        "today": timezone.localdate(),
    }
    return render(request, "cases/plan.html", context, status=status)


@login_required
@require_GET
def plan_view(request: HttpRequest, case_id: str) -> HttpResponse:
    return _render(request, case_or_404(request.user, case_id, request=request, purpose="支援計画"))


@login_required
@require_GET
def plan_pdf_view(request: HttpRequest, case_id: str) -> HttpResponse:
    page = plan_for_export(request.user, case_id, request.GET.get("version"), request=request)
    name = output_filename(
        "支援計画", ascii_what="support-plan", day=timezone.localdate(), extension="pdf", number=page.case.number
    )
    return HttpResponse(
        render_plan_pdf(page), content_type="application/pdf", headers={"Content-Disposition": attachment_header(name)}
    )


def _stage(request, case, data) -> None:  # noqa: ANN001
    stage_move(request.user, case, request.POST.get("stage", ""), note=data["note"], request=request)


def _update(request, case, data) -> None:  # noqa: ANN001
    plan_update(request.user, case, data=data, request=request)


def _goals(request, case, data) -> None:  # noqa: ANN001
    goal_add(request.user, case, request=request, **data)


def _actions(request, case, data) -> None:  # noqa: ANN001
    action_add(request.user, case, request=request, **data)


def _monitoring(request, case, data) -> None:  # noqa: ANN001
    monitoring_record(request.user, case, request=request, **data)


def _close(request, case, data) -> None:  # noqa: ANN001
    case_close(request.user, case, request=request, **data)


def _closure(request, case, data) -> None:  # noqa: ANN001
    approve = request.POST.get("decision") == "approve"
    case_closure_decide(request.user, case, approve=approve, return_reason=data["return_reason"], request=request)


HANDLERS: dict[str, tuple[Callable, Promise]] = {
    "stage": (_stage, gettext_lazy("段階を進めました。")),
    "update": (_update, gettext_lazy("支援計画を保存しました。")),
    "goals": (_goals, gettext_lazy("目標を加えました。")),
    "actions": (_actions, gettext_lazy("支援内容を加えました。")),
    "monitoring": (_monitoring, gettext_lazy("モニタリングを記録しました。")),
    "close": (_close, gettext_lazy("終結を記録しました（承認が必要なときは、承認を待っています）。")),
    "closure": (_closure, gettext_lazy("終結の申請を判断しました。")),
}


@login_required
@require_POST
def plan_action_view(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    case = case_or_404(request.user, case_id, request=request, audit=False)
    if action in ("approve", "remove"):
        try:
            if action == "approve":
                plan_approve(request.user, case, request=request)
            else:
                plan_item_remove(
                    request.user,
                    case,
                    goal_id=request.POST.get("goal"),
                    action_id=request.POST.get("action"),
                    request=request,
                )
        except CaseError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            done = gettext_lazy("承認しました。") if action == "approve" else gettext_lazy("削除しました。")
            messages.success(request, done)
        return redirect("cases:plan", case_id=case.pk)
    if action not in HANDLERS:
        raise Http404("unknown action")
    form = FORMS[action](request.POST)
    handler, done = HANDLERS[action]
    if form.is_valid():
        try:
            handler(request, case, form.cleaned_data)
        except CaseError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, done)
            return redirect("cases:plan", case_id=case.pk)
    case = case_or_404(request.user, case.pk, request=request, purpose="支援計画")
    return _render(request, case, status=400, bound={action: form})


@login_required
@require_GET
def approvals_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/approvals.html", {"rows": approvals_pending(request.user, request=request)})
