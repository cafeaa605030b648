"""The after-action report of a disaster event as a workbook, one sheet per part: 概要, 経過, 時間ごとの確認率,
地区別, 避難所, 避難所の人数（時間ごと）, 連絡がつかなかった方. Each sheet starts with the event's name (and 訓練 for a
drill), then its table.

The cell rules are those of tsunagu.core.output.write_xlsx, for several sheets: every text a string cell, never a
formula (formula-like text also carries Excel's leading-apostrophe flag), control characters replaced by 〓, times
as date cells in Japan time, rates as numbers shown as percentages. Japanese labels in every interface language,
like the PDF."""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tsunagu.core.output import UNMAPPABLE_MARK, formula_like

from .models import SafetyStatus
from .report_pdf import TITLE, coverage_text, summary_rows

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from .selectors.report import EventReport

MOMENT_FORMAT = "yyyy/mm/dd hh:mm"
RATE_FORMAT = "0.0%"
CONFIDENTIAL = "取扱注意：氏名・住所・電話番号を含みます。目的外の利用・複写・持ち出しはしないでください。"


class Rate(float):
    """A share (0–1) written as a number shown as a percentage."""


def _value(value: object) -> object:
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: the wall clock in Japan.
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(UNMAPPABLE_MARK, value)
    return value


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("F", "W") else 1 for c in text)


def _write(sheet: Worksheet, row: int, values: Sequence[object], *, bold: bool = False) -> None:
    for column, raw in enumerate(values, start=1):
        value = _value(raw)
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula
            if formula_like(value):
                cell.quotePrefix = True
        elif isinstance(value, datetime.datetime):
            cell.number_format = MOMENT_FORMAT
        elif isinstance(raw, Rate):
            cell.number_format = RATE_FORMAT
        if bold:
            cell.font = Font(bold=True)


