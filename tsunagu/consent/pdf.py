"""The consent-request letter (同意確認書) as a PDF: one A4 portrait page per person, the ward's letter above and
a reply slip (回答書) to cut off below. The address block sits where a window envelope (長形3号 窓付き) shows it, so
the letters are posted without addressing envelopes. The letter's own number (整理番号, R8-000123; never the
宛名番号) is printed on the letter and the slip; staff type it in when the slip comes back. The font is embedded
(tsunagu.core.pdf), so the letter prints the same everywhere."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from tsunagu.areas.models import municipality_postal_parts
from tsunagu.core.pdf import japanese_font
from tsunagu.core.wareki import format_wareki
from tsunagu.people.models import Person

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 22 * mm
RIGHT = PAGE_WIDTH - 22 * mm
CUT_Y = 118 * mm  # the cut-off line: the reply slip fits a standard return envelope (長形3号) folded once

# The address block and the window of the envelope. The letter goes, folded in three, into a 長形3号 (120 × 235 mm)
# 窓付き封筒; its top third faces the window. The window of the common ready-made 長3 envelope for A4 三つ折り is
# 90 × 45 mm and shows, on the sheet, about 20–110 mm from the left edge and 15–60 mm from the top. Japan Post's
# guideline for window envelopes (「定形郵便物・はがき作成のガイドライン」5. 窓付封筒,
# https://www.post.japanpost.jp/zipcode/guideline/05.html) asks for an address window of at least 45 × 80 mm and
# that the postal code and address stay in the window when the sheet moves inside the envelope, and that nothing
# else shows through it. So the block is printed 5 mm inside that area on every side (x 25–105 mm, y 20–55 mm
# from the top-left corner), and nothing else is printed in the window's area.
WINDOW_LEFT = 20 * mm
WINDOW_TOP = 15 * mm
WINDOW_WIDTH = 90 * mm
WINDOW_HEIGHT = 45 * mm
ADDRESS_SLACK = 5 * mm
ADDRESS_LEFT = WINDOW_LEFT + ADDRESS_SLACK
ADDRESS_TOP = WINDOW_TOP + ADDRESS_SLACK
ADDRESS_WIDTH = WINDOW_WIDTH - 2 * ADDRESS_SLACK
ADDRESS_HEIGHT = WINDOW_HEIGHT - 2 * ADDRESS_SLACK
# Where the letter itself starts: below the window's area.
TITLE_TOP = WINDOW_TOP + WINDOW_HEIGHT + 6 * mm

SLIP_KINDS = ("民生委員", "自治会・町内会", "自主防災組織", "社会福祉協議会", "消防", "警察")

MODE_SENTENCES = {
    "required": "期限までにご回答がない場合は、名簿の情報を平常時に提供することはありません。",
    "presumed": "期限までにご回答がない場合は、提供に同意いただいたものとして取り扱います"
    "（提供を望まれない方は、必ず「同意しない」に印をつけてご返送ください）。",
    "opt_out": "区の条例の定めにより、提供を望まないとのお申出がない限り、名簿の情報を提供します"
    "（提供を望まれない方は「同意しない」に印をつけてご返送ください）。",
}


@dataclass(frozen=True)
class Letter:
    """One letter: the person it is addressed to and the letter's number (ConsentRequest.letter_number)."""

    person: Person
    number: str


@dataclass(frozen=True)
class PostalAddress:
    """What the window shows: 〒 and the postal code, the address with prefecture, city and ward, the 方書 (building,
    room) and the name with 様."""

    postal_code: str  # 「〒551-0031」, or "" when the 町丁目 has no postal code
    address: str  # 「大阪府大阪市大正区泉尾一丁目1-2-3」
    address_extra: str  # 方書
    name: str  # 「髙橋　太郎　様」


def _parts(person: Person, parts: dict[int, tuple[str, str]] | None) -> tuple[str, str]:
    """(prefecture and city, ward) of the person's ward (areas.Municipality.postal_parts)."""
    municipality_id = person.town.municipality_id
    if parts is None or municipality_id not in parts:
        parts = {**(parts or {}), **municipality_postal_parts({municipality_id})}
    return parts.get(municipality_id) or (
        getattr(settings, "TSUNAGU_MUNICIPALITY_NAME", ""),
        settings.TSUNAGU_WARD_NAME,
    )


