"""Printed and file copies of the roster: for a distribution (exactly what its organisation's agreement lets it
see) or for a district (the ward's own working copy, with the support attributes). PDF (A4 landscape, 取扱注意
and the distribution number on every page), XLSX, and CSV in CP932 or UTF-8 with BOM.

Every output goes through the access policy and writes one EXPORT audit entry naming every person and the
chosen purpose."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.styles import Font

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import District
from tsunagu.audit.forms import PURPOSE_REQUIRED_MESSAGE as OUTPUT_PURPOSE_REQUIRED_MESSAGE
from tsunagu.audit.models import AuditAction, AuditPurpose
from tsunagu.audit.services import audit_record
from tsunagu.core.output import (
    CsvEncoding,
    OutputFilename,
    OutputReport,
    output_filename,
    write_csv,
    write_xlsx,
)
from tsunagu.core.wareki import format_wareki, today_jst

from .models import Distribution, RosterBuild, RosterEntry
from .pdf import render_roster_pdf
from .selectors.distribution import distribution_entries, distribution_grant
from .sheet import CONFIDENTIAL, RosterSheet, roster_lines, sheet_headers

OUTPUT_NOT_WARD_MESSAGE = gettext_lazy("名簿の出力は、区役所の福祉部門の職員だけができます。")
OUTPUT_AGREEMENT_ENDED_MESSAGE = gettext_lazy("協定が有効でないため、この提供記録の名簿は出力できません。")
OUTPUT_NO_BUILD_MESSAGE = gettext_lazy("名簿がまだ作成されていません。")
OUTPUT_BAD_FORMAT_MESSAGE = gettext_lazy("出力の形式を選んでください。")
WARD_COPY_NUMBER = "区控 第{build}版 {district}"
# The files' name (tsunagu.core.output.output_filename): 避難行動要支援者名簿_大正区_20261201_R3-2026-0001.pdf
OUTPUT_NAME = "避難行動要支援者名簿"


class OutputFormat(models.TextChoices):
    PDF = "pdf", _("PDF（印刷用）")
    XLSX = "xlsx", _("Excel（.xlsx）")
    CSV_CP932 = "csv_cp932", _("CSV（Shift_JIS・Excel向け）")
    CSV_UTF8 = "csv_utf8", _("CSV（UTF-8・BOM付き）")


CONTENT_TYPES = {
    OutputFormat.PDF: "application/pdf",
    OutputFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    OutputFormat.CSV_CP932: "text/csv; charset=Shift_JIS",
    OutputFormat.CSV_UTF8: "text/csv; charset=utf-8",
}
EXTENSIONS = {
    OutputFormat.PDF: "pdf",
    OutputFormat.XLSX: "xlsx",
    OutputFormat.CSV_CP932: "csv",
    OutputFormat.CSV_UTF8: "csv",
}


class OutputRefusedError(Exception):
    """An output the rules do not allow; the message is one of the constants above."""


@dataclass
class OutputResult:
    content: bytes
    content_type: str
    filename: OutputFilename
    person_ids: list[int]
    report: OutputReport = field(default_factory=OutputReport)


def render_roster_xlsx(sheet: RosterSheet) -> tuple[bytes, OutputReport]:
    """The core writer's table, with 取扱注意, the title and the distribution number above the header and in
    the printed page header."""
    content, report = write_xlsx(
        sheet_headers(sheet.full), [line.cells(full=sheet.full) for line in sheet.rows], sheet_title="名簿"
    )
    workbook = load_workbook(io.BytesIO(content))
    worksheet = workbook.active
    worksheet.insert_rows(1, amount=2)
    worksheet["A1"] = CONFIDENTIAL
    worksheet["A1"].font = Font(bold=True, color="FF0000")
    worksheet["B1"] = sheet.title
    worksheet["A2"] = "配布番号"
    worksheet["B2"] = sheet.number
    worksheet.freeze_panes = "A4"
    worksheet.oddHeader.left.text = CONFIDENTIAL
    worksheet.oddHeader.right.text = f"配布番号 {sheet.number}"
    worksheet.oddFooter.right.text = "&P / &N"
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.print_title_rows = "3:3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), report


def render_roster_csv(sheet: RosterSheet, *, encoding: CsvEncoding) -> tuple[bytes, OutputReport]:
    """A plain table (one header row) so it loads into other software; the number travels in the filename."""
    return write_csv(sheet_headers(sheet.full), [line.cells(full=sheet.full) for line in sheet.rows], encoding=encoding)


# ---------------------------------------------------------------------------------------------------------
# The outputs (policy + audit)


def _check(user, purpose: str, output_format: str, capability: Capability) -> None:  # noqa: ANN001
    policy.require_capability(user, capability)
    if purpose not in AuditPurpose.values:
        raise OutputRefusedError(OUTPUT_PURPOSE_REQUIRED_MESSAGE)
    if output_format not in OutputFormat.values:
        raise OutputRefusedError(OUTPUT_BAD_FORMAT_MESSAGE)


def _render(sheet: RosterSheet, output_format: str, *, ascii_number: str | None = None) -> OutputResult:
    report = OutputReport()
    encoding = None
    if output_format == OutputFormat.PDF:
        content = render_roster_pdf(sheet)
    elif output_format == OutputFormat.XLSX:
        content, report = render_roster_xlsx(sheet)
    else:
        encoding = CsvEncoding.CP932 if output_format == OutputFormat.CSV_CP932 else CsvEncoding.UTF8_BOM
        content, report = render_roster_csv(sheet, encoding=encoding)
    filename = output_filename(
        OUTPUT_NAME,
        ascii_what="roster",
        day=today_jst(),
        extension=EXTENSIONS[OutputFormat(output_format)],
        number=sheet.number,
        ascii_number=ascii_number,
        encoding=encoding,
    )
    return OutputResult(
        content=content,
        content_type=CONTENT_TYPES[OutputFormat(output_format)],
        filename=filename,
        person_ids=[line.person_id for line in sheet.rows],
        report=report,
    )


def _audit(
    *,
    user,  # noqa: ANN001
    result: OutputResult,
    purpose: str,
    detail: dict,
    request: HttpRequest | None,
) -> None:
    if result.report.changed:
        detail = {**detail, "replaced": result.report.counts()}
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target_type="person",
        target_ids=result.person_ids,
        purpose=purpose,
        detail=detail,
        request=request,
    )


def _build_title(build: RosterBuild, whose: str) -> str:
    return f"避難行動要支援者名簿 第{build.number}版（基準日 {format_wareki(build.reference_date)}）　{whose}"


def roster_output_distribution(
    *,
    user,  # noqa: ANN001
    distribution: Distribution,
    output_format: str,
    purpose: str,
    day: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> OutputResult:
    """The copy handed to the distribution's organisation: only the persons its agreement lets it see today
    (consent withdrawn since the build: left out), without the ward's internal support attributes."""
    _check(user, purpose, output_format, Capability.MANAGE_DISTRIBUTIONS)
    if distribution_grant(distribution, day=day) is None:
        raise OutputRefusedError(OUTPUT_AGREEMENT_ENDED_MESSAGE)
    entries = list(distribution_entries(distribution, user=user, day=day).select_related("town"))
    build = distribution.build
    district_names = "・".join(d.name for d in distribution.districts.all())
    sheet = RosterSheet(
        title=_build_title(build, f"{distribution.organisation.name}（{district_names}）"),
        number=distribution.number,
        full=False,
        rows=roster_lines(entries, build_id=build.pk, full=False),
    )
    result = _render(sheet, output_format)
    detail = {"number": distribution.number, "build": build.number, "format": output_format}
    _audit(user=user, result=result, purpose=purpose, detail=detail, request=request)
    return result


