"""The after-action report of a disaster event as a PDF (reportlab, the embedded IPAex Gothic of tsunagu.core.pdf):
A4 landscape, the event's name (and 【訓練】 for a drill) at the top of every page, 「n / N」 at the foot.

1. 概要 — the event, who the report covers, the counts by status at the end;
2. 経過 — declared, started, ended, shelters opened and closed, the first and last report;
3. 確認率の推移 — a line chart and the table per hour (reports received, persons first confirmed, the cumulative
   rate overall and per district);
4. 地区別の確認状況;
5. 避難所の利用状況 — per shelter, and the persons staying at the end of each hour;
6. 連絡がつかなかった方 — names, addresses and phone numbers (取扱注意 on every page when the list names anyone).

Like every official form of tsunagu, its labels are Japanese in every interface language."""

from __future__ import annotations

import datetime
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from tsunagu.core.pdf import NumberedCanvas, japanese_font

from .models import DisasterKind, SafetyStatus

if TYPE_CHECKING:
    from .selectors.report import EventReport

PAGE = landscape(A4)
MARGIN = 12 * mm
HEADER_SPACE = 10 * mm
FOOTER_SPACE = 8 * mm
CONTENT_WIDTH = PAGE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE[1] - 2 * MARGIN - HEADER_SPACE - FOOTER_SPACE
FONT_SIZE = 8
LEADING = 10
CELL_PAD = 2
LABEL_BG = colors.HexColor("#E8EDF2")
GRID = colors.HexColor("#777777")
TITLE = "災害の事後報告"
DRILL = "【訓練】"
CONFIDENTIAL = (
    "取扱注意：連絡がつかなかった方の氏名・住所・電話番号を含みます。目的外の利用・複写・持ち出しはしないでください。"
)
# District columns beside the overall figures of the hourly table; more districts get tables of their own.
DISTRICTS_BESIDE = 8
DISTRICTS_PER_TABLE = 12
SHELTERS_PER_TABLE = 10
LINE_COLOURS = [
    colors.HexColor(c) for c in ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
]
# Characters that may not begin a line (禁則).
_NO_LINE_START = frozenset("、。，．・）」』ー")


def moment_text(moment: datetime.datetime | None, *, year: bool = False) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    day = f"{local.year}年{local.month}月{local.day}日" if year else f"{local.month}/{local.day}"
    return f"{day} {local:%H:%M}"


def period_text(start: datetime.datetime, end: datetime.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    if start.date() == end.date() or end.time() == datetime.time(0, 0):
        return f"{start.month}/{start.day} {start:%H:%M}–{end:%H:%M}"
    return f"{start.month}/{start.day} {start:%H:%M}–{end.month}/{end.day} {end:%H:%M}"


def percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}%"


def event_period(report: EventReport) -> str:
    event = report.event
    start = moment_text(event.started_at, year=True)
    if report.state == "ended":
        return f"{start} ～ {moment_text(report.until, year=True)}"
    if report.state == "upcoming":
        return f"{start} から（開始前）"
    planned = f"（終了予定 {moment_text(event.planned_end_at, year=True)}）" if event.planned_end_at else ""
    return f"{start} ～ 継続中{planned}"


def coverage_text(report: EventReport) -> str:
    if report.whole:
        return "この災害の対象の地区の名簿の方すべて"
    return "あなたが担当する地区の名簿の方（社会福祉協議会・地域包括支援センターの担当分）"


def summary_rows(report: EventReport) -> list[tuple[str, str]]:
    """Label and value of the overview, shared by the PDF and the workbook."""
    event = report.event
    build = f"第{report.build.number}版（基準日 {report.build.reference_date:%Y/%m/%d}）" if report.build else "なし"
    rows = [
        ("名称", event.name + ("（訓練）" if event.is_drill else "")),
        ("災害の種類", str(DisasterKind(event.kind).label)),
        ("対象の地区", report.district_names),
        ("期間", event_period(report)),
        ("報告の範囲", coverage_text(report)),
        ("名簿", build),
        ("対象の方", f"{report.total}人"),
        ("確認済み", f"{report.confirmed}人（{percent(report.rate)}）"),
        ("連絡つかず・不在のみ", f"{report.not_reached}人"),
        ("報告なし（未確認）", f"{report.unreported}人"),
        ("安否の報告", f"{report.reports_total}件"),
        ("開設した避難所", f"{len(report.shelters)}か所"),
        ("出力", moment_text(report.made_at, year=True)),
    ]
    return rows


