"""Printed and file copies of the roster: for a distribution (exactly what its organisation's agreement lets it
see) or for a district (the ward's own working copy, with the support attributes). PDF (A4 landscape, 取扱注意
and the distribution number on every page), XLSX, and CSV in CP932 or UTF-8 with BOM.

Every output goes through the access policy and writes one EXPORT audit entry naming every person and the
chosen purpose."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

from tsunagu.access import policy
from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction, AuditPurpose
from tsunagu.audit.services import audit_record
from tsunagu.core.output import Cell, CsvEncoding, OutputReport, write_csv, write_xlsx
from tsunagu.core.pdf import japanese_font
from tsunagu.core.wareki import format_wareki
from tsunagu.people.models import CareLevel, PhysicalDisabilityType, Sex

from .distribution import distribution_entries, distribution_grant
from .models import Distribution, RosterBuild, RosterEntry, RosterEntryReason

OUTPUT_NOT_WARD_MESSAGE = "名簿の出力は、区役所の福祉部門の職員だけができます。"
OUTPUT_PURPOSE_REQUIRED_MESSAGE = "出力の利用目的を選んでください。"
OUTPUT_AGREEMENT_ENDED_MESSAGE = "協定が有効でないため、この提供記録の名簿は出力できません。"
OUTPUT_NO_BUILD_MESSAGE = "名簿がまだ作成されていません。"
OUTPUT_BAD_FORMAT_MESSAGE = "出力の形式を選んでください。"

CONFIDENTIAL = "取扱注意"
WARD_COPY_NUMBER = "区控 第{build}版 {district}"
SECRECY_NOTE = "災害対策基本法第49条の13により、名簿の情報を正当な理由なく漏らしてはなりません。"
PDF_ROW_NUMBER = "No."


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

BASE_HEADERS = ("氏名", "フリガナ", "生年月日", "性別", "住所", "電話", "避難支援等を必要とする事由")
SUPPORT_HEADERS = (
    "要介護度",
    "身体障害者手帳",
    "療育手帳",
    "精神障害者保健福祉手帳",
    "難病",
    "ひとり暮らし",
    "高齢者のみ世帯",
)
PDF_SUPPORT_HEADER = "支援に関する情報"


class OutputRefusedError(Exception):
    """An output the rules do not allow; the message is one of the constants above."""


@dataclass(frozen=True)
class RosterSheet:
    """What every format prints: a title, the number on each page, the rows in print order."""

    title: str
    number: str
    full: bool
    rows: list[RosterLine]


@dataclass(frozen=True)
class RosterLine:
    person_id: int
    name: str
    kana: str
    birth: str
    sex: str
    address: str
    phone: str
    reasons: str
    support: tuple[str, ...] = ()

    def cells(self, *, full: bool) -> list[Cell]:
        base: list[Cell] = [self.name, self.kana, self.birth, self.sex, self.address, self.phone, self.reasons]
        return [*base, *self.support] if full else base


@dataclass
class OutputResult:
    content: bytes
    content_type: str
    filename: str
    person_ids: list[int]
    report: OutputReport = field(default_factory=OutputReport)


# ---------------------------------------------------------------------------------------------------------
# Rows


_NUMBER_RE = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    """「2-10」 after 「2-9」: compare the numbers in an address as numbers (full-width digits too)."""
    parts = _NUMBER_RE.split(text.translate(_FULLWIDTH_DIGITS))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９－", "0123456789-")


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _support(entry: RosterEntry) -> tuple[str, ...]:
    physical = ""
    if entry.physical_disability_grade:
        kind = _choice_label(PhysicalDisabilityType, entry.physical_disability_type)
        physical = f"{kind}{entry.physical_disability_grade}級".strip()
    return (
        _choice_label(CareLevel, entry.care_level) if entry.care_level else "",
        physical,
        entry.intellectual_disability_grade,
        f"{entry.mental_disability_grade}級" if entry.mental_disability_grade else "",
        "有" if entry.intractable_disease else "",
        "有" if entry.lives_alone else "",
        "有" if entry.elderly_only_household else "",
    )


def roster_lines(entries: Sequence[RosterEntry], *, build_id: int, full: bool) -> list[RosterLine]:
    """Entries as printed rows, ordered by 町丁目 code then address. Two queries whatever the number of rows
    (the entries with their towns, the reasons)."""
    person_ids = [e.person_id for e in entries]
    reasons: dict[int, list[str]] = {}
    if person_ids:
        rows = RosterEntryReason.objects.filter(build_id=build_id, person_id__in=person_ids).order_by("rule_id")
        for person_id, label in rows.values_list("person_id", "label"):
            reasons.setdefault(person_id, []).append(label)
    ordered = sorted(
        entries,
        key=lambda e: (e.town.code, _natural(e.address), _natural(e.address_extra), e.family_name_kana, e.person_id),
    )
    return [
        RosterLine(
            person_id=e.person_id,
            name=f"{e.family_name}\u3000{e.given_name}".strip(),
            kana=f"{e.family_name_kana}\u3000{e.given_name_kana}".strip(),
            birth=format_wareki(e.birth_date),
            sex=_choice_label(Sex, e.sex),
            address=" ".join(p for p in (f"{e.town.name}{e.address}", e.address_extra) if p),
            phone=e.phone,
            reasons="、".join(reasons.get(e.person_id, [])),
            support=_support(e) if full else (),
        )
        for e in ordered
    ]


def _headers(full: bool) -> list[str]:
    return [*BASE_HEADERS, *SUPPORT_HEADERS] if full else list(BASE_HEADERS)


# ---------------------------------------------------------------------------------------------------------
# Writers

PAGE = landscape(A4)
MARGIN = 12 * mm
HEADER_SPACE = 16 * mm
FOOTER_SPACE = 10 * mm
FONT_SIZE = 8
LEADING = 10
CELL_PAD = 2


def _column_widths(full: bool) -> list[float]:
    # Shares of the printable width: No., 氏名, フリガナ, 生年月日, 性別, 住所, 電話, 事由 (, 支援情報).
    shares = [3, 10, 12, 10, 4, 21, 10, 17, 16] if full else [3, 11, 13, 10, 4, 25, 10, 22]
    usable = PAGE[0] - 2 * MARGIN
    return [usable * s / sum(shares) for s in shares]


# Characters that may not begin a line (禁則): they stay at the end of the line before, slightly over the edge.
_NO_LINE_START = frozenset("、。，．・）」』ー")


@cache
def _char_width(font: str, char: str) -> float:
    return pdfmetrics.stringWidth(char, font, FONT_SIZE)


def _wrap(text: str, font: str, width: float) -> str:
    """Break a cell's text into lines that fit: Japanese has no spaces to break at, so break between any two
    characters (reportlab's simpleSplit breaks at spaces only)."""
    limit = width - 2 * CELL_PAD - 1
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current: list[str] = []
        used = 0.0
        for char in paragraph:
            char_width = _char_width(font, char)
            if current and used + char_width > limit and char not in _NO_LINE_START:
                lines.append("".join(current))
                current, used = [], 0.0
            current.append(char)
            used += char_width
        lines.append("".join(current))
    return "\n".join(lines)


def _header_painter(sheet: RosterSheet, font: str):  # noqa: ANN202
    """Draws 取扱注意, the title and the distribution number on every page, 「n / N」 at the foot."""

    class HeaderCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._paint(number, total)
                super().showPage()
            super().save()

        def _paint(self, number: int, total: int) -> None:
            width, height = PAGE
            top = height - MARGIN
            self.saveState()
            self.setStrokeColor(colors.red)
            self.setFillColor(colors.red)
            self.setFont(font, 12)
            label_width = self.stringWidth(CONFIDENTIAL, font, 12) + 8
            self.rect(MARGIN, top - 13, label_width, 16, stroke=1, fill=0)
            self.drawString(MARGIN + 4, top - 9, CONFIDENTIAL)
            self.setFillColor(colors.black)
            self.setFont(font, 11)
            self.drawString(MARGIN + label_width + 10, top - 9, sheet.title)
            self.setFont(font, 10)
            self.drawRightString(width - MARGIN, top - 9, f"配布番号 {sheet.number}")
            self.setFont(font, 7)
            self.drawString(MARGIN, MARGIN - 2, SECRECY_NOTE)
            self.setFont(font, 9)
            self.drawRightString(width - MARGIN, MARGIN - 2, f"{number} / {total}")
            self.restoreState()

    return HeaderCanvas


def render_roster_pdf(sheet: RosterSheet, *, compress: bool = True) -> bytes:
    """A4 landscape. Rows are laid out into pages here (their wrapped heights are known), one Table per page
    with its header row, so the 3,000-row roster takes a second rather than re-splitting one huge table."""
    font = japanese_font()
    widths = _column_widths(sheet.full)
    headers = [PDF_ROW_NUMBER, *BASE_HEADERS] + ([PDF_SUPPORT_HEADER] if sheet.full else [])
    header_row = [_wrap(h, font, w) for h, w in zip(headers, widths, strict=True)]
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), font, FONT_SIZE, LEADING),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD + 1),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ]
    )

    def height(row: list[str]) -> float:
        return max(c.count("\n") + 1 for c in row) * LEADING + 2 * CELL_PAD + 1

    frame_height = PAGE[1] - 2 * MARGIN - HEADER_SPACE - FOOTER_SPACE
    budget = frame_height - height(header_row) - 6  # a little slack for rounding in reportlab's layout
    story: list = []
    page: list[list[str]] = []
    used = 0.0
    for index, line in enumerate(sheet.rows, start=1):
        cells = [str(index), line.name, line.kana, line.birth, line.sex, line.address, line.phone, line.reasons]
        if sheet.full:
            # 「有」 flags print as their heading (難病, ひとり暮らし); values as they are (要介護3).
            pairs = zip(line.support, SUPPORT_HEADERS, strict=True)
            cells.append("、".join(value if value != "有" else heading for value, heading in pairs if value))
        row = [_wrap(c, font, w) for c, w in zip(cells, widths, strict=True)]
        row_height = height(row)
        if page and used + row_height > budget:
            story += [Table([header_row, *page], colWidths=widths, repeatRows=1, style=style), PageBreak()]
            page, used = [], 0.0
        page.append(row)
        used += row_height
    story.append(Table([header_row, *page], colWidths=widths, repeatRows=1, style=style))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_SPACE,
        bottomMargin=MARGIN + FOOTER_SPACE,
        title=f"{CONFIDENTIAL} {sheet.title} {sheet.number}",
        pageCompression=1 if compress else 0,
    )
    document.build(story, canvasmaker=_header_painter(sheet, font))
    return buffer.getvalue()


