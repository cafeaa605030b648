"""Workbooks of the activity records: one commissioner's month (区分・項目・件数) and the 民児協's totals (項目 by
小学校区, with the ward total). Written by tsunagu.core.output.write_xlsx (string cells never formulas), with the
title rows above the table. Japanese labels in every interface language, like the PDF form."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from tsunagu.core.output import UNMAPPABLE_MARK, formula_like, write_xlsx
from tsunagu.core.wareki import format_wareki

from .activity import GROUPS, TOTALLED_GROUPS, group_total
from .activity_pdf import DRAFT, TITLE

if TYPE_CHECKING:
    from .selectors.activity import ActivityRecordPage, ActivityTotals

TOTALS_TITLE = "民生委員・児童委員活動記録　集計"
# The table starts below these title rows.
RECORD_TITLE_ROWS = 5
TOTALS_TITLE_ROWS = 3


def _with_title_rows(content: bytes, lines: list[list[str]], *, landscape: bool = False) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    sheet.insert_rows(1, amount=len(lines) + 1)
    for row, values in enumerate(lines, start=1):
        for column, value in enumerate(values, start=1):
            # Names and the note are typed by people: text, never a formula (the rule of core.output).
            text = ILLEGAL_CHARACTERS_RE.sub(UNMAPPABLE_MARK, value)
            cell = sheet.cell(row=row, column=column, value=text)
            cell.data_type = "s"
            if formula_like(text):
                cell.quotePrefix = True
    sheet["A1"].font = Font(bold=True, size=13)
    header_row = len(lines) + 2
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_activity_xlsx(page: ActivityRecordPage) -> bytes:
    """One commissioner's month: the title rows, then one row per category (and the 計 of each group)."""
    with translation.override("ja"):
        rows: list[list] = []
        for group in GROUPS:
            for category in group.categories:
                rows.append([str(group.label), str(category.label), page.counts.get(category.code, 0)])
            if group.code in TOTALLED_GROUPS:
                rows.append([str(group.label), "計", group_total(group, page.counts)])
        content, _report = write_xlsx(["区分", "項目", "件数"], rows, sheet_title="活動記録")
        record = page.record
        if record is not None and record.submitted_at is not None:
            status = format_wareki(timezone.localdate(record.submitted_at))
        else:
            status = DRAFT
        lines = [
            [TITLE, f"{page.label}分"],
            ["民児協", page.organisation_name],
            ["担当地区", page.district_name],
            ["委員氏名", page.commissioner_name],
            ["提出日", status],
        ]
        if page.note:
            lines.append(["特記事項", page.note])
        return _with_title_rows(content, lines)


def render_totals_xlsx(totals: ActivityTotals) -> bytes:
    """The 民児協's month: one row per category, one column per 小学校区 and the ward total."""
    with translation.override("ja"):
        labels = [column.label for column in totals.columns] + ["区の合計"]
        rows: list[list] = [["提出数", "", *[c.records for c in totals.columns], totals.total.records]]
        for block in totals.groups:
            for row in block.rows:
                rows.append([str(block.group.label), row.label, *row.values])
        content, _report = write_xlsx(["区分", "項目", *labels], rows, sheet_title="集計")
        lines = [
            [TOTALS_TITLE, f"{totals.label}分"],
            ["集計の対象", "提出済みの記録（下書きは含みません）"],
        ]
        return _with_title_rows(content, lines, landscape=len(labels) > 4)
