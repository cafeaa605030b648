"""The case timeline, the caseload dashboards and the area issues (with their CSV and Excel exports)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tsunagu.access.policy import Capability, capability_required
from tsunagu.core.charts import bar_chart
from tsunagu.core.output import CsvEncoding, attachment_header, output_filename, write_csv, write_xlsx

from ..selectors import case_or_404, case_timeline
from ..selectors.area import area_issues, area_rows, district_types
from ..selectors.dashboards import Caseload, agency_caseload, agency_workers, worker_caseload
from ..services import case_agencies_of


@capability_required(Capability.OPEN_CASE)
@require_GET
def case_timeline_view(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_or_404(request.user, case_id, request=request, purpose="timeline")
    return render(request, "cases/timeline.html", {"case": case, "entries": case_timeline(case)})


def _charts(prefix: str, load: Caseload) -> dict:
    return {
        "domain_chart": bar_chart(f"{prefix}-domains", _("分野別の未終結ケース"), load.by_domain, unit=_("件")),
        "support_chart": bar_chart(
            f"{prefix}-support",
            _("受付から支援開始までの日数（過去1年に受け付けたケース）"),
            load.distribution,
            unit=_("件"),
        ),
    }


@capability_required(Capability.OPEN_CASE)
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    agencies = case_agencies_of(request.user)
    chosen = next((a for a in agencies if str(a.pk) == request.GET.get("agency")), agencies[0] if agencies else None)
    mine = worker_caseload(request.user)
    context = {"mine": mine, "mine_charts": _charts("mine", mine), "agencies": agencies, "agency": chosen}
    if chosen is not None:
        load = agency_caseload(request.user, chosen.pk)
        context.update(
            agency_load=load, agency_charts=_charts("agency", load), workers=agency_workers(request.user, chosen.pk)
        )
    return render(request, "cases/dashboard.html", context)


@capability_required(Capability.VIEW_AREA_FIGURES)
@require_GET
def area_view(request: HttpRequest) -> HttpResponse:
    issues = area_issues(request.user, district_type_id=request.GET.get("layer"), request=request)
    trend = [
        (_("%(y)d年%(m)d月") % {"y": m.year, "m": m.month}, total)
        for m, total in zip(issues.months, issues.by_month.row_totals, strict=True)
    ]
    context = {
        "issues": issues,
        "layers": district_types(),
        "district_rows": zip(issues.districts, issues.by_district.cells, issues.by_district.row_totals, strict=True),
        "month_rows": zip(issues.months, issues.by_month.cells, issues.by_month.row_totals, strict=True),
        "trend_chart": bar_chart("trend", _("月別の相談件数（延べ）"), trend, unit=_("件")),
    }
    return render(request, "cases/area.html", context)


EXPORTS = {"csv": CsvEncoding.UTF8_BOM, "sjis": CsvEncoding.CP932, "xlsx": None}


@capability_required(Capability.VIEW_AREA_FIGURES)
@require_GET
def area_export_view(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("format", "csv")
    if kind not in EXPORTS:
        kind = "csv"
    issues = area_issues(request.user, district_type_id=request.GET.get("layer"), request=request, export=kind)
    headers, rows = area_rows(issues)
    day = timezone.localdate()
    if kind == "xlsx":
        content, _report = write_xlsx(headers, rows, sheet_title=_("地域の課題"))
        name = output_filename(_("地域の課題"), ascii_what="area-issues", day=day, extension="xlsx")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        encoding = EXPORTS[kind]
        content, _report = write_csv(headers, rows, encoding=encoding)
        name = output_filename(_("地域の課題"), ascii_what="area-issues", day=day, extension="csv", encoding=encoding)
        content_type = f"text/csv; charset={'shift_jis' if encoding == CsvEncoding.CP932 else 'utf-8'}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(name)
    return response