def render_roster_xlsx(sheet: RosterSheet) -> tuple[bytes, OutputReport]:
    """The core writer's table, with 取扱注意, the title and the distribution number above the header and in
    the printed page header."""
    content, report = write_xlsx(
        _headers(sheet.full), [line.cells(full=sheet.full) for line in sheet.rows], sheet_title="名簿"
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
    return write_csv(_headers(sheet.full), [line.cells(full=sheet.full) for line in sheet.rows], encoding=encoding)


# ---------------------------------------------------------------------------------------------------------
# The outputs (policy + audit)


def _check(user, purpose: str, output_format: str) -> None:  # noqa: ANN001
    if not policy.can_change_people(user):
        raise PermissionDenied(OUTPUT_NOT_WARD_MESSAGE)
    if purpose not in AuditPurpose.values:
        raise OutputRefusedError(OUTPUT_PURPOSE_REQUIRED_MESSAGE)
    if output_format not in OutputFormat.values:
        raise OutputRefusedError(OUTPUT_BAD_FORMAT_MESSAGE)


def _render(sheet: RosterSheet, output_format: str, filename_stem: str) -> OutputResult:
    report = OutputReport()
    if output_format == OutputFormat.PDF:
        content = render_roster_pdf(sheet)
    elif output_format == OutputFormat.XLSX:
        content, report = render_roster_xlsx(sheet)
    else:
        encoding = CsvEncoding.CP932 if output_format == OutputFormat.CSV_CP932 else CsvEncoding.UTF8_BOM
        content, report = render_roster_csv(sheet, encoding=encoding)
    return OutputResult(
        content=content,
        content_type=CONTENT_TYPES[OutputFormat(output_format)],
        filename=f"{filename_stem}.{EXTENSIONS[OutputFormat(output_format)]}",
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
    _check(user, purpose, output_format)
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
    result = _render(sheet, output_format, distribution.number)
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
    _check(user, purpose, output_format)
    build = build or RosterBuild.current()
    if build is None:
        raise OutputRefusedError(OUTPUT_NO_BUILD_MESSAGE)
    grants = policy.grants_for(user)
    full = policy.is_professional(grants=grants)
    visible = policy.visible_persons(user, grants=grants)
    entries = list(
        RosterEntry.objects.filter(
            build=build, town__town_districts__district=district, person__in=visible.values("pk")
        ).select_related("town")
    )
    number = WARD_COPY_NUMBER.format(build=build.number, district=district.name)
    sheet = RosterSheet(
        title=_build_title(build, district.name),
        number=number,
        full=full,
        rows=roster_lines(entries, build_id=build.pk, full=full),
    )
    result = _render(sheet, output_format, f"roster_{build.number}_{district.code}")
    detail = {"number": number, "build": build.number, "format": output_format, "district": district.pk}
    _audit(user=user, result=result, purpose=purpose, detail=detail, request=request)
    return result