class _Styles:
    def __init__(self, font: str) -> None:
        self.body = ParagraphStyle("body", fontName=font, fontSize=FONT_SIZE, leading=LEADING, wordWrap="CJK")
        self.title = ParagraphStyle("title", parent=self.body, fontSize=16, leading=21)
        self.heading = ParagraphStyle("heading", parent=self.body, fontSize=11.5, leading=15, spaceBefore=4)
        self.note = ParagraphStyle(
            "note", parent=self.body, fontSize=7.5, leading=10, textColor=colors.HexColor("#333")
        )
        self.head = ParagraphStyle("head", parent=self.body, fontSize=7.5, leading=9)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _style(font: str, *, numbers_from: int | None = None) -> TableStyle:
    commands = [
        ("FONT", (0, 0), (-1, -1), font, FONT_SIZE, LEADING),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD + 1),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD + 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD + 1),
    ]
    if numbers_from is not None:
        commands.append(("ALIGN", (numbers_from, 1), (-1, -1), "RIGHT"))
    return TableStyle(commands)


@cache
def _char_width(font: str, char: str) -> float:
    return pdfmetrics.stringWidth(char, font, FONT_SIZE)


def _wrap(text: str, font: str, width: float) -> str:
    """Break a cell's text into lines that fit, between any two characters (Japanese has no spaces)."""
    limit = width - 2 * (CELL_PAD + 1) - 1
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
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


def _painter(report: EventReport, font: str):  # noqa: ANN202
    """Draws the title and the event on every page, 取扱注意 when persons are named, and 「n / N」 at the foot."""
    event = report.event
    heading = f"{TITLE}　{event.name}" + (f"　{DRILL}" if event.is_drill else "")
    made = f"出力 {moment_text(report.made_at, year=True)}"
    named = bool(report.never_reached)

    class ReportCanvas(NumberedCanvas):
        def paint_page(self, number: int, total: int) -> None:
            width, height = PAGE
            top = height - MARGIN
            self.saveState()
            self.setFont(font, 9.5)
            if event.is_drill:
                self.setFillColor(colors.HexColor("#0b6e2f"))
            self.drawString(MARGIN, top - 8, heading)
            self.setFillColor(colors.black)
            self.setFont(font, 8)
            self.drawRightString(width - MARGIN, top - 8, made)
            self.setStrokeColor(GRID)
            self.line(MARGIN, top - 12, width - MARGIN, top - 12)
            if named:
                self.setFillColor(colors.HexColor("#b00020"))
                self.setFont(font, 7.5)
                self.drawString(MARGIN, MARGIN - 2, CONFIDENTIAL)
                self.setFillColor(colors.black)
            self.setFont(font, 9)
            self.drawRightString(width - MARGIN, MARGIN - 2, f"{number} / {total}")
            self.restoreState()

    return ReportCanvas


def render_report_pdf(report: EventReport) -> bytes:
    """The report as PDF bytes: A4 landscape, as many pages as it needs."""
    with translation.override("ja"):
        return _render(report)


def _render(report: EventReport) -> bytes:
    font = japanese_font()
    s = _Styles(font)
    event = report.event
    title = f"{event.name}　事後報告" + (f"　{DRILL}" if event.is_drill else "")
    story: list = [_p(title, s.title), Spacer(1, 3 * mm)]
    story += _overview(report, s, font)
    story += _timeline(report, s, font)
    story += _rates(report, s, font)
    story += _districts(report, s, font)
    story += _shelters(report, s, font)
    story += _never_reached(report, s, font)
    for flowable in story:
        if isinstance(flowable, Table):
            flowable.hAlign = "LEFT"  # narrow tables line up with the headings
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_SPACE,
        bottomMargin=MARGIN + FOOTER_SPACE,
        title=f"{TITLE} {event.name}" + (f" {DRILL}" if event.is_drill else ""),
        subject=report.district_names,
    )
    document.build(story, canvasmaker=_painter(report, font))
    return buffer.getvalue()


def _section(text: str, s: _Styles) -> list:
    return [CondPageBreak(40 * mm), _p(text, s.heading), Spacer(1, 1.5 * mm)]


