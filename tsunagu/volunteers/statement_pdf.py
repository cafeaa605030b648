"""The A4 月次明細 of one member of a member-to-member service (reportlab, the embedded IPAex Gothic of
tsunagu.core.pdf): the scheme and member at the top, the balances brought forward, one row per activity (or
reversal) with its hours, fee or honorarium, transport and the running balances, then the month's totals.

Like every form tsunagu hands to residents, its labels are Japanese in every interface language. A long month
runs over several pages; the table's header repeats on each."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tsunagu.core.pdf import japanese_font
from tsunagu.core.wareki import format_wareki

from .service_models import MemberKind
from .templatetags.ledger import hours_figure, yen_figure

if TYPE_CHECKING:
    from .selectors.member_services import Statement

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 14 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_BG = colors.HexColor("#E8EDF2")
GRID = colors.HexColor("#555555")
TITLE = "月次明細"
ROLES = {MemberKind.HELPER: "協力", MemberKind.USER: "利用"}


def hours_text(value: Decimal) -> str:
    """「1.5時間」, 「-3時間」."""
    return f"{hours_figure(value)}時間"


def yen_text(value: Decimal) -> str:
    """「-1,600円」."""
    return f"{yen_figure(value)}円"


class _Styles:
    def __init__(self, font: str) -> None:
        self.body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
        self.number = ParagraphStyle("number", parent=self.body, alignment=TA_RIGHT)
        self.label = ParagraphStyle("label", parent=self.body, fontSize=8.5)
        self.title = ParagraphStyle("title", parent=self.body, fontSize=17, leading=22, alignment=TA_CENTER)
        self.month = ParagraphStyle("month", parent=self.body, fontSize=12, leading=16, alignment=TA_CENTER)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=10)
        self.right = ParagraphStyle("right", parent=self.small, alignment=TA_RIGHT)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _header(st: Statement, s: _Styles) -> Table:
    member = st.member
    label_w = 30 * mm
    cell = (CONTENT_WIDTH - 2 * label_w) / 2
    rows = [
        [
            _p("サービス", s.label),
            _p(member.scheme.name, s.body),
            _p("運営", s.label),
            _p(member.scheme.operator, s.body),
        ],
        [
            _p("会員番号", s.label),
            _p(member.number, s.body),
            _p("お名前", s.label),
            _p(f"{member.name} 様（{member.get_kind_display()}）", s.body),
        ],
        [
            _p("前月からの時間", s.label),
            _p(hours_text(st.opening_hours), s.number),
            _p("前月からの金額", s.label),
            _p(yen_text(st.opening_yen), s.number),
        ],
    ]
    table = Table(rows, colWidths=[label_w, cell, label_w, cell])
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


def _lines(st: Statement, s: _Styles) -> Table:
    head = ["活動日", "区分", "内容・相手", "時間", "利用料・謝礼", "交通費", "時間の残高", "金額の残高"]
    rows = [[_p(h, s.label) for h in head]]
    for line in st.lines:
        what = f"{line.what}（{line.counterpart}）"
        if line.reversal:
            what = f"取消：{what}"
        rows.append(
            [
                _p(f"{line.booked_on.month}/{line.booked_on.day}", s.body),
                _p(ROLES.get(line.role, ""), s.body),
                _p(what, s.body),
                _p(hours_text(line.hours), s.number),
                _p(yen_text(line.fee), s.number),
                _p(yen_text(line.transport), s.number),
                _p(hours_text(line.hours_balance), s.number),
                _p(yen_text(line.yen_balance), s.number),
            ]
        )
    if not st.lines:
        rows.append([_p("この月の活動はありません。", s.body), "", "", "", "", "", "", ""])
    rows.append(
        [
            _p("合計", s.label),
            "",
            _p(f"{len(st.lines)}件", s.body),
            _p(hours_text(st.hours_total), s.number),
            _p(yen_text(st.fee_total), s.number),
            _p(yen_text(st.transport_total), s.number),
            _p(hours_text(st.closing_hours), s.number),
            _p(yen_text(st.closing_yen), s.number),
        ]
    )
    widths = [14 * mm, 11 * mm, None, 17 * mm, 22 * mm, 17 * mm, 19 * mm, 22 * mm]
    fixed = sum(w for w in widths if w)
    widths = [w or CONTENT_WIDTH - fixed for w in widths]
    table = Table(rows, colWidths=widths, repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
        ("BACKGROUND", (0, -1), (-1, -1), LABEL_BG),
        ("LINEABOVE", (0, -1), (-1, -1), 1.4, GRID),
    ]
    if not st.lines:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(commands))
    return table


def render_statement_pdf(st: Statement) -> bytes:
    with translation.override("ja"):
        return _render(st)


def _render(st: Statement) -> bytes:
    s = _Styles(japanese_font())
    issued = timezone.localtime()
    story = [
        _p(TITLE, s.title),
        Spacer(1, 1 * mm),
        _p(f"{st.label}分", s.month),
        Spacer(1, 4 * mm),
        _header(st, s),
        Spacer(1, 4 * mm),
        _lines(st, s),
        Spacer(1, 3 * mm),
        _p(
            "時間はプラスが協力した時間、マイナスが利用した時間です。金額はマイナスがお支払いいただく利用料・交通費、"
            "プラスがお渡しする謝礼・交通費です。",
            s.small,
        ),
        Spacer(1, 2 * mm),
        _p(f"出力：{format_wareki(issued.date())} {issued:%H:%M}（{st.member.scheme.operator}）", s.right),
    ]
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{TITLE} {st.label}分 {st.member.number}",
        author=st.member.scheme.operator,
        subject=st.member.scheme.name,
    )
    doc.build(story)
    return buffer.getvalue()
