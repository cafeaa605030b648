"""The roster's PDF layout: A4 landscape, 取扱注意, the title and the distribution number on every page, the
confidentiality article in the footer, Japanese wrapped by character. (The evacuation plan's A4 sheet is
tsunagu.evacuation.pdf.)"""

from __future__ import annotations

import io
from functools import cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

from tsunagu.core.pdf import NumberedCanvas, japanese_font

from .sheet import (
    BASE_HEADERS,
    CONFIDENTIAL,
    PDF_ROW_NUMBER,
    PDF_SUPPORT_HEADER,
    SECRECY_NOTE,
    SUPPORT_HEADERS,
    RosterSheet,
)

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

    class HeaderCanvas(NumberedCanvas):
        def paint_page(self, number: int, total: int) -> None:
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
