"""The commissioner's monthly activity record pages (my months, one month's form, its PDF and XLSX) and the
民児協's totals. Thin: parse the month, ask a selector or service, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tsunagu.core.output import attachment_header
from tsunagu.core.wareki import today_jst

from ..activity import month_key, parse_month, previous_month
from ..activity_forms import ActivityRecordForm, MonthForm
from ..selectors.activity import (
    ActivityOutput,
    activity_record,
    activity_record_export,
    activity_totals,
    activity_totals_export,
    can_view_activity_totals,
    my_activity_months,
)
from ..services.activity import ActivityError, activity_record_reopen, activity_record_save

MONTH_NOT_FOUND = "no such month"


def _month(text: str) -> datetime.date:
    month = parse_month(text)
    if month is None:
        raise Http404(MONTH_NOT_FOUND)
    return month


def _download(result: ActivityOutput) -> HttpResponse:
    return HttpResponse(
        result.content,
        content_type=result.content_type,
        headers={"Content-Disposition": attachment_header(result.filename)},
    )


@login_required
@require_GET
def activity_months_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "watch/activity_list.html",
        {"rows": my_activity_months(request.user), "can_view_totals": can_view_activity_totals(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_record_view(request: HttpRequest, month: str) -> HttpResponse:
    day = _month(month)
    page = activity_record(request.user, day)
    if request.method == "POST" and "reopen" in request.POST:
        try:
            activity_record_reopen(request.user, day, request=request)
        except ActivityError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("提出を取り消しました。直してから、もう一度提出してください。"))
        return redirect("watch:activity_record", month=month_key(day))
    form = ActivityRecordForm(request.POST or None, page=page)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            activity_record_save(request.user, day, form.counts(), form.cleaned_data["note"], submit, request=request)
        except ActivityError as error:
            for code, message in error.field_errors.items():
                form.add_error(code if code in form.fields else None, message)
            if not error.field_errors:
                for message in error.messages:
                    form.add_error(None, message)
        else:
            if submit:
                messages.success(request, _("活動記録を提出しました。"))
            else:
                messages.success(request, _("活動記録を保存しました（まだ提出していません）。"))
            return redirect("watch:activity_record", month=month_key(day))
    return render(request, "watch/activity_record.html", {"page": page, "form": form})


@login_required
@require_GET
def activity_pdf_view(request: HttpRequest, month: str) -> HttpResponse:
    return _download(activity_record_export(request.user, _month(month), "pdf", request=request))


@login_required
@require_GET
def activity_xlsx_view(request: HttpRequest, month: str) -> HttpResponse:
    return _download(activity_record_export(request.user, _month(month), "xlsx", request=request))


def _totals_month(request: HttpRequest) -> datetime.date:
    text = request.GET.get("month")
    if not text:
        # The totals are made after a month ends: last month by default.
        return previous_month(today_jst().replace(day=1))
    return _month(text)


@login_required
@require_GET
def activity_totals_view(request: HttpRequest) -> HttpResponse:
    day = _totals_month(request)
    totals = activity_totals(request.user, day)
    form = MonthForm(initial={"month": month_key(day)})
    return render(request, "watch/activity_totals.html", {"totals": totals, "form": form})


@login_required
@require_GET
def activity_totals_xlsx_view(request: HttpRequest) -> HttpResponse:
    return _download(activity_totals_export(request.user, _totals_month(request), request=request))
