"""The professional's pages: the inbox of escalations, the supervisors' list of those left unacknowledged, one
escalation (acknowledge, close) and the routing table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access.policy import Capability, capability_required

from ..forms import CloseForm, RouteForm
from ..selectors import (
    escalation_detail,
    escalation_inbox,
    overdue_escalations,
    urgent_escalations_for_home,
    ward_route,
    ward_routes,
)
from ..services import (
    WatchError,
    escalation_acknowledge,
    escalation_close,
    route_delete,
    route_save,
)


@login_required
@require_GET
def escalation_inbox_view(request: HttpRequest) -> HttpResponse:
    include_closed = request.GET.get("closed") == "1"
    rows = escalation_inbox(user=request.user, include_closed=include_closed, request=request)
    return render(request, "watch/escalations.html", {"rows": rows, "include_closed": include_closed})


@login_required
@require_GET
def home_panel_view(request: HttpRequest) -> HttpResponse:
    """The home page's panel, asked again by htmx. A fragment is no page: opened by itself it is the inbox."""
    if not request.htmx:
        return redirect("watch:escalations")
    urgent, overdue = urgent_escalations_for_home(request.user)
    return render(request, "watch/partials/home_panel.html", {"urgent": urgent, "overdue": overdue})


@login_required
@require_GET
def overdue_escalations_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "watch/escalations_overdue.html", {"rows": overdue_escalations(user=request.user, request=request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation_view(request: HttpRequest, escalation_id: str) -> HttpResponse:
    form = CloseForm()
    if request.method == "POST":
        if "acknowledge" in request.POST:
            escalation_acknowledge(request.user, escalation_id, request=request)
            messages.success(request, _("受理しました。見守りをした方に「受理されました」と伝わります。"))
            return redirect("watch:escalation", escalation_id=escalation_id)
        form = CloseForm(request.POST)
        if form.is_valid():
            try:
                escalation_close(request.user, escalation_id, note=form.cleaned_data["note"], request=request)
            except WatchError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("対応済にしました。見守りをした方に「対応しました」と伝わります。"))
                return redirect("watch:escalations")
    escalation = escalation_detail(request.user, escalation_id, request=request)
    return render(request, "watch/escalation.html", {"escalation": escalation, "form": form})


@capability_required(Capability.MANAGE_WATCH_ROUTES)
@require_http_methods(["GET", "POST"])
def route_list_view(request: HttpRequest) -> HttpResponse:
    form = RouteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            existing = ward_route(request.user, getattr(data["district"], "pk", None), data["concern"])
            route_save(
                user=request.user,
                route_id=existing.pk if existing else None,
                district=data["district"],
                concern=data["concern"],
                organisation=data["organisation"],
                request=request,
            )
        except WatchError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("つなぎ先を保存しました。"))
            return redirect("watch:routes")
    try:
        routes = list(ward_routes(request.user))
    except WatchError as error:
        routes = []
        for message in error.messages:
            messages.error(request, message)
    return render(request, "watch/routes.html", {"form": form, "routes": routes})


@capability_required(Capability.MANAGE_WATCH_ROUTES)
@require_POST
def route_delete_view(request: HttpRequest, route_id: int) -> HttpResponse:
    try:
        route_delete(user=request.user, route_id=route_id, request=request)
    except WatchError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("つなぎ先を削除しました。"))
    return redirect("watch:routes")