def _sheet(
    workbook: Workbook,
    report: EventReport,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    notes: Sequence[str] = (),
) -> Worksheet:
    """A sheet: the event's name and the part's title, notes, a blank line, the bold header (frozen, printed on
    every page), the rows."""
    sheet = workbook.create_sheet(title=title[:31])
    event = report.event
    name = f"{event.name}（訓練）" if event.is_drill else event.name
    lines = [[f"{TITLE}　{name}", title], *[[n] for n in notes]]
    for number, line in enumerate(lines, start=1):
        _write(sheet, number, line)
    sheet["A1"].font = Font(bold=True, size=13)
    header_row = len(lines) + 2
    _write(sheet, header_row, headers, bold=True)
    for offset, row in enumerate(rows, start=1):
        _write(sheet, header_row + offset, row)
    widths = [max(8, _width(str(h)) + 2) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            text = (
                value
                if isinstance(value, str)
                else ("0000/00/00 00:00" if isinstance(value, datetime.datetime) else str(value))
            )
            widths[i] = min(50, max(widths[i], _width(text) + 2))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.oddFooter.right.text = "&P / &N"
    sheet.oddHeader.left.text = f"{TITLE} {name}"[:200].replace("&", "&&")
    return sheet


def render_report_xlsx(report: EventReport) -> bytes:
    with translation.override("ja"):
        workbook = Workbook()
        workbook.remove(workbook.active)
        _overview(workbook, report)
        _timeline(workbook, report)
        _hours(workbook, report)
        _districts(workbook, report)
        _shelters(workbook, report)
        _never_reached(workbook, report)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _overview(workbook: Workbook, report: EventReport) -> None:
    rows: list[list[object]] = [[label, value] for label, value in summary_rows(report)]
    rows.append(["", ""])
    rows += [[f"安否：{label}", report.counts.get(value, 0)] for value, label in SafetyStatus.choices]
    rows.append(["確認率", Rate(report.rate)])
    notes = [
        "確認済みは「無事・在宅」「避難済」「入院・施設」「要救助・要支援」「負傷」のいずれかの報告が一度でもあった方です（その後の「不在」などで取り消されません）。安否の人数は最後の報告によります。"
    ]
    if not report.whole:
        notes.append(f"報告の範囲：{coverage_text(report)}（区全体の数ではありません）。")
    _sheet(workbook, report, "概要", ["項目", "内容"], rows, notes=notes)


def _timeline(workbook: Workbook, report: EventReport) -> None:
    rows = [[m.at, str(m.label), m.by] for m in report.moments]
    _sheet(workbook, report, "経過", ["日時", "出来事", "担当"], rows)


def _hours(workbook: Workbook, report: EventReport) -> None:
    headers = [
        "時間帯の始め",
        "時間帯の終わり",
        "受付件数",
        "報告件数（確認時刻）",
        "新たに確認",
        "確認済み（累計）",
        "確認率（全体）",
    ]
    headers += [f"確認率：{d.district.name}" for d in report.districts]
    rows = [
        [
            row.start,
            row.end,
            row.received,
            row.observed,
            row.new_confirmed,
            row.confirmed,
            Rate(row.rate),
            *[Rate(r) for r in row.district_rates],
        ]
        for row in report.hours
    ]
    notes = ["確認率は、対象の方のうち時間帯の終わりまでに一度でも確認できた方の割合です。"]
    if report.step_hours > 1:
        notes.append(f"期間が長いため、{report.step_hours}時間ごとにまとめています。")
    _sheet(workbook, report, "時間ごとの確認率", headers, rows, notes=notes)


def _districts(workbook: Workbook, report: EventReport) -> None:
    rows: list[list[object]] = [
        [d.layer, d.district.name, d.total, d.confirmed, Rate(d.rate), d.not_reached, d.unreported]
        for d in report.districts
    ]
    rows.append(
        [
            "",
            "合計（重複なし）",
            report.total,
            report.confirmed,
            Rate(report.rate),
            report.not_reached,
            report.unreported,
        ]
    )
    headers = ["地区の種類", "地区", "対象の方", "確認済み", "確認率", "連絡つかず・不在", "報告なし"]
    _sheet(workbook, report, "地区別", headers, rows, notes=["終了時点（継続中はいま時点）の数です。"])


def _shelters(workbook: Workbook, report: EventReport) -> None:
    rows = []
    for use in report.shelters:
        for number, (opened, closed) in enumerate(use.openings or [(None, None)]):
            first = number == 0
            rows.append(
                [
                    use.shelter.name,
                    use.capacity if use.capacity else "記載なし",
                    opened or "",
                    closed or ("開設中" if opened else ""),
                    use.arrivals if first else "",
                    use.peak if first else "",
                    (use.peak_at or "") if first else "",
                    Rate(use.peak_rate) if first and use.peak_rate is not None else "",
                    use.final if first else "",
                ]
            )
    headers = [
        "避難所",
        "定員",
        "開設",
        "閉鎖",
        "入所（延べ）",
        "最大の人数",
        "最大の時刻",
        "定員比（最大）",
        "終了時点の人数",
    ]
    _sheet(
        workbook,
        report,
        "避難所",
        headers,
        rows,
        notes=["最大の人数は、入所と退所の記録から求めた、期間中のいずれかの時点での最大です。"],
    )
    headers = ["時間帯の終わり"] + [
        use.shelter.name + (f"（定員{use.capacity}）" if use.capacity else "") for use in report.shelters
    ]
    rows = [
        [min(row.end, report.until), *[use.occupancy[i] for use in report.shelters]]
        for i, row in enumerate(report.hours)
    ]
    _sheet(
        workbook,
        report,
        "避難所の人数（時間ごと）",
        headers,
        rows,
        notes=["各時間帯の終わりの時点で入所していた人数です。"],
    )


def _never_reached(workbook: Workbook, report: EventReport) -> None:
    headers = [
        "氏名",
        "ふりがな",
        "地区",
        "住所",
        "電話番号",
        "最後の安否",
        "最後の報告の日時",
        "報告者",
        "場所",
        "メモ",
    ]
    rows = []
    for row in report.never_reached:
        person, last = row.person, row.last
        rows.append(
            [
                person.full_name,
                person.full_name_kana,
                row.districts,
                person.full_address,
                person.phone,
                row.status_label if last else "報告なし",
                last.observed_at if last else "",
                str(last.reported_by) if last else "",
                last.place if last else "",
                last.note if last else "",
            ]
        )
    notes = [
        f"終了時点で安否を確認できていない方：{report.never_reached_total}人"
        "（報告のない方と、最後の報告が「連絡つかず」「不在」の方）。",
    ]
    if report.never_reached:
        notes.insert(0, CONFIDENTIAL)
    if report.never_reached_hidden:
        notes.append(
            f"このうち{report.never_reached_hidden}人は、あなたがいま閲覧できない方のため、氏名などを載せていません"
            "（災害の終了後は、区役所の防災担当は名簿の方を閲覧できません。区役所の福祉部門にご依頼ください）。"
        )
    _sheet(workbook, report, "連絡がつかなかった方", headers, rows, notes=notes)
