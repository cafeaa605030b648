"""The live dashboard of an event (optionally one district): counts by status, the confirmation rate over time as
an inline SVG chart with a table beside it, the unconfirmed persons with their phone numbers and buttons for the
result of a call, and a map of them. Its figures are asked again by htmx every 5 seconds, and the list of persons
with them when it changed (the page sends the version it holds) — not swapped while a caller is working in it
(static/disaster/dashboard.js)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tsunagu.core.maps import map_settings

from ..forms import DashboardFilterForm
from ..models import DisasterEvent, SafetyStatus
from ..selectors import Dashboard, dashboard
from ..services import event_of_ward
from .call_rows import CallRow, call_rows_html
from .common import RowForm, event_state, require_dashboard


@login_required
@require_GET
def dashboard_view(request: HttpRequest, event_id: str) -> HttpResponse:
    require_dashboard(request.user)
    event = event_of_ward(request.user, event_id, request=request)
    return _dashboard_page(request, event, DashboardFilterForm(request.GET or None, event=event))


@login_required
@require_GET
def dashboard_data_view(request: HttpRequest, event_id: str) -> HttpResponse:
    """The figures and the unconfirmed list, asked again by htmx. A fragment is no page: opened by itself it is the
    dashboard."""
    require_dashboard(request.user)
    if not request.htmx:
        url = reverse("disaster:dashboard", kwargs={"event_id": event_id})
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    event = event_of_ward(request.user, event_id, request=request)
    form = DashboardFilterForm(request.GET or None, event=event)
    board = dashboard(user=request.user, event_id=event.pk, district_id=form.district_id(), request=request)
    context = _context(request, event, board, form, since=request.GET.get("since", ""))
    return render(request, "disaster/partials/dashboard_live.html", context)


@login_required
@require_GET
def dashboard_map_view(request: HttpRequest, event_id: str) -> JsonResponse:
    """The unconfirmed persons with a position, as GeoJSON for core/map.js."""
    require_dashboard(request.user)
    event = event_of_ward(request.user, event_id, request=request)
    form = DashboardFilterForm(request.GET or None, event=event)
    board = dashboard(user=request.user, event_id=event.pk, district_id=form.district_id(), request=request)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(p.longitude), float(p.latitude)]},
            "properties": {"kind": "person", "name": p.full_name, "address": p.full_address},
        }
        for p in board.unconfirmed
        if p.latitude is not None and p.longitude is not None
    ]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
    )
    # Personal data: never kept by a shared browser's or proxy's cache.
    response["Cache-Control"] = "no-store"
    return response


def call_row_response(request: HttpRequest, event: DisasterEvent, item: RowForm) -> HttpResponse:
    """The answer to a call's result sent from the dashboard: the row drawn again (htmx), or the dashboard with
    the row's errors and what was typed (without JavaScript)."""
    current = item.row.current
    row = CallRow(
        person=item.row.person,
        report_url=_report_url(event, item.row.person.pk),
        status=item.row.status,
        observed_at=current.observed_at if current else None,
        errors=item.errors,
        note=item.note,
        recorded=item.recorded,
        again=item.again,
    )
    if not request.htmx:
        return _dashboard_page(request, event, DashboardFilterForm(event=event), failed=row)
    can_record = event_state(event) == "active"
    return HttpResponse(call_rows_html([row], can_record=can_record, csrf_token=get_token(request), answer=True))


def _dashboard_page(
    request: HttpRequest, event: DisasterEvent, form: DashboardFilterForm, failed: CallRow | None = None
) -> HttpResponse:
    board = dashboard(user=request.user, event_id=event.pk, district_id=form.district_id(), request=request)
    context = _context(request, event, board, form, failed=failed)
    context["map"] = map_settings()
    return render(request, "disaster/dashboard.html", context)


def _report_url(event: DisasterEvent, person_id: int) -> str:
    return reverse("disaster:report", kwargs={"event_id": event.pk, "person_id": person_id})


