"""The one-person A4 sheet 「個別避難計画」 (reportlab, embedded IPAex Gothic).

The sheet is an official Japanese form handed to the person and their supporters, so its labels stay Japanese
in every interface language (like the roster's export headers). It always fits on one page: long notes are
cut with 「…」 and, as a last resort, the whole form is scaled down to the page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from tsunagu.areas.models import municipality_postal_parts
from tsunagu.audit.models import AuditAction, AuditPurpose
from tsunagu.audit.services import audit_record
from tsunagu.core.output import OutputFilename, output_filename
from tsunagu.core.pdf import japanese_font
from tsunagu.core.wareki import format_birth_with_age, format_wareki, today_jst
from tsunagu.evacuation.selectors import PlanDetail, plan_detail

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 14 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_BG = colors.HexColor("#E8EDF2")
HEADING_BG = colors.HexColor("#34495E")
GRID = colors.HexColor("#555555")
MAX_SUPPORTER_ROWS = 4
# Cut points for free text, chosen so a sheet with every field at its cut still fits without scaling.
CUT_NOTES = 170
CUT_SHORT = 50
CUT_LINE = 40

# 災害対策基本法: 第49条の14 is the article on making individual plans (the sheet's title cites it); 第49条の17 is
# the duty of secrecy of whoever receives a plan's information (個別避難計画情報), the plan's counterpart of the
# roster's 第49条の13 (tsunagu.roster.sheet.SECRECY_NOTE). The secrecy notes cite 第49条の17.
TITLE_ARTICLE = "個別避難計画（災害対策基本法第49条の14）"
SECRECY_NOTE = (
    "この計画に記載された個人情報は、避難支援等の実施に必要な範囲でのみ利用し、第三者に漏らさないでください"
    "（災害対策基本法第49条の17）。不要になった写しは区役所に返却するか、確実に廃棄してください。"
    "記載内容に変更があったときは、区役所または地域の担当者にお知らせください。"
)
FOOTER_NOTE = "取扱注意　－　個人情報を含みます（災害対策基本法第49条の17により秘密を守る義務があります）"


def _cut(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Styles:
    def __init__(self, font: str) -> None:
        self.body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=10)
        self.label = ParagraphStyle("label", parent=self.body, fontSize=8.5, leading=11)
        self.name = ParagraphStyle("name", parent=self.body, fontSize=15, leading=19)
        self.title = ParagraphStyle("title", parent=self.body, fontSize=19, leading=24, alignment=TA_CENTER)
        self.heading = ParagraphStyle("heading", parent=self.body, fontSize=10, leading=13, textColor=colors.white)
        self.right = ParagraphStyle("right", parent=self.small, alignment=TA_RIGHT)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    # Newlines typed in notes become line breaks; everything else is escaped (names may hold & or <).
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


PAD_X = 4
PAD_Y = 2.5


def _row_heights(data: list, widths: list[float], minimum: list[float | None]) -> list[float | None]:
    """Each row as tall as its content needs, but at least its minimum (room to write by hand)."""
    heights: list[float | None] = []
    for row, low in zip(data, minimum, strict=True):
        if low is None:
            heights.append(None)
            continue
        needed = max(
            (
                cell.wrap(width - 2 * PAD_X, 1000)[1]
                for cell, width in zip(row, widths, strict=True)
                if isinstance(cell, Paragraph)
            ),
            default=0,
        )
        heights.append(max(low, needed + 2 * PAD_Y + 1))
    return heights


def _grid(
    data: list,
    widths: list[float],
    *,
    label_cols: tuple[int, ...] = (0,),
    header: bool = False,
    min_heights: list[float | None] | None = None,
) -> Table:
    heights = _row_heights(data, widths, min_heights) if min_heights else None
    table = Table(data, colWidths=widths, rowHeights=heights)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
    ]
    for col in label_cols:
        style.append(("BACKGROUND", (col, 0), (col, -1), LABEL_BG))
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), LABEL_BG))
    table.setStyle(TableStyle(style))
    return table


def _heading(text: str, s: _Styles) -> Table:
    table = Table([[_p(text, s.heading)]], colWidths=[CONTENT_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), HEADING_BG),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _box(checked: bool) -> str:
    return "■" if checked else "□"


def _date(day: datetime.date | None) -> str:
    return format_wareki(day) if day else ""


LABEL_WIDTH = 34 * mm


def _person_section(detail: PlanDetail, s: _Styles, today: datetime.date) -> list[Flowable]:
    person = detail.person
    label_w = LABEL_WIDTH
    half = (CONTENT_WIDTH - 2 * label_w) / 2
    address = person.full_address
    rows = [
        [
            _p("フリガナ", s.label),
            _p(person.full_name_kana, s.body),
            _p("性別", s.label),
            _p(person.get_sex_display(), s.body),
        ],
        [
            _p("氏名", s.label),
            _p(person.full_name, s.name),
            _p("生年月日", s.label),
            _p(format_birth_with_age(person.birth_date, today), s.body),
        ],
        [_p("住所", s.label), _p(address, s.body), "", ""],
        [_p("電話番号", s.label), _p(person.phone or "", s.body), "", ""],
        [_p("避難支援等を必要とする事由", s.label), _p(_cut("、".join(detail.reasons), CUT_NOTES), s.body), "", ""],
    ]
    table = _grid(rows, [label_w, half, label_w, half], label_cols=(0, 2))
    table.setStyle(
        TableStyle(
            [("SPAN", (1, r), (3, r)) for r in (2, 3, 4)]
            + [("BACKGROUND", (2, r), (3, r), colors.white) for r in (2, 3, 4)]
        )
    )
    return [_heading("1　本人の情報", s), table]


def _supporters_section(detail: PlanDetail, s: _Styles) -> list[Flowable]:
    widths = [40 * mm, 24 * mm, CONTENT_WIDTH - 40 * mm - 24 * mm - 32 * mm, 32 * mm]
    rows: list[list] = [[_p(h, s.label) for h in ("氏名", "本人との関係", "住所", "電話番号")]]
    shown = detail.supporters[:MAX_SUPPORTER_ROWS]
    for sup in shown:
        rows.append(
            [
                _p(_cut(sup.name, 30), s.body),
                _p(_cut(sup.relation, 14), s.body),
                _p(_cut(sup.address, CUT_LINE), s.body),
                _p(sup.phone, s.body),
            ]
        )
    # Blank rows to write in by hand, as on a paper form; at least three lines in all.
    for _ in range(max(0, 3 - len(shown))):
        rows.append(["", "", "", ""])
    table = _grid(rows, widths, label_cols=(), header=True, min_heights=[None] + [20] * (len(rows) - 1))
    flowables: list[Flowable] = [_heading("2　避難支援等実施者（避難を手伝う方）", s), table]
    if len(detail.supporters) > MAX_SUPPORTER_ROWS:
        more = len(detail.supporters) - MAX_SUPPORTER_ROWS
        flowables.append(_p(f"ほか{more}名（画面で確認してください）", s.small))
    return flowables


def _destination_section(detail: PlanDetail, s: _Styles) -> list[Flowable]:
    plan = detail.plan
    label_w = LABEL_WIDTH
    shelter_text = ""
    if plan is not None and plan.shelter is not None:
        shelter = plan.shelter
        shelter_text = shelter.name + ("（福祉避難所）" if shelter.is_welfare_shelter else "")
        if shelter.address:
            shelter_text += f"\n所在地：{shelter.address}"
        if shelter.phone:
            shelter_text += f"　電話：{shelter.phone}"
    other = plan.destination_other if plan else ""
    rows = [
        [_p("避難先（避難所）", s.label), _p(shelter_text, s.body)],
        [_p("避難先（その他の場所）", s.label), _p(_cut(other, CUT_LINE * 2), s.body)],
        [_p("避難経路", s.label), _p(_cut(plan.route_notes if plan else "", CUT_NOTES), s.body)],
        [_p("避難のタイミング", s.label), _p(_cut(plan.timing_notes if plan else "", CUT_NOTES), s.body)],
    ]
    table = _grid(rows, [label_w, CONTENT_WIDTH - label_w], min_heights=[26, 20, 42, 42])
    return [_heading("3　避難先・避難経路", s), table]


def _needs_section(detail: PlanDetail, s: _Styles) -> list[Flowable]:
    plan = detail.plan
    label_w = 22 * mm
    half = (CONTENT_WIDTH - 2 * label_w) / 2

    def v(name: str) -> Paragraph:
        return _p(_cut(getattr(plan, name) if plan else "", CUT_SHORT), s.body)

    rows = [
        [_p("医療機器", s.label), v("needs_medical_devices"), _p("服薬", s.label), v("needs_medication")],
        [_p("移動手段", s.label), v("needs_mobility"), _p("意思疎通", s.label), v("needs_communication")],
        [_p("アレルギー", s.label), v("needs_allergies"), _p("ペット", s.label), v("needs_pets")],
    ]
    table = _grid(rows, [label_w, half, label_w, half], label_cols=(0, 2), min_heights=[30, 30, 30])
    return [_heading("4　避難するときに配慮すること", s), table]


def _hazard_section(detail: PlanDetail, s: _Styles) -> list[Flowable]:
    plan = detail.plan
    flags = (
        ("浸水想定区域", plan.hazard_flood_zone if plan else False),
        ("土砂災害警戒区域", plan.hazard_landslide_zone if plan else False),
        ("津波災害警戒区域", plan.hazard_tsunami_zone if plan else False),
    )
    text = "　　".join(f"{_box(on)} {label}" for label, on in flags)
    label_w = LABEL_WIDTH
    row = [_p("自宅の位置", s.label), _p(text + "　　（■ 該当）", s.body)]
    table = _grid([row], [label_w, CONTENT_WIDTH - label_w])
    return [_heading("5　自宅の災害リスク（ハザードマップ）", s), table]


def _management_section(detail: PlanDetail, s: _Styles) -> list[Flowable]:
    plan = detail.plan
    label_w = 24 * mm
    cell = (CONTENT_WIDTH - 3 * label_w) / 3
    created = timezone.localtime(detail.created_at).date() if detail.created_at else None
    updated = timezone.localtime(plan.updated_at).date() if plan else None
    rows = [
        [
            _p("優先度", s.label),
            _p(plan.get_priority_display() if plan else "", s.body),
            _p("作成状況", s.label),
            _p(detail.status_label, s.body),
            _p("次回見直し日", s.label),
            _p(_date(plan.next_review_on if plan else None), s.body),
        ],
        [
            _p("作成日", s.label),
            _p(_date(created), s.body),
            _p("更新日", s.label),
            _p(_date(updated), s.body),
            _p("本人確認欄", s.label),
            _p("", s.body),
        ],
    ]
    table = _grid(rows, [label_w, cell, label_w, cell, label_w, cell], label_cols=(0, 2, 4), min_heights=[20, 20])
    return [_heading("6　計画の管理", s), table]


def _consent_section(s: _Styles) -> list[Flowable]:
    """The person's (or a family member's) consent to sharing the plan (災害対策基本法第49条の15第2項)."""
    text = (
        "私は、この個別避難計画の内容を、避難支援等の実施に必要な範囲で、避難支援等関係者（区役所・社会福祉協議会・"
        "地域包括支援センター・民生委員・自治会・町内会・自主防災組織・消防・警察等）に提供することに同意します。"
    )
    label_w = 24 * mm
    rest = CONTENT_WIDTH - 2 * label_w - 45 * mm
    rows = [
        [_p(text, s.body), "", "", ""],
        [_p("同意日", s.label), _p("令和　　　年　　　月　　　日", s.body), _p("本人署名", s.label), ""],
        [_p("代理人署名", s.label), "", _p("本人との関係", s.label), ""],
    ]
    table = _grid(rows, [label_w, 45 * mm, label_w, rest], label_cols=(), min_heights=[None, 26, 26])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 1), (0, -1), LABEL_BG),
                ("BACKGROUND", (2, 1), (2, -1), LABEL_BG),
            ]
        )
    )
    return [_heading("7　情報提供への同意", s), table]


def render_plan_pdf(detail: PlanDetail, *, issued_by: str, today: datetime.date) -> bytes:
    """The sheet for one person as PDF bytes (always one A4 portrait page)."""
    font = japanese_font()
    s = _Styles(font)
    # The person's ward (the home ward by the settings' name, as a single-ward instance always printed it).
    parts = municipality_postal_parts({detail.person.town.municipality_id})
    ward = parts.get(detail.person.town.municipality_id, ("", getattr(settings, "TSUNAGU_WARD_NAME", "")))[1]
    issued_at = timezone.localtime()

    caution = Table(
        [
            [
                _p(
                    "取扱注意",
                    ParagraphStyle(
                        "caution", parent=s.center, fontSize=11, leading=14, textColor=colors.HexColor("#B00020")
                    ),
                )
            ]
        ],
        colWidths=[26 * mm],
    )
    caution.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.4, colors.HexColor("#B00020")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    top = Table(
        [[caution, _p(f"{ward}　{TITLE_ARTICLE}", s.right)]],
        colWidths=[40 * mm, CONTENT_WIDTH - 40 * mm],
    )
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )

    story: list[Flowable] = [top, Spacer(1, 2 * mm), _p("個別避難計画", s.title), Spacer(1, 3 * mm)]
    for section in (
        _person_section(detail, s, today),
        _supporters_section(detail, s),
        _destination_section(detail, s),
        _needs_section(detail, s),
        _hazard_section(detail, s),
        _management_section(detail, s),
        _consent_section(s),
    ):
        story.extend(section)
        story.append(Spacer(1, 3 * mm))
    story.append(_p(SECRECY_NOTE, s.small))
    story.append(Spacer(1, 1.5 * mm))
    story.append(_p(f"出力：{format_wareki(issued_at.date())} {issued_at:%H:%M}　{issued_by}", s.right))

    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="個別避難計画",
        author=ward,
        subject="取扱注意",
    )
    frame_height = PAGE_HEIGHT - 24 * mm
    # Shrink rather than overflow: a second page of a one-person sheet would get separated and lost.
    doc.build([KeepInFrame(CONTENT_WIDTH, frame_height - 1, story, mode="shrink")], onFirstPage=_footer)
    return buffer.getvalue()


def _footer(canvas, doc) -> None:  # noqa: ANN001
    canvas.saveState()
    canvas.setFont(japanese_font(), 7)
    canvas.setFillColor(colors.HexColor("#B00020"))
    canvas.drawCentredString(PAGE_WIDTH / 2, 6 * mm, FOOTER_NOTE)
    canvas.restoreState()


PURPOSE_INVALID_MESSAGE = gettext_lazy("利用目的が正しくありません。")


@dataclass(frozen=True)
class PlanPdf:
    content: bytes
    filename: OutputFilename


def evacuation_plan_export_pdf(
    *,
    user,  # noqa: ANN001
    person_id: object,
    purpose: str,
    request: HttpRequest | None = None,
) -> PlanPdf:
    """The sheet for one person the user may see (else 404 + denied), logged as an export with its purpose."""
    if purpose not in AuditPurpose.values:
        raise ValueError(PURPOSE_INVALID_MESSAGE)
    detail = plan_detail(user=user, person_id=person_id, request=request, audit=False)
    today = today_jst()
    display = getattr(user, "display_name", "") or user.get_username()
    content = render_plan_pdf(detail, issued_by=display, today=today)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target_type="person",
        target_ids=[detail.person.pk],
        purpose=purpose,
        detail={"plan": True, "format": "pdf", "bytes": len(content)},
        request=request,
    )
    # The person's id (as in the page's address), never the 宛名番号: the sheet is handed to community supporters.
    filename = output_filename(
        "個別避難計画", ascii_what="evacuation-plan", day=today, extension="pdf", number=str(detail.person.pk)
    )
    return PlanPdf(content=content, filename=filename)