def postal_address(person: Person, parts: dict[int, tuple[str, str]] | None = None) -> PostalAddress:
    """The address as the post reads it: the person's prefecture and city (大阪府大阪市) + ward (大正区) +
    町丁目 + 番地 — the home ward's from TSUNAGU_MUNICIPALITY_NAME and TSUNAGU_WARD_NAME, another ward's from its
    municipality row. Parts the 町丁目 name already holds (an imported 「大正区泉尾一丁目」) are not repeated.
    `parts`: the wards' names read beforehand (municipality_postal_parts), so a batch of letters asks once."""
    municipality, ward = _parts(person, parts)
    address = person.town.name + person.address
    if not address.startswith(ward) and not address.startswith(municipality + ward):
        address = ward + address
    if municipality and not address.startswith(municipality):
        address = municipality + address
    postal = person.town.postal_code_display
    return PostalAddress(
        postal_code=f"〒{postal}" if postal else "",
        address=address,
        address_extra=person.address_extra,
        name=f"{person.full_name}\u3000様",
    )


def _fit(text: str, font: str, size: float, width: float, smallest: float) -> tuple[list[str], float]:
    """``text`` in lines no wider than ``width``: at ``size`` or smaller (down to ``smallest``), then broken
    between characters when it still does not fit."""
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    lines = [""]
    for char in text:
        if lines[-1] and stringWidth(lines[-1] + char, font, size) > width:
            lines.append(char)
        else:
            lines[-1] += char
    return lines, size


def _address_block(canvas: Canvas, font: str, address: PostalAddress) -> float:
    """Draw the block in the window's area (see WINDOW_*); return the y of its last baseline."""
    y = PAGE_HEIGHT - ADDRESS_TOP
    rows: list[tuple[str, float, float]] = []  # (text, size, the space above its baseline)
    if address.postal_code:
        rows.append((address.postal_code, 10.5, 4 * mm))
    for text, size, smallest in ((address.address, 10.5, 8), (address.address_extra, 10.5, 8)):
        if text:
            lines, fitted = _fit(text, font, size, ADDRESS_WIDTH, smallest)
            rows.extend((line, fitted, 5 * mm) for line in lines)
    name_lines, name_size = _fit(address.name, font, 14, ADDRESS_WIDTH - 4 * mm, 10)
    rows.extend((line, name_size, 8 * mm) for line in name_lines)
    for index, (text, size, above) in enumerate(rows):
        y -= above
        is_name = index >= len(rows) - len(name_lines)
        canvas.setFont(font, size)
        canvas.drawString(ADDRESS_LEFT + (4 * mm if is_name else 0), y, text)
    return y


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK", firstLineIndent=9.5)
    return {
        "body": body,
        "plain": ParagraphStyle("plain", parent=body, firstLineIndent=0),
        "item": ParagraphStyle("item", parent=body, firstLineIndent=0, leftIndent=12, fontSize=9, leading=13),
        "small": ParagraphStyle("small", parent=body, firstLineIndent=0, fontSize=8, leading=11),
    }


def _para(canvas: Canvas, text: str, style: ParagraphStyle, x: float, y: float, width: float) -> float:
    """Draw a wrapped paragraph whose top is at y; return the y below it."""
    paragraph = Paragraph(text, style)
    _, height = paragraph.wrap(width, PAGE_HEIGHT)
    paragraph.drawOn(canvas, x, y - height)
    return y - height


