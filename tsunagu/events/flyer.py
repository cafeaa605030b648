"""An A4 flyer of one event, for notice boards, 回覧板 and the counter: title, when, where, cost, capacity,
organiser and contact, the text (and its やさしい日本語), and a QR code to the event's public page, where residents
read more and sign up. The Japanese font is embedded (tsunagu.core.pdf); the QR code is drawn as vector squares
from segno's matrix, so it prints sharp at any size."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tsunagu.core.pdf import japanese_font

from .models import Event
from .templatetags.events_text import event_when


class QrCode(Flowable):
    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.qr = segno.make(url, error="m")
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        rows = list(self.qr.matrix_iter(scale=1, border=4))
        module = self.size / len(rows)
        self.canv.setFillColor(colors.black)
        for y, row in enumerate(rows):
            for x, dark in enumerate(row):
                if dark:
                    self.canv.rect(x * module, self.size - (y + 1) * module, module, module, stroke=0, fill=1)


def _paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    return [
        Paragraph(escape(p).replace("\n", "<br/>"), style)
        for p in text.replace("\r\n", "\n").split("\n\n")
        if p.strip()
    ]


def event_flyer_pdf(event: Event, *, url: str) -> bytes:
    font = japanese_font()
    title = ParagraphStyle("title", fontName=font, fontSize=26, leading=34, wordWrap="CJK", spaceAfter=4 * mm)
    kind = ParagraphStyle("kind", fontName=font, fontSize=12, leading=16, textColor=colors.HexColor("#1f5f8b"))
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=19, wordWrap="CJK", spaceAfter=3 * mm)
    label = ParagraphStyle("label", fontName=font, fontSize=12, leading=17)
    value = ParagraphStyle("value", fontName=font, fontSize=13, leading=18, wordWrap="CJK")
    easy_head = ParagraphStyle("easy", fontName=font, fontSize=13, leading=18, spaceBefore=3 * mm)
    small = ParagraphStyle("small", fontName=font, fontSize=10, leading=14, wordWrap="CJK")

    flow: list = [Paragraph(escape(event.get_kind_display()), kind)]
    heading = ("【中止】" if event.is_cancelled else "") + event.title
    flow.append(Paragraph(escape(heading), title))

    facts = [("日時", event_when(event)), ("会場", " ".join(p for p in (event.place, event.place_address) if p))]
    if event.district_id:
        facts.append(("地区", event.district.name))
    if event.cost:
        facts.append(("参加費", event.cost))
    if event.capacity:
        facts.append(("定員", f"{event.capacity}人"))
    if event.audiences.exists():
        facts.append(("対象", "・".join(str(a) for a in event.audiences.all())))
    if event.organiser_label:
        facts.append(("主催", event.organiser_label))
    if event.contact:
        facts.append(("問い合わせ", event.contact))
    table = Table(
        [[Paragraph(escape(k), label), Paragraph(escape(v), value)] for k, v in facts],
        colWidths=[28 * mm, 142 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
            ]
        )
    )
    flow += [table, Spacer(1, 5 * mm), *_paragraphs(event.body, body)]
    if event.easy_body:
        flow.append(Paragraph("やさしい にほんご", easy_head))
        flow += _paragraphs(event.easy_body, body)
    qr = Table(
        [
            [
                QrCode(url, 36 * mm),
                Paragraph(
                    escape("くわしい案内と申込みは、QRコードを読み取るか、次のアドレスからどうぞ。")
                    + "<br/>"
                    + escape(url),
                    small,
                ),
            ]
        ],
        colWidths=[42 * mm, 128 * mm],
    )
    qr.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    flow += [Spacer(1, 6 * mm), qr]

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=15 * mm,
        title=event.title,
        author=event.organiser_label or "tsunagu",
        creator="tsunagu",
    )

    def footer(canvas, _doc) -> None:  # noqa: ANN001
        canvas.setFont(font, 8)
        canvas.drawRightString(A4[0] - 20 * mm, 8 * mm, f"{timezone.localdate():%Y-%m-%d} 作成 tsunagu")

    doc.build(flow, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
