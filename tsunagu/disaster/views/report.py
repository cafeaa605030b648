"""The after-action report of an event (事後報告): its summary on a page, and the A4 PDF and the workbook to
download. Thin: who may open it, what it counts and the audit rows are the selector's (selectors/report.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tsunagu.core.output import attachment_header

from ..models import SafetyStatus
from ..selectors.report import ReportOutput, event_report, event_report_export


def _download(result: ReportOutput) -> HttpResponse:
    return HttpResponse(
        result.content,
        content_type=result.content_type,
        headers={"Content-Disposition": attachment_header(result.filename)},
    )


@login_required
@require_GET
def report_view(request: HttpRequest, event_id: str) -> HttpResponse:
    report = event_report(user=request.user, event_id=event_id, request=request)
    statuses = [(label, report.counts.get(value, 0)) for value, label in SafetyStatus.choices]
    return render(
        request,
        "disaster/report.html",
        {
            "event": report.event,
            "state": report.state,
            "report": report,
            "statuses": statuses,
            "occupancy_rows": [
                {"hour": hour, "counts": [use.occupancy[i] for use in report.shelters]}
                for i, hour in enumerate(report.hours)
            ],
        },
    )


@login_required
@require_GET
def report_pdf_view(request: HttpRequest, event_id: str) -> HttpResponse:
    return _download(event_report_export(user=request.user, event_id=event_id, output_format="pdf", request=request))


@login_required
@require_GET
def report_xlsx_view(request: HttpRequest, event_id: str) -> HttpResponse:
    return _download(event_report_export(user=request.user, event_id=event_id, output_format="xlsx", request=request))
