"""The printable list of a district (A4 portrait): each window and place with its opening times, where it is (a hidden
location: its district only), its phone, and a QR code of its public page, so a printed sheet on a notice board or
in a 民生委員's bag leads to the current information. Made with reportlab and the embedded Japanese font
(tsunagu.core.pdf); the QR codes with segno."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tsunagu.core.pdf import NumberedCanvas, japanese_font
from tsunagu.directory.selectors import Entry

MARGIN = 14 * mm
QR_SIZE = 24 * mm


def _qr(url: str) -> Image:
    buffer = BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return Image(buffer, width=QR_SIZE, height=QR_SIZE)


def _entry_text(entry: Entry, styles: dict[str, ParagraphStyle]) -> list:
    service = entry.service
    parts = [
        Paragraph(
            f"<b>{escape(service.name)}</b>　<font size=8>{escape(service.get_kind_display())}</font>", styles["name"]
        )
    ]
    for line in entry.schedules:
        parts.append(Paragraph(escape(line.text + (f"（{line.note}）" if line.note else "")), styles["body"]))
    for place in entry.locations:
        if place.hidden:
            where = _("所在地は公開していません（{area}）").format(area=place.area)
        else:
            where = f"{place.name}　{place.address}"
        parts.append(Paragraph(escape(where), styles["body"]))
    if not entry.local:
        parts.append(Paragraph(escape(_("区全体の窓口")), styles["small"]))
    contact = []
    if service.phone:
        contact.append(_("電話 {phone}").format(phone=service.phone))
    cost = service.get_cost_kind_display() + (f"（{service.cost_note}）" if service.cost_note else "")
    contact.append(cost)
    parts.append(Paragraph(escape("　".join(contact)), styles["body"]))
    return parts


def render_district_pdf(
    *, title: str, entries: list[Entry], url_for: Callable[[Entry], str], printed_on: datetime.date
) -> bytes:
    with translation.override("ja"):
        font = japanese_font()
        styles = {
            "title": ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=2 * mm),
            "lead": ParagraphStyle("lead", fontName=font, fontSize=9, leading=13),
            "name": ParagraphStyle("name", fontName=font, fontSize=11, leading=15),
            "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=12.5),
            "small": ParagraphStyle(
                "small", fontName=font, fontSize=8, leading=11, textColor=colors.HexColor("#555555")
            ),
        }
        story: list = [
            Paragraph(escape(title), styles["title"]),
            Paragraph(
                escape(
                    _(
                        "QRコードをスマートフォンで読み取ると、最新の情報（次の開催日など）が見られます。"
                        "内容は{day}時点のものです。"
                    ).format(day=f"{printed_on.year}年{printed_on.month}月{printed_on.day}日")
                ),
                styles["lead"],
            ),
            Spacer(1, 4 * mm),
        ]
        rows = [[_qr(url_for(entry)), _entry_text(entry, styles)] for entry in entries]
        if rows:
            table = Table(rows, colWidths=[QR_SIZE + 4 * mm, A4[0] - 2 * MARGIN - QR_SIZE - 4 * mm], repeatRows=0)
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#bbbbbb")),
                        ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
                    ]
                )
            )
            story.append(table)
        else:
            story.append(Paragraph(escape(_("この地区の案内はまだありません。")), styles["body"]))

        footer = _("{title}　{n} / {total}")

        class Canvas(NumberedCanvas):
            def paint_page(self, number: int, total: int) -> None:
                self.saveState()
                self.setFont(font, 8)
                self.drawRightString(A4[0] - MARGIN, MARGIN / 2, footer.format(title=title, n=number, total=total))
                self.restoreState()

        buffer = BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=title,
        )
        document.build(story, canvasmaker=Canvas)
        return buffer.getvalue()
