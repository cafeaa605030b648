from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access import policy
from tsunagu.access.policy import Capability, capability_required
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record

from ..forms import ConsentForm, IntakeForm, ReferralForm, TeamAddForm, TransitionForm
from ..models import ReferralAttachment
from ..scope import team_organisation_ids
from ..selectors import case_or_404, my_cases, open_referrals, raiser_notices, referral_or_404, shared_cases
from ..services import (
    TRANSITIONS,
    CaseError,
    allowed_actions,
    case_agencies_of,
    case_open,
    consent_in_force,
    consent_record,
    open_case_from_escalation,
    referral_create,
    referral_transition,
    team_add,
    team_agency_of,
)


def _errors_to(form, error: CaseError) -> None:  # noqa: ANN001
    for message in error.messages:
        form.add_error(None, message)


@login_required
@require_GET
def my_cases_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/list.html", {"cases": my_cases(request.user, request=request), "kind": "mine"})


@login_required
@require_GET
def shared_cases_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/list.html", {"cases": shared_cases(request.user, request=request), "kind": "shared"})


@login_required
@require_GET
def referrals_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/referrals.html", {"rows": open_referrals(request.user, request=request)})


@login_required
@require_GET
def notices_view(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/notices.html", {"notices": raiser_notices(request.user)[:100]})


def _intake(request: HttpRequest, *, escalation_id: str | None = None) -> HttpResponse:
    form = IntakeForm(request.POST or None, agencies=case_agencies_of(request.user))
    if escalation_id is not None:
        for name in (
            "client_id",
            "anonymous",
            "client_label",
            "client_name",
            "client_kana",
            "client_birth_date",
            "client_phone",
            "client_address",
        ):
            del form.fields[name]
        form.fields["route"].required = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["organisation"] = data["organisation"].pk
        try:
            if escalation_id is not None:
                case = open_case_from_escalation(
                    int(escalation_id) if escalation_id.isdigit() else 0, request.user, data=data, request=request
                )
            else:
                case = case_open(request.user, data=data, request=request)
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("相談を受け付けました（ケース番号 %(number)s）。") % {"number": case.number})
            return redirect("cases:case", case_id=case.pk)
    return render(request, "cases/new.html", {"form": form, "from_escalation": escalation_id is not None})


@capability_required(Capability.OPEN_CASE)
@require_http_methods(["GET", "POST"])
def case_new_view(request: HttpRequest) -> HttpResponse:
    return _intake(request)


@capability_required(Capability.OPEN_CASE)
@require_http_methods(["GET", "POST"])
def from_escalation_view(request: HttpRequest, escalation_id: str) -> HttpResponse:
    return _intake(request, escalation_id=escalation_id)


def _case_page(request: HttpRequest, case, **forms) -> HttpResponse:  # noqa: ANN001, ANN003
    context = {
        "case": case,
        "team": case.team.filter(ended_at__isnull=True).select_related(
            "organisation", "confidentiality_acknowledged_by"
        ),
        "consent": consent_in_force(case),
        "referrals": case.referrals.select_related("from_organisation", "to_organisation").order_by("-requested_at"),
        "consent_form": forms.get("consent_form") or ConsentForm(),
        "team_form": forms.get("team_form") or TeamAddForm(),
        "referral_form": forms.get("referral_form") or ReferralForm(),
        "can_override": policy.can(request.user, Capability.OVERRIDE_REFERRAL_CONSENT),
    }
    return render(request, "cases/case.html", context, status=400 if forms else 200)


@login_required
@require_GET
def case_view(request: HttpRequest, case_id: str) -> HttpResponse:
    return _case_page(request, case_or_404(request.user, case_id, request=request))


@login_required
@require_POST
def case_consent_view(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_or_404(request.user, case_id, request=request, audit=False)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent_record(request.user, case, request=request, **form.cleaned_data)
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("同意を記録しました。"))
            return redirect("cases:case", case_id=case.pk)
    return _case_page(request, case, consent_form=form)


@login_required
@require_POST
def case_team_view(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_or_404(request.user, case_id, request=request, audit=False)
    form = TeamAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            team_add(
                request.user,
                case,
                data["organisation"],
                basis=data["basis"],
                decision_reference=data["decision_reference"],
                confidentiality_acknowledged=data["confidentiality_acknowledged"],
                request=request,
            )
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("支援チームに加えました。"))
            return redirect("cases:case", case_id=case.pk)
    return _case_page(request, case, team_form=form)


@capability_required(Capability.OPEN_CASE)
@require_POST
def case_referral_view(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_or_404(request.user, case_id, request=request, audit=False)
    form = ReferralForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral = referral_create(
                request.user,
                case,
                to_organisation=data["to_organisation"],
                reason=data["reason"],
                respond_by=data["respond_by"],
                override_reason=data["override_reason"],
                attachments=[data["attachment"]] if data["attachment"] else [],
                request=request,
                from_organisation_id=team_agency_of(request.user, case),
            )
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(
                request, _("紹介を依頼しました。回答期限は%(date)s です。") % {"date": referral.respond_by}
            )
            return redirect("cases:referral", referral_id=referral.pk)
    return _case_page(request, case, referral_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def referral_view(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = referral_or_404(request.user, referral_id, request=request, audit=request.method == "GET")
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = referral_transition(
                request.user,
                referral,
                request.POST.get("action", ""),
                reason=data["reason"],
                confidentiality_acknowledged=data["confidentiality_acknowledged"],
                to_organisation=data["to_organisation"],
                request=request,
            )
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("「%(status)s」にしました。") % {"status": referral.get_status_display()})
            return redirect("cases:referral", referral_id=referral.pk)
    ids = team_organisation_ids(policy.viewer_for(request.user))
    actions = [(a.value, TRANSITIONS[a].label) for a in allowed_actions(referral, ids)]
    context = {
        "referral": referral,
        "events": referral.events.select_related("by", "organisation"),
        "attachments": referral.attachments.all(),
        "actions": actions,
        "form": form,
    }
    return render(request, "cases/referral.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def attachment_view(request: HttpRequest, referral_id: str, attachment_id: str) -> FileResponse:
    referral = referral_or_404(request.user, referral_id, request=request, audit=False)
    attachment = ReferralAttachment.objects.filter(
        referral=referral, pk=attachment_id if attachment_id.isdigit() else 0
    ).first()
    if attachment is None:
        raise Http404("no such attachment")
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        target_type=AuditTarget.REFERRAL,
        target_ids=referral.case.person_ids(),
        detail={"case": referral.case_id, "referral": referral.pk, "attachment": attachment.pk},
        request=request,
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
