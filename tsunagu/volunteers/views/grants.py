"""Pages of the grants to local activities (つながり応援補助金): the public application form (no sign-in, while a call
is open) and the centre's pages for calls, review and decision, payments and activity reports. Thin: rules are in
services.grants, reads in selectors.grants."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.access.policy import Capability, capability_required

from ..grant_forms import PHOTO_SLOTS, ApplicationForm, CallForm, DecisionForm, PaymentForm, ReportForm
from ..models import ApplicationStatus
from ..public_forms import TOO_MANY, client_ip, honeypot_filled, submission_allowed
from ..selectors import (
    application_or_404,
    application_reports,
    call_applications,
    call_budget,
    call_list,
    call_or_404,
    open_call_or_404,
    open_calls,
    report_photo_or_404,
)
from ..services import (
    GrantRefused,
    application_decide,
    application_start_review,
    application_submit,
    call_create,
    check_photos,
    payment_record,
    report_record,
)
from ..services.grants import GRANT_FORM, paid_total
from .staff import _ward_id

manage_required = capability_required(Capability.MANAGE_VOLUNTEERS)


# --- Public ------------------------------------------------------------------------------------------------


@require_GET
def grant_calls_public(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/grants_public.html", {"calls": open_calls(timezone.localdate())})


@require_http_methods(["GET", "POST"])
def grant_apply(request: HttpRequest, call_id: int) -> HttpResponse:
    call = open_call_or_404(call_id, timezone.localdate())
    form = ApplicationForm(request.POST or None, call=call)
    error = ""
    if request.method == "POST":
        if honeypot_filled(request):
            # The hidden field was filled: a script. Answer as if received, store nothing.
            return redirect("volunteers:grant_apply_done")
        if not submission_allowed(GRANT_FORM, client_ip(request)):
            error = str(TOO_MANY)
        elif form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("website", None)
            try:
                application_submit(call=call, ip=client_ip(request), request=request, **data)
            except GrantRefused as refused:
                error = str(refused)
            else:
                return redirect("volunteers:grant_apply_done")
    return render(
        request,
        "volunteers/grant_apply.html",
        {"call": call, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def grant_apply_done(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/grant_apply_done.html")


# --- Staff -------------------------------------------------------------------------------------------------


@manage_required
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest) -> HttpResponse:
    """The ward's calls with their budget used and left, and a new call."""
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = call_create(
                actor=request.user, municipality_id=_ward_id(request), request=request, **form.cleaned_data
            )
        except GrantRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("募集を登録しました。"))
            return redirect("volunteers:grant_call", call.pk)
    calls = list(call_list(request.user))
    for call in calls:
        call.remaining = call.budget - (call.approved_total or 0)
    return render(
        request,
        "volunteers/grants.html",
        {"calls": calls, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@manage_required
@require_GET
def grant_call(request: HttpRequest, call_id: int) -> HttpResponse:
    call = call_or_404(request.user, call_id, request=request)
    status = request.GET.get("status", "")
    context = {
        "call": call,
        "budget": call_budget(call),
        "applications": call_applications(request.user, call, status=status, request=request),
        "status": status,
        "statuses": ApplicationStatus.choices,
        "is_open": call.is_open_on(timezone.localdate()),
    }
    return render(request, "volunteers/grant_call.html", context)


@manage_required
@require_http_methods(["GET", "POST"])
def grant_application(request: HttpRequest, application_id: int) -> HttpResponse:
    application = application_or_404(request.user, application_id, request=request)
    action = request.POST.get("action")
    decision_form = DecisionForm(request.POST if action == "decide" else None)
    payment_form = PaymentForm(request.POST if action == "pay" else None, initial={"paid_on": timezone.localdate()})
    report_form = ReportForm(
        request.POST if action == "report" else None, request.FILES if action == "report" else None
    )
    try:
        if action == "review":
            application_start_review(actor=request.user, application=application, request=request)
            messages.success(request, _("審査中にしました。"))
            return redirect("volunteers:grant_application", application.pk)
        if action == "decide" and decision_form.is_valid():
            data = decision_form.cleaned_data
            application_decide(
                actor=request.user,
                application=application,
                approve=data["decision"] == "approve",
                amount=data.get("amount"),
                reason=data.get("reason") or "",
                request=request,
            )
            messages.success(request, _("決定を記録しました。"))
            return redirect("volunteers:grant_application", application.pk)
        if action == "pay" and payment_form.is_valid():
            payment_record(actor=request.user, application=application, request=request, **payment_form.cleaned_data)
            messages.success(request, _("支払を記録しました。"))
            return redirect("volunteers:grant_application", application.pk)
        if action == "report" and report_form.is_valid():
            files, alts = report_form.photos()
            data = report_form.cleaned_data
            report_record(
                actor=request.user,
                application=application,
                summary=data["summary"],
                participants=data["participants"],
                spent_amount=data["spent_amount"],
                photos=check_photos(files, alts),
                request=request,
            )
            messages.success(request, _("活動報告を記録しました。"))
            return redirect("volunteers:grant_application", application.pk)
    except GrantRefused as refused:
        form = {"decide": decision_form, "pay": payment_form, "report": report_form}.get(action or "")
        if form is not None:
            form.add_error(None, str(refused))
        else:
            messages.error(request, str(refused))
    paid = paid_total(application)
    context = {
        "application": application,
        "call": application.call,
        "payments": application.payments.order_by("paid_on", "pk"),
        "paid": paid,
        "unpaid": (application.approved_amount or 0) - paid,
        "reports": application_reports(application),
        "decision_form": decision_form,
        "payment_form": payment_form,
        "report_form": report_form,
        "photo_slots": [(report_form[f"photo_{i}"], report_form[f"alt_{i}"]) for i in range(1, PHOTO_SLOTS + 1)],
        "decidable": application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW),
        "approved": application.status == ApplicationStatus.APPROVED,
    }
    return render(
        request, "volunteers/grant_application.html", context, status=400 if request.method == "POST" else 200
    )


@manage_required
@require_GET
def grant_photo(request: HttpRequest, application_id: int, photo_id: int) -> FileResponse:
    # Opening a photo goes through the application (ward check, logged view) like the page it is shown on.
    application = application_or_404(request.user, application_id, request=request)
    photo = report_photo_or_404(application, photo_id)
    return FileResponse(photo.image.open("rb"), content_type=photo.content_type)
