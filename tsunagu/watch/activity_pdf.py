"""The A4 form 「民生委員・児童委員活動記録」 of one commissioner's month (reportlab, the embedded IPAex Gothic of
tsunagu.core.pdf), laid out like the paper sheet handed to the 民児協: who and which month at the top, the
相談・支援件数 by 分野 and by 内容 side by side, the other activities, the visits, liaison and days, the 特記事項.

Like every official form of tsunagu (the roster, the 個別避難計画), its labels are Japanese in every interface
language. It always fits on one page (a long note is cut with 「…」, and the form shrinks as a last resort)."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tsunagu.core.pdf import japanese_font
from tsunagu.core.wareki import format_wareki

from .activity import ACTIVITIES, CONTENTS, COUNTERS, FIELDS, CategoryGroup

if TYPE_CHECKING:
    from .selectors.activity import ActivityRecordPage

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_BG = colors.HexColor("#E8EDF2")
GRID = colors.HexColor("#555555")
TITLE = "民生委員・児童委員活動記録"
NOTE_CUT = 600
UNITS = {"visits": "回", "liaison": "回", "days": "日"}
DRAFT = "下書き（未提出）"


class _Styles:
    def __init__(self, font: str) -> None:
        self.body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
        self.label = ParagraphStyle("label", parent=self.body, fontSize=9, leading=12)
        self.number = ParagraphStyle("number", parent=self.body, fontSize=11, leading=14, alignment=TA_RIGHT)
        self.title = ParagraphStyle("title", parent=self.body, fontSize=17, leading=22, alignment=TA_CENTER)
        self.month = ParagraphStyle("month", parent=self.body, fontSize=13, leading=17, alignment=TA_CENTER)
        self.heading = ParagraphStyle("heading", parent=self.body, fontSize=10, leading=13)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=10)
        self.right = ParagraphStyle("right", parent=self.small, alignment=TA_RIGHT)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _style(table: Table, *, header: bool = True, total: bool = False, label_col: bool = True) -> Table:
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), LABEL_BG))
    if label_col:
        commands.append(("BACKGROUND", (0, 0), (0, -1), LABEL_BG))
    if total:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 1.4, GRID))
    table.setStyle(TableStyle(commands))
    return table


def _count_table(group: CategoryGroup, page: ActivityRecordPage, s: _Styles, width: float, *, total: bool) -> Table:
    number_w = 22 * mm
    rows = [[_p(str(group.label), s.heading), _p("件数" if total else "回数・日数", s.label)]]
    for category in group.categories:
        value = page.counts.get(category.code, 0)
        unit = UNITS.get(category.code, "")
        rows.append([_p(str(category.label), s.body), _p(f"{value}{unit}", s.number)])
    if total:
        rows.append([_p("計", s.label), _p(str(sum(page.counts.get(c, 0) for c in group.codes)), s.number)])
    table = Table(rows, colWidths=[width - number_w, number_w], rowHeights=[None] + [20] * (len(rows) - 1))
    return _style(table, total=total, label_col=False)


def _header(page: ActivityRecordPage, s: _Styles) -> Table:
    record = page.record
    if record is not None and record.submitted_at is not None:
        status = format_wareki(timezone.localdate(record.submitted_at))
    else:
        status = DRAFT
    label_w = 24 * mm
    cell = (CONTENT_WIDTH - 2 * label_w) / 2
    cells = [
        ("民児協", page.organisation_name),
        ("担当地区", page.district_name),
        ("委員氏名", page.commissioner_name),
        ("提出日", status),
    ]
    flat = [item for label, value in cells for item in (_p(label, s.label), _p(value, s.body))]
    rows = [flat[:4], flat[4:]]
    table = Table(rows, colWidths=[label_w, cell, label_w, cell], rowHeights=[20, 20])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
                ("BACKGROUND", (2, 0), (2, -1), LABEL_BG),
            ]
        )
    )
    return table


def render_activity_pdf(page: ActivityRecordPage) -> bytes:
    """The commissioner's month as PDF bytes: one A4 portrait page."""
    with translation.override("ja"):
        return _render(page)


def _render(page: ActivityRecordPage) -> bytes:
    font = japanese_font()
    s = _Styles(font)
    gap = 6 * mm
    half = (CONTENT_WIDTH - gap) / 2

    left = [
        _count_table(FIELDS, page, s, half, total=True),
        Spacer(1, 4 * mm),
        _count_table(ACTIVITIES, page, s, half, total=True),
        Spacer(1, 4 * mm),
        _count_table(COUNTERS, page, s, half, total=False),
    ]
    right = [_count_table(CONTENTS, page, s, half, total=True)]
    body = Table([[left, "", right]], colWidths=[half, gap, half])
    body.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    note = page.note.strip()
    if len(note) > NOTE_CUT:
        note = note[: NOTE_CUT - 1] + "…"
    note_box = Table(
        [[_p("特記事項", s.label)], [_p(note, s.body)]], colWidths=[CONTENT_WIDTH], rowHeights=[None, None]
    )
    note_box.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 110),
            ]
        )
    )
    issued = timezone.localtime()
    story = [
        _p(TITLE, s.title),
        Spacer(1, 1 * mm),
        _p(f"{page.label}分", s.month),
        Spacer(1, 4 * mm),
        _header(page, s),
        Spacer(1, 3 * mm),
        body,
        Spacer(1, 5 * mm),
        note_box,
        Spacer(1, 2 * mm),
        _p(f"出力：{format_wareki(issued.date())} {issued:%H:%M}（つなぐ）", s.right),
    ]
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{TITLE} {page.label}分",
        author=page.commissioner_name,
        subject=page.organisation_name,
    )
    frame_height = PAGE_HEIGHT - 28 * mm
    doc.build([KeepInFrame(CONTENT_WIDTH, frame_height - 1, story, mode="shrink")])
    return buffer.getvalue()
