"""A support plan as a PDF: A4 portrait, laid out after the 自立相談支援機関's 「プラン兼事業等利用申込書」 where it
applies — the client and the case, 本人の思い・目指す姿, 解決すべき課題, 目標（長期・短期）, 支援内容（内容・担当・
頻度）, the plan's period and next monitoring, the supervisor's approval, the monitoring so far, and the client's
agreement (申込) with a signature box. Japanese labels in every interface language; 取扱注意 and 「n / N」 on
every page (tsunagu.cases.conference_pdf's helpers)."""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from tsunagu.core.pdf import japanese_font
from tsunagu.core.wareki import format_wareki

from .conference_pdf import CONTENT_WIDTH, MARGIN, Styles, grid, moment, para
from .conference_pdf import painter as minutes_painter
from .models import GoalTerm, PlanStatus

if TYPE_CHECKING:
    from .selectors.plans import PlanPage

TITLE = "プラン兼事業等利用申込書（支援計画）"
CONFIDENTIAL = "取扱注意：相談支援の記録（個人情報）を含みます。目的外の利用・複写・持ち出しはしないでください。"


def _day(value) -> str:  # noqa: ANN001
    return format_wareki(value) if value else ""


def render_plan_pdf(page: PlanPage) -> bytes:
    with translation.override("ja"):
        return _render(page)


def _render(page: PlanPage) -> bytes:
    font = japanese_font()
    s = Styles(font)
    case, plan = page.case, page.plan
    label_w = 34 * mm
    half = CONTENT_WIDTH / 2
    status = str(PlanStatus(plan.status).label)
    if plan.approved_at:
        status += f"（{moment(plan.approved_at)} {plan.approved_by} 承認）"
    period = f"{_day(plan.period_start)} ～ {_day(plan.period_end)}"
    head = [
        ("ケース番号", case.number, "作成機関", plan.organisation.name),
        ("相談者", case.display_name, "版", f"第{plan.version}版　{status}"),
        ("相談受付日", _day(timezone.localtime(case.opened_at).date()), "担当者", str(case.worker or "")),
        ("プランの期間", period, "次回モニタリング", _day(plan.review_on)),
    ]
    story: list = [
        para(TITLE, s.title),
        Spacer(1, 3 * mm),
        grid(
            [[para(a, s.body), para(b, s.body), para(c, s.body), para(d, s.body)] for a, b, c, d in head],
            [label_w, half - label_w, label_w, half - label_w],
        ),
        para("本人の思い・目指す姿", s.heading),
        grid([[para(plan.client_wishes or "", s.body)]], [CONTENT_WIDTH], label_col=False),
        para("解決すべき課題", s.heading),
        grid([[para(plan.issues or "", s.body)]], [CONTENT_WIDTH], label_col=False),
        para("目標", s.heading),
    ]
    goals = list(plan.goals.all())
    rows = [[para(str(GoalTerm(g.term).label), s.body), para(g.text, s.body)] for g in goals] or [
        [para("", s.body), para("（未記入）", s.body)]
    ]
    story.append(grid(rows, [label_w, CONTENT_WIDTH - label_w]))
    story.append(para("支援内容", s.heading))
    rows = [[para("支援の内容", s.body), para("担当（機関・担当者）", s.body), para("頻度・時期", s.body)]]
    rows += [
        [para(a.what, s.body), para(a.responsible_label, s.body), para(a.frequency, s.body)] for a in plan.actions.all()
    ]
    story.append(grid(rows, [CONTENT_WIDTH - 90 * mm, 60 * mm, 30 * mm], header=True, label_col=False))
    monitoring = list(plan.monitoring.all())
    if monitoring:
        story.append(para("モニタリング", s.heading))
        rows = [[para("実施日", s.body), para("支援の状況・本人の変化", s.body), para("次回", s.body)]]
        rows += [
            [para(_day(m.held_on), s.body), para(m.findings, s.body), para(_day(m.next_review_on), s.body)]
            for m in monitoring
        ]
        story.append(grid(rows, [30 * mm, CONTENT_WIDTH - 60 * mm, 30 * mm], header=True, label_col=False))
    agreed = _day(plan.client_agreed_on) if plan.client_agreed_on else "　　年　　月　　日"
    agreement = [
        [
            para("本人の同意（申込）", s.body),
            para(f"上記のプランに同意し、支援の利用を申し込みます。\n同意日：{agreed}", s.body),
            para("署名", s.body),
            para("", s.body),
        ]
    ]
    story += [
        Spacer(1, 4 * mm),
        KeepTogether(grid(agreement, [label_w, CONTENT_WIDTH - label_w - 60 * mm, 14 * mm, 46 * mm])),
    ]
    if case.closed_at:
        story += [para("終結", s.heading), para(f"{moment(case.closed_at)}　{case.closing_reason}", s.body)]
    made = timezone.localtime()
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{TITLE} {case.number} 第{plan.version}版",
        author=plan.organisation.name,
    )
    heading = f"支援計画　{case.number}　第{plan.version}版"
    made_text = f"出力：{format_wareki(made.date())} {made:%H:%M}"
    document.build(story, canvasmaker=minutes_painter(font, heading, made_text, CONFIDENTIAL))
    return buffer.getvalue()
