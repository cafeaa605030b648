"""Watcher and staff pages: my watch list, one person's watch page with the visit form, assignments (one, or in
bulk from the roster) and the overdue worklist. Each view parses input, asks a selector or service and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access.policy import Capability, can, capability_required
from tsunagu.volunteers.selectors import users_lacking_training

from ..forms import AssignmentForm, BulkAssignForm, OverdueFilterForm, VisitForm
from ..selectors import escalations_for_watcher, my_watch_list, overdue_worklist, watch_person
from ..services import (
    WatchError,
    assignment_create,
    assignment_end,
    assignments_bulk_create,
    roster_candidates,
    visit_record,
)


@login_required
@require_GET
def my_watch_view(request: HttpRequest) -> HttpResponse:
    return render(request, "watch/mine.html", {"rows": my_watch_list(user=request.user, request=request)})


@login_required
@require_http_methods(["GET", "POST"])
def watch_person_view(request: HttpRequest, person_id: str) -> HttpResponse:
    if request.method == "POST":
        detail = watch_person(user=request.user, person_id=person_id, request=request, audit=False)
        form = VisitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = visit_record(
                    user=request.user,
                    person_id=detail.person.pk,
                    method=data["method"],
                    outcome=data["outcome"],
                    observed_at=data["observed_at"],
                    concerns=data["concerns"],
                    note=data["note"],
                    client_id=data["client_id"],
                    request=request,
                )
            except WatchError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("見守りを記録しました。"))
                if result.escalation is not None:
                    messages.info(
                        request,
                        _("%(org)sにつなぎました。受け取られると、この画面に表示されます。")
                        % {"org": result.escalation.organisation.name},
                    )
                if result.warning:
                    messages.warning(request, result.warning)
                return redirect("watch:person", person_id=detail.person.pk)
        # Sent back with its errors, the page shows the person again: logged as a view, like the GET.
        detail = watch_person(user=request.user, person_id=person_id, request=request)
    else:
        detail = watch_person(user=request.user, person_id=person_id, request=request)
        form = VisitForm()
    can_manage = detail.full and can(request.user, Capability.MANAGE_WATCH)
    return render(
        request,
        "watch/person.html",
        {
            "detail": detail,
            "person": detail.person,
            "form": form if detail.can_record else None,
            "raised": escalations_for_watcher(request.user, detail.person.pk),
            "can_manage": can_manage,
            # Whether a watcher took 声掛け研修 is for those who assign watchers, not for the other watchers.
            "untrained": _untrained([row.assignment for row in detail.rows]) if can_manage else set(),
        },
    )


def _untrained(assignments) -> set[int]:  # noqa: ANN001
    """The named watchers of these assignments without a 声掛け研修 in force (tsunagu.volunteers keeps training;
    the watch stands on the floor above it and may ask)."""
    return users_lacking_training(a.watcher_id for a in assignments)


@capability_required(Capability.MANAGE_WATCH)
@require_http_methods(["GET", "POST"])
def assignment_create_view(request: HttpRequest, person_id: str) -> HttpResponse:
    detail = watch_person(user=request.user, person_id=person_id, request=request, audit=request.method == "GET")
    form = AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment_create(
                user=request.user,
                person_id=detail.person.pk,
                organisation=data["organisation"],
                watcher=data["watcher"],
                frequency=data["frequency"],
                whole_household=data["whole_household"],
                note=data["note"],
                started_on=data["started_on"],
                request=request,
            )
        except WatchError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("見守りの担当を登録しました。"))
            return redirect("watch:person", person_id=detail.person.pk)
    if request.method == "POST":
        # Sent back with its errors, the page shows the person again: logged as a view, like the GET.
        detail = watch_person(user=request.user, person_id=person_id, request=request)
    return render(request, "watch/assign.html", {"detail": detail, "person": detail.person, "form": form})


@capability_required(Capability.MANAGE_WATCH)
@require_POST
def assignment_end_view(request: HttpRequest, assignment_id: str) -> HttpResponse:
    try:
        assignment = assignment_end(user=request.user, assignment_id=assignment_id, request=request)
    except WatchError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("watch:mine")
    messages.success(request, _("見守りを終了しました（記録は残ります）。"))
    return redirect("watch:person", person_id=assignment.person_id)


@capability_required(Capability.MANAGE_WATCH)
@require_http_methods(["GET", "POST"])
def bulk_assign_view(request: HttpRequest) -> HttpResponse:
    """Two steps: the form shows how many listed persons it would reach; 「割り当てる」 then assigns them."""
    form = BulkAssignForm(request.POST or None, user=request.user)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        district_id = data["district"].pk
        rule_id = data["rule"].pk if data["rule"] else None
        if "confirm" in request.POST:
            try:
                result = assignments_bulk_create(
                    user=request.user,
                    district_id=district_id,
                    rule_id=rule_id,
                    organisation=data["organisation"],
                    watcher=data["watcher"],
                    frequency=data["frequency"],
                    started_on=data["started_on"],
                    request=request,
                )
            except WatchError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "%(created)d人に見守りの担当を割り当てました（すでに同じ担当がある%(skipped)d人はそのままです）。"
                    )
                    % {"created": result.created, "skipped": result.skipped},
                )
                return redirect("watch:overdue")
        else:
            candidates = roster_candidates(user=request.user, district_id=district_id, rule_id=rule_id)
            preview = None if candidates is None else candidates.count()
            if candidates is None:
                form.add_error(None, _("名簿がまだ作成されていないため、名簿から割り当てられません。"))
    return render(request, "watch/bulk_assign.html", {"form": form, "preview": preview})


@capability_required(Capability.MANAGE_WATCH)
@require_GET
def overdue_view(request: HttpRequest) -> HttpResponse:
    form = OverdueFilterForm(request.GET or None, user=request.user)
    report = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        report = overdue_worklist(
            user=request.user,
            district_id=data["district"].pk if data.get("district") else None,
            organisation_id=data["organisation"].pk if data.get("organisation") else None,
            request=request,
        )
    untrained = _untrained([row.assignment for row in report.rows]) if report else set()
    return render(request, "watch/overdue.html", {"form": form, "report": report, "untrained": untrained})