def _context(
    request: HttpRequest,
    event: DisasterEvent,
    board: Dashboard,
    form: DashboardFilterForm,
    failed: CallRow | None = None,
    since: str = "",
) -> dict:
    district_id = form.district_id()
    query = f"?{urlencode({'district': district_id})}" if district_id else ""
    # Drawn every 5 seconds for up to 200 persons: the address of each row's form is made here, not by {% url %}.
    prefix = _report_url(event, 0).removesuffix("0/report/")
    rows = []
    for person in board.unconfirmed:
        if failed is not None and failed.person.pk == person.pk:
            rows.append(failed)
            continue
        current = board.unconfirmed_current.get(person.pk)
        row = CallRow(person=person, report_url=f"{prefix}{person.pk}/report/")
        if current:
            row.status, row.observed_at = current.status, current.observed_at
        rows.append(row)
    located = sum(1 for p in board.unconfirmed if p.latitude is not None and p.longitude is not None)
    can_record = event_state(event) == "active"
    version = list_version(board, rows, can_record=can_record)
    unchanged = since == version
    return {
        "list_version": version,
        # The refresh draws the list again only when it changed since the version the page holds.
        "list_changed": not unchanged,
        "can_record": can_record,
        "rows_html": "" if unchanged else call_rows_html(rows, can_record=can_record, csrf_token=get_token(request)),
        "event": event,
        "state": event_state(event),
        "board": board,
        "form": form,
        "district": form.cleaned_data.get("district") if district_id else None,
        "stats": _stats(board),
        "rate_percent": _percent(board.rate),
        "chart": rate_chart(board),
        "rows": rows,
        "located": located,
        "unlocated": len(board.unconfirmed) - located,
        "data_url": reverse("disaster:dashboard_data", kwargs={"event_id": event.pk}) + query,
        "map_url": reverse("disaster:dashboard_map", kwargs={"event_id": event.pk}) + query,
    }


def list_version(board: Dashboard, rows: list[CallRow], *, can_record: bool) -> str:
    """What the unconfirmed list shows, in a few characters: who, with what status since when, how many, and
    whether calls can still be recorded (the event may have ended)."""
    shown = [(r.person.pk, r.status, r.observed_at.isoformat() if r.observed_at else "") for r in rows]
    digest = hashlib.sha256(repr((board.unconfirmed_total, can_record, shown)).encode()).hexdigest()
    return digest[:16]


@dataclass
class Stat:
    label: str
    value: int
    status: str = ""


def _stats(board: Dashboard) -> list[Stat]:
    return [
        Stat(_("対象の方"), board.total),
        Stat(_("確認済み"), board.confirmed, "confirmed"),
        *(Stat(str(label), board.counts.get(value, 0), value) for value, label in SafetyStatus.choices),
        Stat(_("報告の食い違い"), board.conflicts, "conflict"),
    ]


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}"


# --- the chart of the confirmation rate over time -------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 640, 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 24, 16, 40
HOUR = datetime.timedelta(hours=1)
TICK_STEPS = (1, 2, 3, 6, 12, 24, 48, 72, 168)
MAX_X_TICKS = 6


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class TimelineRow:
    hour: datetime.datetime
    confirmed: int
    percent: str


@dataclass
class RateChart:
    """The cumulative share of persons confirmed, hour by hour, from the event's start to now (or its end)."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: str  # the line (SVG polyline)
    area: str  # the area under it (SVG polygon)
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    rows: list[TimelineRow]
    start: datetime.datetime
    end: datetime.datetime


def rate_chart(board: Dashboard) -> RateChart:
    event = board.event
    start = timezone.localtime(event.started_at).replace(minute=0, second=0, microsecond=0)
    end = min(m for m in (board.at, event.ended_at, event.planned_end_at) if m is not None)
    end = max(timezone.localtime(end), start + HOUR)
    span = (end - start).total_seconds()
    plot_width = CHART_WIDTH - PAD_LEFT - PAD_RIGHT
    plot_height = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(moment: datetime.datetime) -> float:
        return round(PAD_LEFT + plot_width * min(max((moment - start).total_seconds() / span, 0.0), 1.0), 1)

    def y(rate: float) -> float:
        return round(PAD_TOP + plot_height * (1 - min(max(rate, 0.0), 1.0)), 1)

    points = [(x(start), y(0))]
    previous = 0.0
    for hour, _n, rate in board.timeline:
        points += [(x(hour), y(previous)), (x(min(hour + HOUR, end)), y(rate))]
        previous = rate
    points.append((x(end), y(previous)))
    line = " ".join(f"{px},{py}" for px, py in points)
    baseline = y(0)
    area = f"{points[0][0]},{baseline} {line} {points[-1][0]},{baseline}"

    hours = max(1, int(span // 3600))
    step = next((s for s in TICK_STEPS if hours / s <= MAX_X_TICKS), TICK_STEPS[-1])
    x_ticks = []
    moment = start
    while moment <= end:
        x_ticks.append(Tick(x(moment), f"{moment.month}/{moment.day} {moment:%H:%M}"))
        moment += step * HOUR
    y_ticks = [Tick(y(share / 100), f"{share}%") for share in (0, 25, 50, 75, 100)]
    rows = [TimelineRow(timezone.localtime(hour), n, _percent(rate)) for hour, n, rate in board.timeline]
    return RateChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=PAD_LEFT,
        right=CHART_WIDTH - PAD_RIGHT,
        top=PAD_TOP,
        bottom=CHART_HEIGHT - PAD_BOTTOM,
        points=line,
        area=area,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        rows=rows,
        start=start,
        end=end,
    )
