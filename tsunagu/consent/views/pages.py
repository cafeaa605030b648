"""Consent pages: the ward's overview with the consent-request letters, the bulk entry of reply slips, and each
person's consent history with forms to record a decision or a withdrawal. Views parse input and call the
services and selectors of tsunagu.consent.services, which apply the access policy and write the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tsunagu.access.policy import Capability, capability_required
from tsunagu.consent import selectors, services
from tsunagu.consent.forms import (
    ConsentDecisionForm,
    ConsentLettersForm,
    ConsentRepliesForm,
    ConsentWithdrawForm,
)
from tsunagu.core.csvio import RowError, UndecodableFileError
from tsunagu.jobs.models import JobKind, JobStatus
from tsunagu.jobs.services import enqueue
from tsunagu.jobs.views import job_response
from tsunagu.people.models import ConsentStatus


def _mode_context() -> dict:
    mode = services.consent_mode()
    return {"mode": mode, "mode_label": mode.label}


@capability_required(Capability.MANAGE_CONSENT)
@require_http_methods(["GET", "POST"])
def consent_index_view(request: HttpRequest) -> HttpResponse:
    """The ward's overview: the ordinance mode, 未回答 per district, and the letters form."""
    form = ConsentLettersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A district's letters can run to thousands of pages: a background job (tsunagu.consent.jobs) makes them.
        job = enqueue(
            JobKind.CONSENT_LETTERS,
            "tsunagu.consent.jobs.consent_letters_job",
            user=request.user,
            request=request,
            district_id=data["district"].pk,
            sent_on=data["sent_on"].isoformat(),
            reply_days=data["reply_days"],
            sender=data["sender"],
            contact=data["contact"],
            purpose=data["purpose"],
        )
        if job.status != JobStatus.FAILED:
            return job_response(request, job)
        for message in job.error.splitlines():
            form.add_error(None, message)
    # Counts reveal no one, so they need no audit entry.
    counts = selectors.unanswered_counts_by_district(user=request.user)
    return render(request, "consent/index.html", {"form": form, "counts": counts, **_mode_context()})


@capability_required(Capability.MANAGE_CONSENT)
@require_http_methods(["GET", "POST"])
def consent_replies_view(request: HttpRequest) -> HttpResponse:
    """Bulk entry of reply slips in two steps. The first POST checks every row and shows what will be recorded
    (nothing is written); the second, from that page, records exactly the rows that were checked (a signed
    token carries them), checked once more: all or none."""
    if request.method == "POST" and "token" in request.POST:
        return _replies_confirm(request)
    form = ConsentRepliesForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    context: dict = {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload:
                rows, header_errors = services.parse_reply_csv(upload.read())
            else:
                rows, header_errors = services.parse_reply_lines(form.cleaned_data["lines"]), []
            batch = services.consent_replies_preview(
                user=request.user, rows=rows, errors=header_errors, request=request
            )
        except UndecodableFileError as error:
            form.add_error("file", str(error))
        else:
            if batch.errors:
                errors = batch.errors
                form.add_error(None, str(services.RepliesFailed(batch.errors)))
            elif not batch.rows:
                form.add_error(None, str(services.BULK_EMPTY_MESSAGE))
            else:
                context = {"batch": batch, "token": services.consent_replies_token(user=request.user, rows=rows)}
    return render(request, "consent/replies.html", {"form": form, "errors": errors, **context, **_mode_context()})


def _replies_confirm(request: HttpRequest) -> HttpResponse:
    context = {"form": ConsentRepliesForm(), "errors": [], **_mode_context()}
    try:
        rows = services.consent_replies_from_token(user=request.user, token=request.POST["token"])
        recorded = services.consent_replies_record(user=request.user, rows=rows, request=request)
    except services.ConfirmationInvalid as refusal:
        return render(request, "consent/replies.html", {**context, "problems": [str(refusal)]}, status=400)
    except services.RepliesFailed as failure:
        # Something changed since the check (another clerk recorded a decision): nothing was written.
        context.update(errors=failure.errors, problems=[str(failure)])
        return render(request, "consent/replies.html", context)
    messages.success(request, _("{count}件の回答を登録しました。").format(count=len(recorded)))
    return redirect("consent:replies")


@login_required
@require_http_methods(["GET", "POST"])
def consent_person_view(request: HttpRequest, person_id: str) -> HttpResponse:
    """One person's consent history (newest first) and, for ward staff, forms to record or withdraw."""
    page = selectors.consent_page(user=request.user, person_id=person_id, request=request)
    decision_form = ConsentDecisionForm(prefix="decision")
    withdraw_form = ConsentWithdrawForm(prefix="withdraw")
    problems: list[str] = []
    if request.method == "POST":
        services.require_consent_manager(request.user)
        action = request.POST.get("action")
        try:
            if action == "withdraw":
                withdraw_form = ConsentWithdrawForm(request.POST, prefix="withdraw")
                if withdraw_form.is_valid():
                    services.consent_withdraw(
                        person=page.person, recorded_by=request.user, request=request, **withdraw_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("同意の撤回を記録しました。この時点から、すべての画面・地図・出力で提供されなくなります。"),
                    )
                    return redirect("consent:person", person_id=page.person.pk)
            else:
                decision_form = ConsentDecisionForm(request.POST, prefix="decision")
                if decision_form.is_valid():
                    data = decision_form.cleaned_data
                    services.consent_record(
                        person=page.person,
                        status=data["status"],
                        decided_on=data["decided_on"],
                        given_by=data["given_by"],
                        method=data["method"],
                        recipient_kinds=data["recipient_kinds"],
                        recorded_by=request.user,
                        request=request,
                    )
                    messages.success(request, _("同意の状況を記録しました。"))
                    return redirect("consent:person", person_id=page.person.pk)
        except ValidationError as error:
            problems = list(error.messages)
    context = {
        "page": page,
        "person": page.person,
        "decision_form": decision_form,
        "withdraw_form": withdraw_form,
        "problems": problems,
        "can_withdraw": page.current is not None and page.current.status == ConsentStatus.AGREED,
        **_mode_context(),
    }
    return render(request, "consent/person.html", context, status=400 if problems else 200)