def _overview(report: EventReport, s: _Styles, font: str) -> list:
    rows = summary_rows(report)
    half = (len(rows) + 1) // 2
    left, right = rows[:half], rows[half:]
    right += [("", "")] * (len(left) - len(right))
    label_w, value_w = 38 * mm, CONTENT_WIDTH / 2 - 38 * mm
    cells = [
        [_p(a, s.body), _p(b, s.body), _p(c, s.body), _p(d, s.body)] for (a, b), (c, d) in zip(left, right, strict=True)
    ]
    table = Table(cells, colWidths=[label_w, value_w, label_w, value_w])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
                ("BACKGROUND", (2, 0), (2, -1), LABEL_BG),
            ]
        )
    )
    statuses = [[_p("最後の安否", s.head), *[_p(str(label), s.head) for _v, label in SafetyStatus.choices]]]
    statuses.append([_p("人数", s.body), *[f"{report.counts.get(v, 0)}人" for v in SafetyStatus.values]])
    first = 30 * mm
    status_table = Table(
        statuses, colWidths=[first] + [(CONTENT_WIDTH - first) / len(SafetyStatus.values)] * len(SafetyStatus.values)
    )
    status_table.setStyle(_style(font, numbers_from=1))
    notes = [
        "確認済みは「無事・在宅」「避難済」「入院・施設」「要救助・要支援」「負傷」のいずれかの報告が一度でもあった方です（その後の「不在」などで取り消されません）。安否の人数は最後の報告によります。"
        "確認率は、対象の方のうち各時間帯の終わりまでに一度でも確認できた方の割合です。"
    ]
    if not report.whole:
        notes.append("この報告はあなたが担当する地区の方だけを数えています（区全体の数ではありません）。")
    return [table, Spacer(1, 2 * mm), status_table, Spacer(1, 1.5 * mm), *[_p(n, s.note) for n in notes]]


def _timeline(report: EventReport, s: _Styles, font: str) -> list:
    widths = [38 * mm, 150 * mm, CONTENT_WIDTH - 188 * mm]
    rows = [["日時", "出来事", "担当"]]
    rows += [
        [moment_text(m.at, year=True), _wrap(str(m.label), font, widths[1]), _wrap(m.by, font, widths[2])]
        for m in report.moments
    ]
    return [*_section("1. 経過", s), Table(rows, colWidths=widths, repeatRows=1, style=_style(font))]


def _rates(report: EventReport, s: _Styles, font: str) -> list:
    parts = _section("2. 確認率の推移", s)
    if not report.hours:
        return [*parts, _p("この災害はまだ始まっていません。", s.body)]
    if report.step_hours > 1:
        parts.append(_p(f"期間が長いため、{report.step_hours}時間ごとにまとめています。", s.note))
    if report.total:
        # The heading stays with the chart.
        parts = [parts[0], KeepTogether([*parts[1:], _chart(report, font)]), Spacer(1, 2 * mm)]
    fixed = ["時間帯", "受付件数", "報告件数\n（確認時刻）", "新たに確認", "確認済み\n（累計）", "確認率\n（全体）"]
    fixed_w = [36 * mm] + [18 * mm] * 5
    beside = report.districts if len(report.districts) <= DISTRICTS_BESIDE else []
    district_w = min(30 * mm, (CONTENT_WIDTH - sum(fixed_w)) / max(len(beside), 1)) if beside else 0
    header = [_p(h, s.head) for h in fixed] + [_p(d.district.name, s.head) for d in beside]
    rows = [header]
    for row in report.hours:
        cells = [
            period_text(row.start, row.end),
            str(row.received),
            str(row.observed),
            str(row.new_confirmed),
            str(row.confirmed),
            percent(row.rate),
        ]
        rows.append(cells + [percent(r) for r in row.district_rates[: len(beside)]])
    widths = fixed_w + [district_w] * len(beside)
    parts.append(Table(rows, colWidths=widths, repeatRows=1, style=_style(font, numbers_from=1)))
    if not beside and report.districts:
        for offset in range(0, len(report.districts), DISTRICTS_PER_TABLE):
            chunk = report.districts[offset : offset + DISTRICTS_PER_TABLE]
            w = (CONTENT_WIDTH - 36 * mm) / len(chunk)
            rows = [[_p("時間帯", s.head), *[_p(f"{d.district.name}\n確認率", s.head) for d in chunk]]]
            for row in report.hours:
                rates = row.district_rates[offset : offset + len(chunk)]
                rows.append([period_text(row.start, row.end), *[percent(r) for r in rates]])
            parts += [
                Spacer(1, 3 * mm),
                Table(rows, colWidths=[36 * mm] + [w] * len(chunk), repeatRows=1, style=_style(font, numbers_from=1)),
            ]
    return parts


