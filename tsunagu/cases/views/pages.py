from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access import policy
from tsunagu.access.policy import Capability, capability_required

from ..forms import CLIENT_FIELDS, ConsentForm, HouseholdFormSet, IntakeForm, ReferralForm, TeamAddForm, TransitionForm
from ..models import ReferralStatus
from ..scope import team_organisation_ids
from ..selectors import (
    attachment_for_download,
    case_or_404,
    my_cases,
    open_referrals,
    raiser_notices,
    referral_or_404,
    shared_cases,
)
from ..services import (
    TRANSITIONS,
    CaseError,
    allowed_actions,
    case_agencies_of,
    case_open,
    consent_in_force,
    consent_record,
    escalation_to_open,
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


def _intake(request: HttpRequest, *, escalation_id: str | None = None, escalation=None) -> HttpResponse:  # noqa: ANN001
    form = IntakeForm(request.POST or None, agencies=case_agencies_of(request.user))
    household = HouseholdFormSet(request.POST or None, prefix="household")
    if escalation_id is not None:
        # The client is the escalation's person; the route is 見守りから unless the worker says otherwise.
        for name in CLIENT_FIELDS[1:]:
            del form.fields[name]
        form.fields["route"].required = False
    if request.method == "POST" and form.is_valid() and household.is_valid():
        rows = [row for row in household.cleaned_data if row]
        data = dict(form.cleaned_data)
        data["organisation"] = data["organisation"].pk
        try:
            if escalation_id is not None:
                case = open_case_from_escalation(
                    escalation_id, request.user, data=data, household=rows, request=request
                )
            else:
                case = case_open(request.user, data=data, household=rows, request=request)
        except CaseError as error:
            _errors_to(form, error)
        else:
            messages.success(request, _("相談を受け付けました（ケース番号 %(number)s）。") % {"number": case.number})
            return redirect("cases:case", case_id=case.pk)
    context = {
        "form": form,
        "household": household,
        "client_fields": [form[name] for name in CLIENT_FIELDS if name in form.fields],
        "from_escalation": escalation_id is not None,
        "escalation": escalation,
    }
    return render(request, "cases/new.html", context)


@capability_required(Capability.OPEN_CASE)
@require_http_methods(["GET", "POST"])
def case_new_view(request: HttpRequest) -> HttpResponse:
    return _intake(request)


@capability_required(Capability.OPEN_CASE)
@require_http_methods(["GET", "POST"])
def from_escalation_view(request: HttpRequest, escalation_id: str) -> HttpResponse:
    try:
        escalation = escalation_to_open(request.user, escalation_id, request=request)
    except CaseError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("cases:mine")
    return _intake(request, escalation_id=str(escalation.pk), escalation=escalation)


def _case_page(request: HttpRequest, case, **forms) -> HttpResponse:  # noqa: ANN001, ANN003
    if forms:
        # A write refused for its content shows the case again: that is a read, logged like any other.
        case = case_or_404(request.user, case.pk, request=request)
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


def _my_agencies(request: HttpRequest) -> frozenset[int]:
    return team_organisation_ids(policy.viewer_for(request.user))


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
            if referral.status == ReferralStatus.DECLINED and referral.to_organisation_id in _my_agencies(request):
                # A declined referral is no longer the receiver's to read (unless it is on the team anyway).
                return redirect("cases:referrals")
            return redirect("cases:referral", referral_id=referral.pk)
    if form.errors:
        referral = referral_or_404(request.user, referral.pk, request=request)
    ids = _my_agencies(request)
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
    attachment = attachment_for_download(request.user, referral_id, attachment_id, request=request)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