def _box(canvas: Canvas, x: float, y: float, size: float = 3.6 * mm) -> None:
    """An empty check box whose baseline is at y."""
    canvas.rect(x, y - 0.6 * mm, size, size, stroke=1, fill=0)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _letter(
    canvas: Canvas,
    font: str,
    letter: Letter,
    *,
    sent_on: datetime.date,
    reply_due_on: datetime.date,
    sender: str,
    contact: str,
    mode: str,
    parts: dict[int, tuple[str, str]] | None = None,
) -> float:
    """Draw one letter and its slip; return the y where the letter's text ends (above the cut-off line)."""
    styles = _styles(font)
    width = RIGHT - LEFT
    person = letter.person
    _city, ward = _parts(person, parts)

    # The address block in the envelope's window; the date, the letter's number and the sender to its right,
    # outside the window, as on any municipal letter.
    _address_block(canvas, font, postal_address(person, parts))
    canvas.setFont(font, 10)
    canvas.drawRightString(RIGHT, PAGE_HEIGHT - 20 * mm, format_wareki(sent_on))
    canvas.drawRightString(RIGHT, PAGE_HEIGHT - 26 * mm, f"整理番号\u3000{letter.number}")
    canvas.setFont(font, 10.5)
    canvas.drawRightString(RIGHT, PAGE_HEIGHT - 46 * mm, sender)

    canvas.setFont(font, 13)
    canvas.drawCentredString(
        PAGE_WIDTH / 2, PAGE_HEIGHT - TITLE_TOP, "避難行動要支援者名簿の情報提供についての確認（お願い）"
    )

    due = format_wareki(reply_due_on)
    paragraphs = [
        "日ごろから区政にご理解とご協力をいただき、ありがとうございます。",
        f"{_escape(ward)}では、災害対策基本法にもとづき、災害のときに自力で避難することが難しく、支援が必要な方の"
        "名簿（避難行動要支援者名簿）を作成しています。あなたはこの名簿に掲載されています。",
        "災害に備えて、日ごろからの見守りや避難の手助けの準備をしていただけるよう、名簿の情報を、区と協定を結んだ"
        "地域の団体（民生委員・町会（自治会）・自主防災組織など）に、平常時からお渡ししたいと考えています。"
        "受け取った団体とその構成員には、法律で秘密を守る義務があります。",
    ]
    y = PAGE_HEIGHT - TITLE_TOP - 5.5 * mm
    for text in paragraphs:
        y = _para(canvas, text, styles["body"], LEFT, y, width) - 1.5 * mm

    items = [
        "【お渡しする情報】氏名、生年月日、性別、住所、電話番号、避難の支援が必要な理由",
        "【お渡しする先】区と個人情報の取扱いに関する協定を結んだ地域の団体（回答書で選ぶことができます）",
        "【ご回答は任意です】同意されなくても、区の福祉サービスなどで不利益を受けることはありません。",
        "【いつでも撤回できます】同意された後でも、区役所へのご連絡ひとつで、いつでも取りやめることができます。",
        "災害が発生したとき、または発生のおそれがあるときは、法律にもとづき、ご回答にかかわらず、"
        "避難支援のために名簿の情報を提供することがあります。",
    ]
    for text in items:
        y = _para(canvas, "・" + text, styles["item"], LEFT, y, width) - 0.8 * mm

    y -= 1.5 * mm
    closing = (
        f"お手数ですが、下の回答書にご記入のうえ、<u>{due}</u>までに同封の返信用封筒でご返送ください。"
        + MODE_SENTENCES.get(mode, "")
    )
    y = _para(canvas, closing, styles["body"], LEFT, y, width) - 2 * mm
    bottom = _para(canvas, f"お問い合わせ先：{_escape(contact)}", styles["plain"], LEFT, y, width)

    # The cut-off line.
    canvas.setDash(3, 2)
    canvas.setLineWidth(0.6)
    canvas.line(LEFT - 8 * mm, CUT_Y, RIGHT + 8 * mm, CUT_Y)
    canvas.setDash()
    label = "きりとり線"
    canvas.setFont(font, 7.5)
    label_width = canvas.stringWidth(label, font, 7.5)
    canvas.setFillGray(1)
    canvas.rect(
        PAGE_WIDTH / 2 - label_width / 2 - 2 * mm, CUT_Y - 2 * mm, label_width + 4 * mm, 4 * mm, stroke=0, fill=1
    )
    canvas.setFillGray(0)
    canvas.drawCentredString(PAGE_WIDTH / 2, CUT_Y - 1 * mm, label)

    _reply_slip(canvas, font, letter, reply_due_on=reply_due_on, sender=sender)
    return bottom