def roster_output_district(
    *,
    user,  # noqa: ANN001
    district: District,
    output_format: str,
    purpose: str,
    build: RosterBuild | None = None,
    request: HttpRequest | None = None,
) -> OutputResult:
    """The ward's working copy of one district (latest build unless another is named), with support attributes.
    Listed by the address in the build's snapshot; the policy still decides who may be printed."""
    _check(user, purpose, output_format, Capability.MANAGE_ROSTER)
    build = build or RosterBuild.current(policy.viewer_for(user).ward_id)
    if build is None:
        raise OutputRefusedError(OUTPUT_NO_BUILD_MESSAGE)
    viewer = policy.viewer_for(user)
    full = viewer.is_professional
    entries = list(
        policy.rows_of_visible_persons(
            RosterEntry.objects.filter(build=build, town__town_districts__district=district),
            viewer,
            town_ref="person_town_id",
        ).select_related("town")
    )
    number = WARD_COPY_NUMBER.format(build=build.number, district=district.name)
    sheet = RosterSheet(
        title=_build_title(build, district.name),
        number=number,
        full=full,
        rows=roster_lines(entries, build_id=build.pk, full=full),
    )
    result = _render(sheet, output_format, ascii_number=f"build{build.number}-{district.code}")
    detail = {"number": number, "build": build.number, "format": output_format, "district": district.pk}
    _audit(user=user, result=result, purpose=purpose, detail=detail, request=request)
    return result