def _chart(report: EventReport, font: str) -> Drawing:
    """The cumulative rate over time: the whole event (black) and each district (colours, up to eight)."""
    width, height = CONTENT_WIDTH, 62 * mm
    drawing = Drawing(width, height)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 14 * mm, 10 * mm, width - 80 * mm, height - 16 * mm
    start = report.hours[0].start

    def x(moment: datetime.datetime) -> float:
        return (moment - start).total_seconds() / 3600

    lines = [[(0.0, 0.0)] + [(x(min(r.end, report.until)), round(r.rate * 100, 2)) for r in report.hours]]
    shown = report.districts[: len(LINE_COLOURS)]
    for i, _district in enumerate(shown):
        lines.append(
            [(0.0, 0.0)] + [(x(min(r.end, report.until)), round(r.district_rates[i] * 100, 2)) for r in report.hours]
        )
    plot.data = lines
    plot.lines[0].strokeColor = colors.black
    plot.lines[0].strokeWidth = 1.8
    for i in range(len(shown)):
        plot.lines[i + 1].strokeColor = LINE_COLOURS[i]
        plot.lines[i + 1].strokeWidth = 0.9
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 25
    plot.yValueAxis.labelTextFormat = "%d%%"
    plot.yValueAxis.labels.fontName = font
    plot.yValueAxis.labels.fontSize = 7
    span = max(lines[0][-1][0], 1.0)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, span
    step = next((h for h in (1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720) if span / h <= 12), 720)
    plot.xValueAxis.valueSteps = [float(h) for h in range(0, int(span) + 1, step)]
    plot.xValueAxis.labelTextFormat = lambda value: _tick(start, value)
    plot.xValueAxis.labels.fontName = font
    plot.xValueAxis.labels.fontSize = 7
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = plot.x + plot.width + 8 * mm, height - 6 * mm
    legend.fontName, legend.fontSize = font, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 9
    legend.colorNamePairs = [(colors.black, "全体")] + [(LINE_COLOURS[i], d.district.name) for i, d in enumerate(shown)]
    drawing.add(legend)
    drawing.add(String(0, height - 4, "確認率", fontName=font, fontSize=7.5))
    return drawing


def _tick(start: datetime.datetime, hours: float) -> str:
    moment = timezone.localtime(start + datetime.timedelta(hours=hours))
    return f"{moment.month}/{moment.day} {moment:%H:%M}"


def _districts(report: EventReport, s: _Styles, font: str) -> list:
    headers = ["地区の種類", "地区", "対象の方", "確認済み", "確認率", "連絡つかず・不在", "報告なし"]
    widths = [34 * mm, 70 * mm] + [(CONTENT_WIDTH - 104 * mm) / 5] * 5
    rows = [headers]
    for d in report.districts:
        rows.append(
            [
                _wrap(d.layer, font, widths[0]),
                _wrap(d.district.name, font, widths[1]),
                f"{d.total}人",
                f"{d.confirmed}人",
                percent(d.rate),
                f"{d.not_reached}人",
                f"{d.unreported}人",
            ]
        )
    rows.append(
        [
            "",
            "合計",
            f"{report.total}人",
            f"{report.confirmed}人",
            percent(report.rate),
            f"{report.not_reached}人",
            f"{report.unreported}人",
        ]
    )
    style = _style(font, numbers_from=2)
    style.add("LINEABOVE", (0, -1), (-1, -1), 1.2, GRID)
    parts = [*_section("3. 地区別の確認状況（終了時点）", s), Table(rows, colWidths=widths, repeatRows=1, style=style)]
    if len(report.districts) > 1:
        parts += [
            Spacer(1, 1 * mm),
            _p("町丁目が複数の地区に属するときは、それぞれの地区で数えています（合計は重複なし）。", s.note),
        ]
    return parts


