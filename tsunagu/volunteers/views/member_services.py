"""The centre's pages of member-to-member services (住民参加型サービス): schemes and fees, members, requests with
their assignment, report, approval and reversal, a member's ledger and monthly statement (page and PDF).
Thin: the rules are in services.member_services, the reads in selectors.member_services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.access.policy import Capability, capability_required, person_or_deny
from tsunagu.core.output import attachment_header

from ..models import ActivityStatus, LedgerUnit, RequestStatus
from ..selectors import (
    activity_or_404,
    balances,
    helper_choices,
    member_ledger,
    member_list,
    member_or_404,
    member_person_visible,
    member_search,
    request_activities,
    request_list,
    request_or_404,
    scheme_balance,
    scheme_list,
    scheme_or_404,
    statement,
    statement_export,
    statement_months,
    volunteer_or_404,
)
from ..service_forms import (
    BAD_MONTH,
    AssignForm,
    LeaveForm,
    MemberForm,
    RateForm,
    ReportForm,
    RequestForm,
    ReverseForm,
    SchemeForm,
    parse_month,
)
from ..service_models import USING_KINDS
from ..services import (
    ServiceRefused,
    activity_approve,
    activity_report,
    activity_reverse,
    member_leave,
    member_register,
    rate_add,
    scheme_create,
    service_request_assign,
    service_request_cancel,
    service_request_create,
)
from ..services.member_services import NOT_ASSIGNED
from .staff import _ward_id

manage_required = capability_required(Capability.MANAGE_VOLUNTEERS)


def _status(request: HttpRequest, form_bound: bool) -> int:
    return 400 if request.method == "POST" and form_bound else 200


@manage_required
@require_http_methods(["GET", "POST"])
def services(request: HttpRequest) -> HttpResponse:
    """The schemes of the ward (and a new one), with a search over their members."""
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = scheme_create(
                actor=request.user, municipality_id=_ward_id(request), request=request, **form.cleaned_data
            )
        except ServiceRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("サービスを登録しました。続けて料金を設定してください。"))
            return redirect("volunteers:service_scheme", scheme.pk)
    query = request.GET.get("q", "").strip()[:50]
    members = member_search(request.user, query, request=request)[:100] if query else []
    return render(
        request,
        "volunteers/services.html",
        {"schemes": scheme_list(request.user), "form": form, "query": query, "members": members},
        status=_status(request, form.is_bound),
    )


@manage_required
@require_http_methods(["GET", "POST"])
def service_scheme(request: HttpRequest, scheme_id: int) -> HttpResponse:
    scheme = scheme_or_404(request.user, scheme_id, request=request)
    action = request.POST.get("action")
    rate_form = RateForm(request.POST if action == "rate" else None)
    member_form = MemberForm(request.POST if action == "member" else None, initial={"joined_on": timezone.localdate()})
    if action == "rate" and rate_form.is_valid():
        try:
            rate_add(actor=request.user, scheme=scheme, request=request, **rate_form.cleaned_data)
        except ServiceRefused as refused:
            rate_form.add_error(None, str(refused))
        else:
            messages.success(request, _("料金を設定しました。"))
            return redirect("volunteers:service_scheme", scheme.pk)
    if action == "member" and member_form.is_valid():
        data = dict(member_form.cleaned_data)
        person_id, volunteer_id = data.pop("person_id", None), data.pop("volunteer_id", None)
        person = volunteer = None
        if person_id:
            # The resident as the policy lets this user see them (a 404 and a `denied` row otherwise).
            try:
                person = person_or_deny(request.user, person_id, request=request)
            except Http404:
                member_form.add_error("person_id", _("この住民は見つからないか、閲覧できません。"))
        if volunteer_id:
            # The centre's own registry of the ward (another ward's id is a 404, logged).
            try:
                volunteer = volunteer_or_404(request.user, volunteer_id, request=request)
            except Http404:
                member_form.add_error("volunteer_id", _("このIDのボランティアは見つかりません。"))
        if not member_form.errors:
            try:
                member = member_register(
                    actor=request.user, scheme=scheme, person=person, volunteer=volunteer, request=request, **data
                )
            except ServiceRefused as refused:
                member_form.add_error(None, str(refused))
            else:
                messages.success(request, _("会員を登録しました。"))
                return redirect("volunteers:service_member", member.pk)
    return render(
        request,
        "volunteers/services_scheme.html",
        {
            "scheme": scheme,
            "rates": scheme.rates.all(),
            "members": scheme.members.order_by("number", "pk"),
            "margin": scheme_balance(scheme),
            "rate_form": rate_form,
            "member_form": member_form,
        },
        status=_status(request, action in ("rate", "member")),
    )


@manage_required
@require_http_methods(["GET", "POST"])
def service_member(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_or_404(request.user, member_id, request=request)
    leave_form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and leave_form.is_valid():
        try:
            member_leave(actor=request.user, member=member, left_on=leave_form.cleaned_data["left_on"], request=request)
        except ServiceRefused as refused:
            leave_form.add_error("left_on", str(refused))
        else:
            messages.success(request, _("退会日を記録しました。台帳はそのまま残ります。"))
            return redirect("volunteers:service_member", member.pk)
    totals = balances(member)
    return render(
        request,
        "volunteers/services_member.html",
        {
            "member": member,
            "person_visible": member_person_visible(request.user, member),
            "hours_balance": totals[LedgerUnit.HOURS],
            "yen_balance": totals[LedgerUnit.YEN],
            "ledger": member_ledger(member),
            "months": statement_months(member),
            "leave_form": leave_form,
        },
        status=_status(request, leave_form.is_bound),
    )


def _month(request: HttpRequest) -> datetime.date | None:
    text = request.GET.get("month")
    if not text:
        return timezone.localdate().replace(day=1)
    return parse_month(text)


@manage_required
@require_GET
def service_statement(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_or_404(request.user, member_id, request=request)
    month = _month(request)
    if month is None:
        return render(
            request,
            "volunteers/services_statement.html",
            {"member": member, "error": BAD_MONTH, "month_text": request.GET.get("month", "")[:20]},
            status=400,
        )
    return render(
        request,
        "volunteers/services_statement.html",
        {"member": member, "statement": statement(member, month), "month_text": f"{month:%Y-%m}"},
    )


@manage_required
@require_GET
def service_statement_pdf(request: HttpRequest, member_id: int) -> HttpResponse:
    member = member_or_404(request.user, member_id, request=request)
    month = _month(request)
    if month is None:
        raise Http404(BAD_MONTH)
    result = statement_export(request.user, member, month, request=request)
    return HttpResponse(
        result.content,
        content_type=result.content_type,
        headers={"Content-Disposition": attachment_header(result.filename)},
    )


@manage_required
@require_http_methods(["GET", "POST"])
def service_requests(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in RequestStatus.values:
        status = ""
    users = member_list(request.user).filter(kind__in=USING_KINDS, left_on__isnull=True).order_by("scheme", "number")
    form = RequestForm(request.POST or None, members=users)
    if request.method == "POST" and form.is_valid():
        try:
            created = service_request_create(actor=request.user, request=request, **form.cleaned_data)
        except ServiceRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("依頼を受け付けました。協力会員を決めてください。"))
            return redirect("volunteers:service_request", created.pk)
    return render(
        request,
        "volunteers/services_requests.html",
        {
            "requests": request_list(request.user, status=status)[:300],
            "status": status,
            "statuses": RequestStatus.choices,
            "form": form,
        },
        status=_status(request, form.is_bound),
    )


@manage_required
@require_http_methods(["GET", "POST"])
def service_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: assign (or change) the 協力会員, record the report, approve it, or reverse an approved one."""
    service_req = request_or_404(request.user, request_id, request=request)
    action = request.POST.get("action", "")
    assign_form = AssignForm(request.POST if action == "assign" else None, helpers=helper_choices(service_req))
    report_form = ReportForm(
        request.POST if action == "report" else None,
        initial={"activity_on": timezone.localdate(service_req.starts_at)},
    )
    reverse_form = ReverseForm(request.POST if action == "reverse" else None)
    assignment = getattr(service_req, "assignment", None)
    try:
        if action == "assign" and assign_form.is_valid():
            service_request_assign(
                actor=request.user,
                service_request=service_req,
                helper=assign_form.cleaned_data["helper"],
                request=request,
            )
            messages.success(request, _("協力会員を決めました。"))
            return redirect("volunteers:service_request", service_req.pk)
        if action == "report" and report_form.is_valid():
            if assignment is None:
                raise ServiceRefused(NOT_ASSIGNED)
            data = report_form.cleaned_data
            activity_report(
                actor=request.user,
                assignment=assignment,
                activity_on=data["activity_on"],
                minutes=data["minutes"],
                transport=data["transport"],
                note=data["note"],
                request=request,
            )
            messages.success(request, _("活動報告を記録しました。内容を確かめて承認してください。"))
            return redirect("volunteers:service_request", service_req.pk)
        if action == "approve":
            activity = activity_or_404(request.user, service_req, request.POST.get("activity"))
            activity_approve(actor=request.user, activity=activity, request=request)
            messages.success(request, _("承認しました。台帳に記録しました。"))
            return redirect("volunteers:service_request", service_req.pk)
        if action == "reverse" and reverse_form.is_valid():
            activity = activity_or_404(request.user, service_req, request.POST.get("activity"))
            activity_reverse(
                actor=request.user, activity=activity, reason=reverse_form.cleaned_data["reason"], request=request
            )
            messages.success(request, _("取り消しました（逆仕訳）。訂正した報告を記録できます。"))
            return redirect("volunteers:service_request", service_req.pk)
        if action == "cancel":
            service_request_cancel(actor=request.user, service_request=service_req, request=request)
            messages.success(request, _("依頼を取りやめにしました。"))
            return redirect("volunteers:service_request", service_req.pk)
    except ServiceRefused as refused:
        messages.error(request, str(refused))
    activities = list(request_activities(service_req))
    return render(
        request,
        "volunteers/services_request.html",
        {
            "req": service_req,
            "assignment": assignment,
            "activities": activities,
            "waiting": next((a for a in activities if a.status == ActivityStatus.REPORTED), None),
            "approved": next((a for a in activities if a.status == ActivityStatus.APPROVED), None),
            "assign_form": assign_form,
            "report_form": report_form,
            "reverse_form": reverse_form,
        },
        status=400 if request.method == "POST" else 200,
    )
