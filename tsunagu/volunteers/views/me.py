"""The volunteer's own page, made for a phone: proposals to answer, accepted activities (with the requester's
details, which the access policy opens only after a yes) and needs that fit them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access.policy import Refused, viewer_for

from ..forms import ActivityForm
from ..models import ACCEPTED_STATUSES, MatchStatus
from ..scope import volunteer_of
from ..selectors import fitting_needs, need_requester, volunteer_match_or_404, volunteer_matches
from ..selectors.matching import FITTING_SCORE
from ..services import MatchRefused, match_complete, match_respond

NOT_A_VOLUNTEER = gettext_lazy("このページは、ボランティアセンターに登録したボランティアの方のページです。")


def _volunteer_or_refuse(request: HttpRequest):  # noqa: ANN202
    volunteer = volunteer_of(viewer_for(request.user))
    if volunteer is None:
        raise Refused(NOT_A_VOLUNTEER)
    return volunteer


@login_required
@require_GET
def my_page(request: HttpRequest) -> HttpResponse:
    volunteer = _volunteer_or_refuse(request)
    matches = list(volunteer_matches(request.user).order_by("need__starts_at", "pk"))
    proposed = [m for m in matches if m.status == MatchStatus.PROPOSED]
    accepted = [
        (m, need_requester(request.user, m.need, request=request)) for m in matches if m.status == MatchStatus.ACCEPTED
    ]
    done = [m for m in matches if m.status == MatchStatus.COMPLETED]
    asked = {m.need_id for m in matches}
    fitting = [(n, s, r) for n, s, r in fitting_needs(volunteer) if n.pk not in asked][:10]
    return render(
        request,
        "volunteers/me.html",
        {
            "volunteer": volunteer,
            "proposed": proposed,
            "accepted": accepted,
            "done": done[-10:],
            "fitting": fitting,
            "fitting_score": FITTING_SCORE,
        },
    )


@login_required
@require_POST
def respond(request: HttpRequest, match_id: int) -> HttpResponse:
    _volunteer_or_refuse(request)
    match = volunteer_match_or_404(request.user, match_id, request=request)
    accept = request.POST.get("answer") == "accept"
    try:
        answered = match_respond(actor=request.user, match=match, accept=accept, request=request)
    except MatchRefused as refused:
        messages.error(request, str(refused))
    else:
        if answered.status == MatchStatus.ACCEPTED:
            messages.success(request, _("引き受けました。依頼した方の連絡先を表示しています。"))
        else:
            messages.info(request, _("辞退を伝えました。"))
    return redirect("volunteers:me")


@login_required
@require_http_methods(["GET", "POST"])
def match_activity(request: HttpRequest, match_id: int) -> HttpResponse:
    _volunteer_or_refuse(request)
    match = volunteer_match_or_404(request.user, match_id, request=request)
    if match.status not in ACCEPTED_STATUSES:
        messages.error(request, _("引き受けた依頼だけ、活動を記録できます。"))
        return redirect("volunteers:me")
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            match_complete(actor=request.user, match=match, request=request, **form.cleaned_data)
        except MatchRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("活動を記録しました。ありがとうございました。"))
            return redirect("volunteers:me")
    return render(
        request,
        "volunteers/activity.html",
        {"match": match, "form": form, "requester": need_requester(request.user, match.need, request=request)},
        status=400 if request.method == "POST" else 200,
    )