def _shelters(report: EventReport, s: _Styles, font: str) -> list:
    parts = _section("4. 避難所の利用状況", s)
    if not report.shelters:
        return [*parts, _p("この災害で開設した避難所はありません。", s.body)]
    headers = [
        "避難所",
        "定員",
        "開設",
        "閉鎖",
        "入所（延べ）",
        "最大の人数",
        "最大の時刻",
        "定員比（最大）",
        "終了時点",
    ]
    widths = [66 * mm, 16 * mm, 30 * mm, 30 * mm, 20 * mm, 20 * mm, 30 * mm, 22 * mm]
    widths.append(CONTENT_WIDTH - sum(widths))
    rows = [headers]
    for use in report.shelters:
        opened = "\n".join(moment_text(o) for o, _c in use.openings)
        closed = "\n".join(moment_text(c) if c else "開設中" for _o, c in use.openings)
        rows.append(
            [
                _wrap(use.shelter.name, font, widths[0]),
                f"{use.capacity}人" if use.capacity else "記載なし",
                opened,
                closed,
                f"{use.arrivals}人",
                f"{use.peak}人",
                moment_text(use.peak_at),
                percent(use.peak_rate),
                f"{use.final}人",
            ]
        )
    style = _style(font)
    style.add("ALIGN", (1, 1), (1, -1), "RIGHT")
    style.add("ALIGN", (4, 1), (5, -1), "RIGHT")
    style.add("ALIGN", (7, 1), (8, -1), "RIGHT")
    parts.append(Table(rows, colWidths=widths, repeatRows=1, style=style))
    parts += [
        Spacer(1, 1 * mm),
        _p("最大の人数は、入所と退所の記録から求めた、期間中のいずれかの時点での最大です。", s.note),
    ]
    if report.hours:
        for offset in range(0, len(report.shelters), SHELTERS_PER_TABLE):
            chunk = report.shelters[offset : offset + SHELTERS_PER_TABLE]
            w = (CONTENT_WIDTH - 36 * mm) / max(len(chunk), 4)
            head = [_p("時間帯（終わりの時点の人数）", s.head)]
            head += [_p(u.shelter.name + (f"（定員{u.capacity}）" if u.capacity else ""), s.head) for u in chunk]
            rows = [head]
            for i, row in enumerate(report.hours):
                rows.append([period_text(row.start, row.end), *[str(u.occupancy[i]) for u in chunk]])
            parts += [
                Spacer(1, 3 * mm),
                Table(rows, colWidths=[36 * mm] + [w] * len(chunk), repeatRows=1, style=_style(font, numbers_from=1)),
            ]
    return parts


NEVER_HEADERS = ["No.", "氏名", "ふりがな", "地区", "住所", "電話番号", "最後の報告", "報告者・メモ"]
NEVER_SHARES = [4, 14, 16, 14, 30, 13, 17, 22]


def _never_reached(report: EventReport, s: _Styles, font: str) -> list:
    """Laid out into pages here (the wrapped heights are known), one table per page with its header row, so a
    list of thousands takes seconds rather than re-splitting one huge table."""
    title = f"5. 連絡がつかなかった方（終了時点で確認できていない方：{report.never_reached_total}人）"
    parts = [PageBreak(), _p(title, s.heading), Spacer(1, 1.5 * mm)]
    notes = ["報告のない方（未確認）と、最後の報告が「連絡つかず」「不在」の方です。"]
    if report.never_reached_hidden:
        notes.append(
            f"このうち{report.never_reached_hidden}人は、あなたがいま閲覧できない方のため、氏名などを載せていません"
            "（災害の終了後は、区役所の防災担当は名簿の方を閲覧できません。区役所の福祉部門にご依頼ください）。"
        )
    parts += [_p(n, s.note) for n in notes]
    if not report.never_reached:
        if not report.never_reached_total:
            parts.append(_p("全員の安否を確認できました。", s.body))
        return parts
    parts.append(Spacer(1, 1.5 * mm))
    widths = [CONTENT_WIDTH * share / sum(NEVER_SHARES) for share in NEVER_SHARES]
    header = [_wrap(h, font, w) for h, w in zip(NEVER_HEADERS, widths, strict=True)]
    style = _style(font)
    style.add("VALIGN", (0, 0), (-1, -1), "TOP")
    style.add("ALIGN", (0, 1), (0, -1), "RIGHT")

    def height(row: list[str]) -> float:
        return max(c.count("\n") + 1 for c in row) * LEADING + 2 * CELL_PAD + 1

    # The frame's own padding (6 pt above and below) and a little slack for rounding; the first page also holds
    # the heading and the notes.
    room = FRAME_HEIGHT - 12 - 6 - height(header)
    budget = room - 30 * mm
    page: list[list[str]] = []
    used = 0.0
    for number, row in enumerate(report.never_reached, start=1):
        person = row.person
        last = row.last
        if last is not None:
            status = f"{row.status_label}\n{moment_text(last.observed_at)}"
            by = "　".join(t for t in (str(last.reported_by), last.place, last.note) if t)
        else:
            status, by = "報告なし", ""
        cells = [
            str(number),
            person.full_name,
            person.full_name_kana,
            row.districts,
            person.full_address,
            person.phone,
            status,
            by,
        ]
        wrapped = [_wrap(c, font, w) for c, w in zip(cells, widths, strict=True)]
        row_height = height(wrapped)
        if page and used + row_height > budget:
            parts += [Table([header, *page], colWidths=widths, repeatRows=1, style=style), PageBreak()]
            page, used = [], 0.0
            budget = room
        page.append(wrapped)
        used += row_height
    parts.append(Table([header, *page], colWidths=widths, repeatRows=1, style=style))
    return parts
