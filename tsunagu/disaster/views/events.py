"""Event pages: the ward's events (in force first) with declare, start and end for those who command them, and one
event's safety list, where each person's status is recorded in a tap (htmx answers with that person's row drawn
again). Each view parses input, calls a selector or service and renders."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tsunagu.access.policy import Capability, can, capability_required
from tsunagu.core.paging import page_number

from ..forms import REPORT_STATUSES, EventDeclareForm, SafetyReportForm
from ..models import DisasterEvent, SafetyReport
from ..selectors import events_for, safety_list, safety_row
from ..selectors.report import can_open_report
from ..services import DisasterError, event_declare, event_end, event_start, safety_report_record
from .common import RowForm, event_state, may_see_dashboard, require_dashboard
from .dashboard import call_row_response

# Persons drawn on one page of an event's safety list (a supporter has a few dozen; the ward uses the dashboard).
PAGE_SIZE = 100


@dataclass
class EventItem:
    event: DisasterEvent
    state: str


@login_required
@require_GET
def events_view(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    order = {"active": 0, "upcoming": 1, "ended": 2}
    items = [EventItem(e, event_state(e, now)) for e in events_for(request.user)]
    items.sort(key=lambda item: order[item.state])  # stable: newest first within each state
    return render(
        request,
        "disaster/events.html",
        {
            "items": items,
            "can_declare": can(request.user, Capability.DECLARE_DISASTER),
            "can_dashboard": may_see_dashboard(request.user),
        },
    )


@capability_required(Capability.DECLARE_DISASTER)
@require_http_methods(["GET", "POST"])
def event_declare_view(request: HttpRequest) -> HttpResponse:
    form = EventDeclareForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = event_declare(
                user=request.user,
                name=data["name"],
                kind=data["kind"],
                districts=list(data["districts"]),
                started_at=form.start_moment(),
                planned_end_at=data["planned_end_at"],
                is_drill=data["is_drill"],
                request=request,
            )
        except DisasterError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if event.started_at <= timezone.now():
                messages.success(
                    request,
                    _("「%(name)s」を開始しました。対象地区の名簿の方の安否確認を始められます。")
                    % {"name": event.name},
                )
            else:
                messages.success(
                    request,
                    _("「%(name)s」を%(start)sに開始するよう登録しました。")
                    % {"name": event.name, "start": timezone.localtime(event.started_at).strftime("%Y/%m/%d %H:%M")},
                )
            return redirect("disaster:events")
    return render(request, "disaster/event_form.html", {"form": form})


@capability_required(Capability.DECLARE_DISASTER)
@require_POST
def event_start_view(request: HttpRequest, event_id: str) -> HttpResponse:
    try:
        event = event_start(user=request.user, event_id=event_id, request=request)
    except DisasterError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("disaster:events")
    messages.success(request, _("「%(name)s」を開始しました。") % {"name": event.name})
    return redirect("disaster:event", event_id=event.pk)


@capability_required(Capability.DECLARE_DISASTER)
@require_POST
def event_end_view(request: HttpRequest, event_id: str) -> HttpResponse:
    try:
        event = event_end(user=request.user, event_id=event_id, request=request)
    except DisasterError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("disaster:events")
    messages.success(
        request,
        _("「%(name)s」を終了しました。災害時の閲覧は閉じました（記録は残ります）。") % {"name": event.name},
    )
    return redirect("disaster:events")


# --- the safety list ------------------------------------------------------------------------------------------


@login_required
@require_GET
def event_view(request: HttpRequest, event_id: str) -> HttpResponse:
    return _event_page(request, event_id)


def _event_page(request: HttpRequest, event_id: object, failed: RowForm | None = None) -> HttpResponse:
    listing = safety_list(
        user=request.user, event_id=event_id, page=page_number(request), page_size=PAGE_SIZE, request=request
    )
    page = listing.page
    items = [failed if failed and r.person.pk == failed.row.person.pk else RowForm(r) for r in listing.rows]
    if failed is not None and failed not in items:
        # The person is on another page of the list: the errors are said at the top instead.
        for error in failed.errors:
            messages.error(request, f"{failed.row.person.full_name}：{error}")
    event = listing.event
    return render(
        request,
        "disaster/event.html",
        {
            "event": event,
            "state": event_state(event),
            "listing": listing,
            "unconfirmed": listing.total - listing.confirmed,
            "items": items,
            "page": page,
            "statuses": REPORT_STATUSES,
            "can_declare": can(request.user, Capability.DECLARE_DISASTER),
            "can_dashboard": may_see_dashboard(request.user),
            "can_report": can_open_report(request.user),
        },
    )


@login_required
@require_POST
def safety_report_view(request: HttpRequest, event_id: str, person_id: str) -> HttpResponse:
    """One report from a row of the event page or of the dashboard's unconfirmed list (`view=dashboard`). With
    htmx the answer is that row drawn again; without, the page again (with the row's errors, nothing lost)."""
    on_dashboard = request.POST.get("view") == "dashboard"
    if on_dashboard:
        require_dashboard(request.user)
    form = SafetyReportForm(request.POST)
    errors: list[str] = []
    result = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = safety_report_record(
                user=request.user,
                event_id=event_id,
                person_id=person_id,
                status=data["status"],
                place=data["place"],
                note=data["note"],
                client_id=data["client_id"],
                request=request,
            )
        except DisasterError as error:
            errors = [str(m) for m in error.messages]
    else:
        errors = form.messages()
    if result is not None and not request.htmx:
        messages.success(request, _recorded_message(result.report, again=not result.created))
        target = "disaster:dashboard" if on_dashboard else "disaster:event"
        return redirect(reverse(target, kwargs={"event_id": result.report.event_id}))
    event, row = safety_row(user=request.user, event_id=event_id, person_id=person_id, request=request)
    item = RowForm(row, errors=errors)
    if errors:
        # Nothing was stored: what was typed comes back; a fresh id (the sent one may belong to someone else).
        item.place, item.note = request.POST.get("place", "")[:200], request.POST.get("note", "")[:1000]
    else:
        item.recorded, item.again = result.report, not result.created
    if on_dashboard:
        return call_row_response(request, event, item)
    if not request.htmx:
        return _event_page(request, event.pk, failed=item)
    return render(
        request,
        "disaster/partials/safety_row.html",
        {"event": event, "state": event_state(event), "item": item, "statuses": REPORT_STATUSES, "answer": True},
    )


def _recorded_message(report: SafetyReport, *, again: bool) -> str:
    if again:
        return _("この報告はすでに受け付けています（同じ報告は1件として記録されます）。")
    return _("%(name)sさん：%(status)sを記録しました。") % {
        "name": report.person.full_name,
        "status": report.get_status_display(),
    }
