"""The home page: what the signed-in user's roles open to them, and where to go next."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.portal.selectors import access_overview


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Counts only: they name no resident, so no audit entry is written for this page.
    return render(request, "portal/home.html", {"overview": access_overview(user=request.user)})
