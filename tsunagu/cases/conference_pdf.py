"""A conference's minutes as a PDF (会議録): A4 portrait, the embedded IPAex Gothic and the 「n / N」 pages of
tsunagu.core.pdf. The conference (kind, date, place, organiser), the participants with their confidentiality
acknowledgement, each agenda item with its minutes, decisions and tasks, then the tasks of the whole meeting.

It holds exactly what the page shows its reader (tsunagu.cases.selectors.conferences): an item whose case the
reader may not see is listed as withheld. 取扱注意 on every page. Labels are Japanese in every interface language,
like every official form of tsunagu."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from tsunagu.core.pdf import NumberedCanvas, japanese_font
from tsunagu.core.wareki import format_wareki

if TYPE_CHECKING:
    from .selectors.conferences import ConferencePage

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL_BG = colors.HexColor("#E8EDF2")
GRID = colors.HexColor("#666666")
CONFIDENTIAL = (
    "取扱注意：支援会議の内容を含みます。守秘義務の対象です。目的外の利用・複写・持ち出しはしないでください。"
)
WITHHELD = "（守秘義務の確認、または本人の同意がないため、この議題の内容は記載していません）"


class Styles:
    """The paragraph styles of the cases' PDFs (the minutes and the plan)."""

    def __init__(self, font: str) -> None:
        self.body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=10)
        self.title = ParagraphStyle("title", parent=self.body, fontSize=15, leading=20, alignment=1)
        self.heading = ParagraphStyle("heading", parent=self.body, fontSize=11, leading=15, spaceBefore=6)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def grid(rows: list[list], widths: list[float], *, header: bool = False, label_col: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), LABEL_BG))
    if label_col:
        commands.append(("BACKGROUND", (0, 0), (0, -1), LABEL_BG))
    table.setStyle(TableStyle(commands))
    return table


def moment(value) -> str:  # noqa: ANN001
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{format_wareki(local.date())} {local:%H:%M}"


def painter(font: str, heading: str, made: str, confidential: str = CONFIDENTIAL) -> type[NumberedCanvas]:
    """A canvas painting the heading and the time made at the top, 取扱注意 and 「n / N」 at the foot."""

    class Canvas(NumberedCanvas):
        def paint_page(self, number: int, total: int) -> None:
            self.saveState()
            self.setFont(font, 8)
            top = PAGE_HEIGHT - 9 * mm
            self.drawString(MARGIN, top, heading)
            self.drawRightString(PAGE_WIDTH - MARGIN, top, made)
            self.setFillColor(colors.HexColor("#b00020"))
            self.setFont(font, 7)
            self.drawString(MARGIN, 8 * mm, confidential)
            self.setFillColor(colors.black)
            self.setFont(font, 8)
            self.drawRightString(PAGE_WIDTH - MARGIN, 8 * mm, f"{number} / {total}")
            self.restoreState()

    return Canvas


def render_minutes_pdf(page: ConferencePage) -> bytes:
    with translation.override("ja"):
        return _render(page)


def _render(page: ConferencePage) -> bytes:
    font = japanese_font()
    s = Styles(font)
    conference = page.conference
    label_w = 32 * mm
    value_w = CONTENT_WIDTH - label_w
    ends = f" ～ {timezone.localtime(conference.ends_at):%H:%M}" if conference.ends_at else ""
    when = moment(conference.starts_at) + ends
    where = "、".join(p for p in (conference.place, conference.online_url and "オンライン") if p)
    overview = [
        ("会議の種類", conference.get_kind_display()),
        ("会議名", conference.title),
        ("日時", when),
        ("場所", where),
        ("主催機関", conference.organiser.name),
    ]
    story: list = [
        para("会議録", s.title),
        Spacer(1, 3 * mm),
        grid([[para(a, s.body), para(b, s.body)] for a, b in overview], [label_w, value_w]),
        para("参加者", s.heading),
    ]
    rows = [[para("参加者", s.body), para("役割", s.body), para("守秘義務の確認", s.body)]]
    for p in conference.participants.all():
        ack = moment(p.confidentiality_acknowledged_at) if p.acknowledged else "未確認"
        rows.append([para(p.label, s.body), para(p.role, s.body), para(ack, s.body)])
    widths = [value_w - 20 * mm, 30 * mm, label_w - 10 * mm]
    story.append(grid(rows, widths, header=True, label_col=False))
    decisions = page.visible_decisions()
    tasks = page.visible_tasks()
    for row in page.agenda:
        item = row.item
        block: list = [para(f"議題 {item.order}", s.heading)]
        if not row.visible:
            block.append(para(WITHHELD, s.body))
            story.append(KeepTogether(block))
            continue
        case = item.case
        cells = [
            ("ケース", f"{case.number} {case.display_name}"),
            ("検討すること", item.topic),
            ("議事録", item.minutes or "（未記入）"),
        ]
        for d in (d for d in decisions if d.agenda_item_id == item.pk):
            applied = f"（{moment(d.applied_at)} 反映）" if d.applied_at else ""
            target = f"［{d.organisation.name}］" if d.organisation_id else ""
            cells.append(("決定", f"{d.get_kind_display()}{target}：{d.text}{applied}"))
        for t in (t for t in tasks if t.agenda_item_id == item.pk):
            cells.append(("タスク", _task_text(t)))
        block.append(grid([[para(a, s.body), para(b, s.body)] for a, b in cells], [label_w, value_w]))
        # KeepTogether splits a block taller than a page.
        story.append(KeepTogether(block))
    general = [t for t in tasks if t.agenda_item_id is None]
    if general:
        story.append(para("会議全体のタスク", s.heading))
        rows = [[para("タスク", s.body), para(_task_text(t), s.body)] for t in general]
        story.append(grid(rows, [label_w, value_w]))
    if conference.note:
        story += [para("全体のメモ", s.heading), para(conference.note, s.body)]
    made = timezone.localtime()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"会議録 {conference.title}",
        author=conference.organiser.name,
    )
    heading = f"会議録　{conference.get_kind_display()}「{conference.title}」"
    document.build(story, canvasmaker=painter(font, heading, f"出力：{format_wareki(made.date())} {made:%H:%M}"))
    return buffer.getvalue()


def _task_text(task) -> str:  # noqa: ANN001
    due = format_wareki(task.due_on)
    return f"{task.description}（担当：{task.owner_label}、期限：{due}、{task.get_status_display()}）"
