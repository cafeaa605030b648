"""The home page: what the signed-in user's roles open to them, and where to go next."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.access.policy import viewer_for
from tsunagu.portal.selectors import access_overview
from tsunagu.watch.selectors import urgent_escalations_for_home


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Counts only: they name no resident, so no audit entry is written for this page.
    overview = access_overview(user=request.user)
    context = {"overview": overview}
    if viewer_for(request.user).is_professional:
        context["watch_urgent"], context["watch_overdue"] = urgent_escalations_for_home(request.user)
    return render(request, "portal/home.html", context)