def _reply_slip(canvas: Canvas, font: str, letter: Letter, *, reply_due_on: datetime.date, sender: str) -> None:
    person = letter.person
    top = CUT_Y - 8 * mm
    canvas.setFont(font, 9.5)
    canvas.drawString(LEFT, top, f"{sender}\u3000あて")
    canvas.drawRightString(RIGHT, top, f"回答期限：{format_wareki(reply_due_on)}")
    canvas.setFont(font, 13)
    canvas.drawCentredString(PAGE_WIDTH / 2, top - 9 * mm, "避難行動要支援者名簿の情報提供についての回答書")

    # The frame of the form.
    row_h = 11 * mm
    label_w = 34 * mm
    rows_top = top - 14 * mm
    heights = [row_h, row_h, 20 * mm, row_h, row_h]
    bottom = rows_top - sum(heights)
    canvas.setLineWidth(0.8)
    canvas.rect(LEFT, bottom, RIGHT - LEFT, rows_top - bottom)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT + label_w, bottom, LEFT + label_w, rows_top)
    y = rows_top
    for height in heights[:-1]:
        y -= height
        canvas.line(LEFT, y, RIGHT, y)

    labels = ["整理番号・お名前", "ご回答", "お渡しする先", "記入した方", "記入日・ご署名"]
    y = rows_top
    canvas.setFont(font, 9.5)
    for label, height in zip(labels, heights, strict=True):
        canvas.drawString(LEFT + 2.5 * mm, y - height / 2 - 1.2 * mm, label)
        y -= height

    x = LEFT + label_w + 3 * mm
    # The letter's number and the name, printed so the reply can be matched without reading handwriting.
    y = rows_top - heights[0] / 2 - 1.3 * mm
    canvas.setFont(font, 10)
    canvas.drawString(x, y, f"整理番号 {letter.number}")
    canvas.setFont(font, 11)
    canvas.drawString(x + 48 * mm, y, f"{person.full_name}\u3000様")

    # ご回答
    y = rows_top - heights[0] - heights[1] / 2 - 1.3 * mm
    canvas.setFont(font, 11)
    _box(canvas, x, y)
    canvas.drawString(x + 5.5 * mm, y, "同意する")
    _box(canvas, x + 40 * mm, y)
    canvas.drawString(x + 45.5 * mm, y, "同意しない")
    canvas.setFont(font, 8)
    canvas.drawString(x + 78 * mm, y, "（どちらかに印をつけてください）")

    # お渡しする先: two lines of three boxes.
    y = rows_top - heights[0] - heights[1] - 5 * mm
    canvas.setFont(font, 8)
    canvas.drawString(
        x, y, "「同意する」方で、お渡しする先を限る場合だけ印をつけてください（印がなければすべての先）。"
    )
    canvas.setFont(font, 9.5)
    for line, kinds in enumerate((SLIP_KINDS[:3], SLIP_KINDS[3:])):
        line_y = y - (6 + line * 6) * mm
        for column, kind in enumerate(kinds):
            _box(canvas, x + column * 40 * mm, line_y, size=3.2 * mm)
            canvas.drawString(x + column * 40 * mm + 4.8 * mm, line_y, kind)

    # 記入した方
    y = rows_top - sum(heights[:3]) - heights[3] / 2 - 1.3 * mm
    canvas.setFont(font, 10)
    _box(canvas, x, y)
    canvas.drawString(x + 5.5 * mm, y, "本人")
    _box(canvas, x + 22 * mm, y)
    canvas.drawString(x + 27.5 * mm, y, "家族（続柄：\u3000\u3000\u3000\u3000）")
    _box(canvas, x + 80 * mm, y)
    canvas.drawString(x + 85.5 * mm, y, "成年後見人")

    # 記入日・ご署名
    y = rows_top - sum(heights[:4]) - heights[4] / 2 - 1.3 * mm
    canvas.setFont(font, 10)
    canvas.drawString(x, y, "令和\u3000\u3000年\u3000\u3000月\u3000\u3000日")
    canvas.drawString(x + 52 * mm, y, "署名")
    canvas.setLineWidth(0.4)
    canvas.line(x + 62 * mm, y - 1 * mm, RIGHT - 4 * mm, y - 1 * mm)

    canvas.setFont(font, 7.5)
    canvas.drawString(
        LEFT,
        bottom - 5 * mm,
        "ご家族・成年後見人の方が記入される場合は、ご本人のお気持ちを確かめてからご記入ください。"
        "ご回答は名簿の管理にのみ使います。",
    )


def render_consent_letters(
    *,
    letters: list[Letter],
    sent_on: datetime.date,
    reply_due_on: datetime.date,
    sender: str,
    contact: str,
    mode: str,
) -> bytes:
    """One PDF, one page per person, in the order given (the order the letters are posted)."""
    font = japanese_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle("避難行動要支援者名簿の情報提供についての確認")
    canvas.setAuthor(sender)
    parts = municipality_postal_parts({letter.person.town.municipality_id for letter in letters})
    for letter in letters:
        _letter(
            canvas,
            font,
            letter,
            sent_on=sent_on,
            reply_due_on=reply_due_on,
            sender=sender,
            contact=contact,
            mode=mode,
            parts=parts,
        )
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
