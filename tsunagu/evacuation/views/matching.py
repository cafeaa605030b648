"""Supporter matching pages: run the matching (optimal and greedy side by side), list open proposals, confirm
or reject them (htmx replaces the row; without JavaScript the form posts and the list comes back)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from tsunagu.access.policy import Capability, capability_required
from tsunagu.evacuation.models import SupporterProposal
from tsunagu.evacuation.selectors.proposals import supporter_proposal_list
from tsunagu.evacuation.services import proposals as services

RUN_DONE_MESSAGE = _("{created}件の提案を作成しました。")
CONFIRMED_MESSAGE = _("{person}さんの避難支援者を{candidate}さんに確定しました。")
REJECTED_MESSAGE = _("{person}さんへの{candidate}さんの提案を却下しました。")


@capability_required(Capability.MATCH_SUPPORTERS)
@require_http_methods(["GET"])
def proposal_list_view(request: HttpRequest) -> HttpResponse:
    proposals = supporter_proposal_list(user=request.user, request=request)
    return render(request, "evacuation/matching_proposals.html", {"proposals": proposals})


@capability_required(Capability.MATCH_SUPPORTERS)
@require_http_methods(["GET", "POST"])
def matching_run_view(request: HttpRequest) -> HttpResponse:
    run = None
    if request.method == "POST":
        method = request.POST.get("method", "optimal")
        if method not in services.METHODS:
            method = "optimal"
        run = services.supporter_proposals_create(user=request.user, method=method, request=request)
        messages.success(request, str(RUN_DONE_MESSAGE).format(created=run.created))
    return render(request, "evacuation/matching_run.html", {"run": run})


Decision = Callable[..., SupporterProposal]


def _decide(request: HttpRequest, proposal_id: str, decide: Decision, done: str) -> HttpResponse:
    error = ""
    proposal = None
    try:
        proposal = decide(user=request.user, proposal_id=proposal_id, request=request)
    except ValueError as refusal:
        error = str(refusal)
    if request.htmx:
        if proposal is None:
            proposal = SupporterProposal.objects.select_related("person", "person__town", "candidate").get(
                pk=int(proposal_id)
            )
        return render(request, "evacuation/matching_proposal_row.html", {"proposal": proposal, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done.format(person=proposal.person.full_name, candidate=proposal.candidate.name))
    return redirect("evacuation:matching_proposals")


@capability_required(Capability.MATCH_SUPPORTERS)
@require_POST
def proposal_confirm_view(request: HttpRequest, proposal_id: str) -> HttpResponse:
    return _decide(request, proposal_id, services.supporter_proposal_confirm, str(CONFIRMED_MESSAGE))


@capability_required(Capability.MATCH_SUPPORTERS)
@require_POST
def proposal_reject_view(request: HttpRequest, proposal_id: str) -> HttpResponse:
    return _decide(request, proposal_id, services.supporter_proposal_reject, str(REJECTED_MESSAGE))
