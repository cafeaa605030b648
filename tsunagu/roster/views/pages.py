"""Roster pages: the list of the latest build, why a person is (not) listed, the rules, and the builds with their
differences. Each view parses its input, asks the policy or a selector (which writes the audit entry) and
renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access import policy
from tsunagu.access.policy import Capability, capability_required
from tsunagu.core.paging import page_number
from tsunagu.jobs.models import JobKind, JobStatus
from tsunagu.jobs.services import enqueue
from tsunagu.jobs.views import job_response

from ..forms import RosterFilterForm, RosterRuleForm
from ..jobs import BUILD_CREATED_MESSAGE
from ..models import RosterRule
from ..selectors import (
    DIFF_PAGE_SIZE,
    DIFF_SECTIONS,
    person_roster_explanation,
    roster_build_changes,
    roster_builds,
    roster_list,
    rule_threshold_display,
)
from ..services import roster_rule_deactivate, roster_rule_save

__all__ = ["BUILD_CREATED_MESSAGE"]

ROSTER_PAGE_SIZE = 50

# Marked for extraction here, translated when shown.
RULE_SAVED_MESSAGE = gettext_noop("条件「{label}」を保存しました。")
RULE_DEACTIVATED_MESSAGE = gettext_noop("条件「{label}」を適用しないようにしました。")


@login_required
@require_GET
def roster_list_view(request: HttpRequest) -> HttpResponse:
    form = RosterFilterForm(request.GET, user=request.user)
    result = None
    if form.is_valid():
        result = roster_list(
            user=request.user,
            filters=form.filters(),
            page=page_number(request),
            page_size=ROSTER_PAGE_SIZE,
            request=request,
        )
    context = {"form": form, "result": result, "can_manage": policy.can(request.user, Capability.MANAGE_ROSTER)}
    return render(request, "roster/list.html", context)


@login_required
@require_GET
def person_why_view(request: HttpRequest, person_id: str) -> HttpResponse:
    explanation = person_roster_explanation(user=request.user, person_id=person_id, request=request)
    return render(request, "roster/why.html", {"x": explanation, "person": explanation.person})


@capability_required(Capability.MANAGE_ROSTER)
@require_http_methods(["GET", "POST"])
def rules_view(request: HttpRequest) -> HttpResponse:
    """The rules, with a form to add one and the button that makes a new build."""
    form = RosterRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rule = roster_rule_save(rule=form.save(commit=False), user=request.user, request=request)
        messages.success(request, _(RULE_SAVED_MESSAGE).format(label=rule.label))
        return redirect("roster:rules")
    rules = [(rule, rule_threshold_display(rule)) for rule in RosterRule.objects.all()]
    return render(request, "roster/rules.html", {"form": form, "rules": rules})


@capability_required(Capability.MANAGE_ROSTER)
@require_http_methods(["GET", "POST"])
def rule_edit_view(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(RosterRule, pk=rule_id)
    form = RosterRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        rule = roster_rule_save(rule=form.save(commit=False), user=request.user, request=request)
        messages.success(request, _(RULE_SAVED_MESSAGE).format(label=rule.label))
        return redirect("roster:rules")
    return render(request, "roster/rule_form.html", {"form": form, "rule": rule})


@capability_required(Capability.MANAGE_ROSTER)
@require_POST
def rule_deactivate_view(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(RosterRule, pk=rule_id)
    roster_rule_deactivate(rule=rule, user=request.user, request=request)
    messages.success(request, _(RULE_DEACTIVATED_MESSAGE).format(label=rule.label))
    return redirect("roster:rules")


@capability_required(Capability.MANAGE_ROSTER)
@require_POST
def build_create_view(request: HttpRequest) -> HttpResponse:
    """Starts the build as a background job (tsunagu.roster.jobs); the job's page shows its progress and then
    opens the new build's differences."""
    job = enqueue(JobKind.ROSTER_BUILD, "tsunagu.roster.jobs.roster_build_job", user=request.user, request=request)
    if job.status == JobStatus.FAILED:
        messages.error(request, job.error)
        return redirect("roster:rules")
    return job_response(request, job)


@capability_required(Capability.MANAGE_ROSTER)
@require_GET
def builds_view(request: HttpRequest) -> HttpResponse:
    return render(request, "roster/builds.html", {"builds": roster_builds()})


@capability_required(Capability.MANAGE_ROSTER)
@require_GET
def build_diff_view(request: HttpRequest, number: int) -> HttpResponse:
    pages = {name: page_number(request, param=f"{name}_page") for name in DIFF_SECTIONS}
    diff = roster_build_changes(
        user=request.user, number=number, pages=pages, page_size=DIFF_PAGE_SIZE, request=request
    )
    return render(request, "roster/build_diff.html", {"diff": diff, "build": diff.build})
