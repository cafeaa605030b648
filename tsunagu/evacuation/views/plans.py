"""Individual evacuation plan pages: the list, one person's plan (view / edit), the A4 sheet and the completion
report. Each view parses input, asks a selector or service (policy and audit live there) and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.access.policy import Capability, Refused, capability_required
from tsunagu.audit.models import AuditTarget
from tsunagu.core.output import attachment_header
from tsunagu.core.paging import page_number
from tsunagu.evacuation.forms import (
    MAX_SUPPORTERS,
    SUPPORTER_PREFIX,
    TOTAL_FORMS_FIELD,
    EvacuationPlanForm,
    PlanFilterForm,
    PlanPdfForm,
    SupporterFormSet,
    new_supporter_form,
    supporter_formset_plus_one,
    supporter_row_count,
    supporter_rows,
)
from tsunagu.evacuation.pdf import evacuation_plan_export_pdf
from tsunagu.evacuation.selectors import can_view_progress, plan_detail, plan_list, plan_progress
from tsunagu.evacuation.services import (
    EDIT_REFUSED_MESSAGE,
    PlanEditRefusedError,
    PlanValidationError,
    evacuation_plan_save,
)

PLAN_LIST_PAGE_SIZE = 50


@login_required
@require_GET
def plan_list_view(request: HttpRequest) -> HttpResponse:
    form = PlanFilterForm(request.GET)
    result = None
    if form.is_valid():
        result = plan_list(
            user=request.user,
            filters=form.filters(),
            page=page_number(request),
            page_size=PLAN_LIST_PAGE_SIZE,
            request=request,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evacuation/plan_list.html",
        {
            "form": form,
            "result": result,
            "query": query.urlencode(),
            "can_view_progress": can_view_progress(request.user),
        },
    )


def _initial_supporters(detail) -> list[dict]:  # noqa: ANN001
    return [
        {"name": s.name, "relation": s.relation, "address": s.address, "phone": s.phone, "candidate_id": s.candidate_id}
        for s in detail.supporters
    ]


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail_view(request: HttpRequest, person_id: str) -> HttpResponse:
    if request.method == "POST":
        # Out of scope: 404 and a denied entry, before anything else is looked at.
        detail = plan_detail(user=request.user, person_id=person_id, request=request, audit=False)
        if not detail.can_edit:
            raise Refused(
                EDIT_REFUSED_MESSAGE, target=AuditTarget.PERSON, target_ids=[detail.person.pk], detail={"plan": "edit"}
            )
        form = EvacuationPlanForm(request.POST, instance=detail.plan)
        if "add_supporter" in request.POST:
            # 「支援者を追加する」 without JavaScript: the same form, everything typed kept, one more row.
            formset = supporter_formset_plus_one(request.POST)
            return _render_detail(request, detail, form, formset)
        formset = SupporterFormSet(request.POST, prefix=SUPPORTER_PREFIX)
        if form.is_valid() and formset.is_valid():
            try:
                evacuation_plan_save(
                    person=detail.person,
                    data=form.service_data(),
                    supporters=supporter_rows(formset),
                    user=request.user,
                    request=request,
                )
            except PlanValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            except PlanEditRefusedError as error:  # scope changed between the two checks
                raise Refused(str(error), target=AuditTarget.PERSON, target_ids=[detail.person.pk]) from None
            else:
                messages.success(request, _("個別避難計画を保存しました。"))
                return redirect("evacuation:plan_detail", person_id=detail.person.pk)
    else:
        detail = plan_detail(user=request.user, person_id=person_id, request=request)
        form, formset = None, None
        if detail.can_edit:
            form = EvacuationPlanForm(instance=detail.plan)
            formset = SupporterFormSet(initial=_initial_supporters(detail), prefix=SUPPORTER_PREFIX)
    return _render_detail(request, detail, form, formset)


def _render_detail(request: HttpRequest, detail, form, formset) -> HttpResponse:  # noqa: ANN001
    context = {"detail": detail, "person": detail.person, "plan": detail.plan, "form": form, "formset": formset}
    if formset is not None:
        context["can_add_supporter"] = formset.total_form_count() < MAX_SUPPORTERS
        context["max_supporters"] = MAX_SUPPORTERS
    return render(request, "evacuation/plan_detail.html", context)


@login_required
@require_GET
def plan_supporter_row_view(request: HttpRequest, person_id: str) -> HttpResponse:
    """One new empty supporter row for the plan form (htmx): the row, the formset's TOTAL_FORMS one higher and
    the add button (or a note once the form is full), swapped out of band. Only for those who may edit."""
    detail = plan_detail(user=request.user, person_id=person_id, request=request, audit=False)
    if not detail.can_edit:
        raise Refused(
            EDIT_REFUSED_MESSAGE, target=AuditTarget.PERSON, target_ids=[detail.person.pk], detail={"plan": "edit"}
        )
    if not request.htmx:
        # A fragment is no page: opened by itself (a bookmark, a new tab), it is the plan form it belongs to.
        return redirect("evacuation:plan_detail", person_id=detail.person.pk)
    index = supporter_row_count(request.GET.get(TOTAL_FORMS_FIELD))
    if index >= MAX_SUPPORTERS:
        return HttpResponse(status=204)
    context = {
        "person": detail.person,
        "sform": new_supporter_form(index),
        "total": index + 1,
        "can_add_supporter": index + 1 < MAX_SUPPORTERS,
        "max_supporters": MAX_SUPPORTERS,
    }
    return render(request, "evacuation/partials/supporter_new_row.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_pdf_view(request: HttpRequest, person_id: str) -> HttpResponse:
    if request.method == "POST":
        form = PlanPdfForm(request.POST)
        if form.is_valid():
            result = evacuation_plan_export_pdf(
                user=request.user, person_id=person_id, purpose=form.cleaned_data["purpose"], request=request
            )
            return HttpResponse(
                result.content,
                content_type="application/pdf",
                headers={"Content-Disposition": attachment_header(result.filename)},
            )
        detail = plan_detail(user=request.user, person_id=person_id, request=request, audit=False)
    else:
        form = PlanPdfForm()
        # The page names the person, so opening it is a view of the person.
        detail = plan_detail(user=request.user, person_id=person_id, request=request)
    return render(request, "evacuation/plan_pdf.html", {"form": form, "detail": detail, "person": detail.person})


# Counts reveal no one, but the report is a management tool for the professional partners.
@capability_required(Capability.VIEW_PLAN_PROGRESS)
@require_GET
def plan_progress_view(request: HttpRequest) -> HttpResponse:
    return render(request, "evacuation/plan_progress.html", {"progress": plan_progress(user=request.user)})
