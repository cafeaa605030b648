"""相談支援 (cases): a consultation taken at any window, the agencies that support it together (the team), the
client's consent to share, and closed-loop referrals between agencies.

A case is personal data of the CASE scope (tsunagu.cases.scope): only the organisations on its team see it, the
ward's welfare section included (it is on a team like any other agency, never by default). Referral events are
append-only: a referral's history is never edited, a new event is written instead."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.records import AppendOnly


class Domain(models.TextChoices):
    """分野: a case has several."""

    ELDERLY = "elderly", _("高齢・介護")
    DISABILITY = "disability", _("障害")
    CHILDREN = "children", _("子ども・子育て")
    POVERTY = "poverty", _("生活困窮")
    HOUSING = "housing", _("住まい")
    EMPLOYMENT = "employment", _("就労")
    HEALTH = "health", _("健康・医療")
    GUARDIANSHIP = "guardianship", _("権利擁護・成年後見")
    ABUSE = "abuse", _("DV・虐待")
    HIKIKOMORI = "hikikomori", _("ひきこもり")
    EIGHTY_FIFTY = "8050", _("8050")
    YOUNG_CARER = "young_carer", _("ヤングケアラー")
    FOREIGN_ROOTS = "foreign_roots", _("外国にルーツ")
    OTHER = "other", _("その他")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("緊急（その日のうちに対応）")
    HIGH = "high", _("早めに（1週間以内）")
    NORMAL = "normal", _("通常")


class Route(models.TextChoices):
    """相談経路 (【1】相談受付・申込票)."""

    VISIT_WINDOW = "window", _("来所")
    PHONE = "phone", _("電話")
    HOME_VISIT = "home_visit", _("訪問")
    COMMISSIONER = "commissioner", _("民生委員から")
    WATCH = "watch", _("見守りから")
    AGENCY = "agency", _("他機関から")
    EMAIL = "email", _("メール")
    OTHER = "other", _("その他")


class Stage(models.TextChoices):
    """The support-plan stages (支援の流れ). A case opens at 相談受付; support plans (item 5) move it on."""

    INTAKE = "intake", _("相談受付")
    ASSESSMENT = "assessment", _("アセスメント")
    PLANNING = "planning", _("プラン策定")
    CONFERENCE = "conference", _("支援調整会議")
    SUPPORT = "support", _("支援提供")
    MONITORING = "monitoring", _("モニタリング")
    EVALUATION = "evaluation", _("評価")
    REPLAN = "replan", _("再プラン")
    CLOSED = "closed", _("終結")


class Case(models.Model):
    """One consultation and the support that follows it. The client is a registry resident, someone recorded
    here who is not in the registry (the name fields), or nobody yet (「匿名のまま」, with a label)."""

    number = models.CharField(_("ケース番号"), max_length=20, unique=True)
    client = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("相談者（住民）"),
    )
    anonymous = models.BooleanField(_("匿名のまま"), default=False)
    client_label = models.CharField(
        _("呼び名"), max_length=100, blank=True, help_text=_("匿名のときの呼び方（例：「泉尾の60代男性」）。")
    )
    # 【1】相談受付・申込票: the person as they told it, when not (yet) found in the registry.
    client_name = models.CharField(_("氏名"), max_length=100, blank=True)
    client_kana = models.CharField(_("フリガナ"), max_length=100, blank=True)
    client_birth_date = models.DateField(_("生年月日"), null=True, blank=True)
    client_phone = models.CharField(_("連絡先"), max_length=30, blank=True)
    client_address = models.CharField(_("住所"), max_length=200, blank=True)

    opening_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="opened_cases", verbose_name=_("受付機関")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_in_charge",
        verbose_name=_("担当者"),
    )
    opened_at = models.DateTimeField(_("受付日時"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(_("相談経路"), max_length=20, choices=Route.choices)
    urgency = models.CharField(_("緊急度"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    domains = models.JSONField(_("分野"), default=list)
    stage = models.CharField(_("段階"), max_length=20, choices=Stage.choices, default=Stage.INTAKE)

    # 【2】インテーク・アセスメントシート
    chief_complaint = models.TextField(_("主訴"), max_length=2000)
    consultation = models.TextField(_("相談内容"), max_length=4000, blank=True)
    life_history = models.TextField(_("生活歴（概要）"), max_length=4000, blank=True)
    household_situation = models.TextField(_("世帯状況"), max_length=2000, blank=True)
    income_employment = models.TextField(_("収入・就労"), max_length=2000, blank=True)
    health = models.TextField(_("健康状態"), max_length=2000, blank=True)

    # A watch-over escalation the case came from, and who raised it: told that support started or ended, nothing
    # more. The visits before it are copied (dates, method, outcome, concerns) as the worker read them.
    source_escalation = models.OneToOneField(
        "watch.Escalation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("見守りからのつなぎ"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_cases",
        verbose_name=_("気づいた方"),
    )
    visit_history = models.JSONField(_("見守りの経過"), default=list, blank=True)

    closed_at = models.DateTimeField(_("終結日時"), null=True, blank=True)
    closing_reason = models.CharField(_("終結の理由"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("相談支援記録")
        verbose_name_plural = _("相談支援記録")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(client__isnull=True), name="case_anonymous_has_no_client"
            ),
        ]
        indexes = [models.Index(fields=["worker", "closed_at"], name="case_worker_open")]

    def __str__(self) -> str:
        return self.number

    @property
    def display_name(self) -> str:
        """How pages name the client (only ever shown to the team)."""
        if self.client_id is not None:
            return self.client.full_name
        if self.anonymous:
            return self.client_label or str(_("匿名の相談者"))
        return self.client_name or self.client_label or str(_("（氏名未登録）"))

    def domain_labels(self) -> list[str]:
        labels = dict(Domain.choices)
        return [str(labels.get(d, d)) for d in self.domains]

    def person_ids(self) -> list[int]:
        """The registry persons this case names (client and household members): the audit's target ids."""
        ids = [self.client_id] if self.client_id else []
        ids += [m.person_id for m in self.household_members.all() if m.person_id]
        return ids


class HouseholdMember(models.Model):
    """世帯員: a registry resident, or a name as told."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="household_members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("住民")
    )
    name = models.CharField(_("氏名"), max_length=100, blank=True)
    relationship = models.CharField(_("続柄"), max_length=30, blank=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("世帯員")
        verbose_name_plural = _("世帯員")
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(name=""), name="household_member_named"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.person_id)


class ConsentDecision(models.TextChoices):
    GIVEN = "given", _("同意あり")
    REFUSED = "refused", _("同意しない")
    WITHDRAWN = "withdrawn", _("同意の撤回")


class ConsentToShare(models.Model):
    """The client's consent to share the case with other agencies (情報共有の同意). Append-only: the latest row is
    the one in force; a withdrawal is a new row."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    decision = models.CharField(_("同意"), max_length=20, choices=ConsentDecision.choices)
    decided_on = models.DateField(_("意思表示の日"))
    all_agencies = models.BooleanField(
        _("支援に必要な関係機関すべて"),
        default=False,
        help_text=_("支援チームに加わる機関への紹介・共有も含みます。"),
    )
    agencies = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="+", verbose_name=_("共有してよい機関")
    )
    given_by = models.CharField(_("意思表示をした方"), max_length=50, blank=True, help_text=_("本人、代理人など。"))
    method = models.CharField(_("確認方法"), max_length=50, blank=True, help_text=_("署名、口頭など。"))
    note = models.CharField(_("備考"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("情報共有の同意")
        verbose_name_plural = _("情報共有の同意")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.decision} {self.decided_on}"


class TeamBasis(models.TextChoices):
    INTAKE = "intake", _("受付機関")
    CONSENT = "consent", _("本人の同意")
    CONFERENCE = "conference", _("支援会議の決定")
    OVERRIDE = "override", _("同意によらない紹介（区の判断）")


class TeamMember(models.Model):
    """An agency on a case's team (支援チーム): it sees the case while the row is in force (not ended). Every
    member but the opening agency comes in on the client's consent or a 支援会議 decision (社会福祉法106条の6),
    and the member's duty of confidentiality (守秘義務) is acknowledged by name."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="case_teams", verbose_name=_("機関")
    )
    basis = models.CharField(_("根拠"), max_length=20, choices=TeamBasis.choices)
    consent = models.ForeignKey(
        ConsentToShare, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("同意")
    )
    referral = models.ForeignKey(
        "Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("紹介")
    )
    decision_reference = models.CharField(
        _("会議の決定"), max_length=200, blank=True, help_text=_("支援会議の開催日と決定の要旨。")
    )
    # The conference whose decision added the agency (basis 支援会議の決定, when recorded in tsunagu).
    conference = models.ForeignKey(
        "Conference",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_additions",
        verbose_name=_("支援会議"),
    )
    confidentiality_acknowledged_at = models.DateTimeField(_("守秘義務の確認日時"), null=True, blank=True)
    confidentiality_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("守秘義務を確認した方"),
    )
    added_at = models.DateTimeField(_("参加日時"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = models.CharField(_("終了の理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("支援チーム")
        verbose_name_plural = _("支援チーム")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"], condition=Q(ended_at__isnull=True), name="case_team_member_once"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "ended_at"], name="case_team_organisation")]

    def __str__(self) -> str:
        return f"{self.case_id} / {self.organisation_id} ({self.basis})"


def team_in_force_q(prefix: str = "") -> Q:
    """Team rows in force (the one definition, for the policy and every list)."""
    return Q(**{f"{prefix}ended_at__isnull": True})


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("依頼中")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("辞退")
    SUPPORT_STARTED = "support_started", _("支援開始")
    NO_SUPPORT_NEEDED = "no_support_needed", _("支援不要")
    RE_REFERRED = "re_referred", _("他機関へ再紹介")
    CANCELLED = "cancelled", _("取消")


# A referral is open (on both sides' lists) until one of these is recorded.
CLOSED_REFERRAL_STATUSES = frozenset(
    {
        ReferralStatus.DECLINED,
        ReferralStatus.SUPPORT_STARTED,
        ReferralStatus.NO_SUPPORT_NEEDED,
        ReferralStatus.RE_REFERRED,
        ReferralStatus.CANCELLED,
    }
)
OPEN_REFERRAL_STATUSES = frozenset({ReferralStatus.REQUESTED, ReferralStatus.ACCEPTED})


class Referral(models.Model):
    """Agency A asks agency B to support the client (つなぎ). Open until an outcome is recorded; its status changes
    only through tsunagu.cases.services.referrals (the transitions table), each change an event."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    from_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("紹介元")
    )
    to_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("紹介先"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("紹介した方")
    )
    requested_at = models.DateTimeField(_("依頼日時"))
    reason = models.TextField(_("紹介の理由"), max_length=2000)
    respond_by = models.DateField(_("回答期限"))
    status = models.CharField(
        _("状況"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.REQUESTED
    )
    status_changed_at = models.DateTimeField(_("状況の更新日時"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受けた方"),
    )
    # The client's consent that covers the receiving agency, or the ward's override with its reason.
    consent = models.ForeignKey(
        ConsentToShare, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("同意")
    )
    consent_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(_("同意によらない理由"), max_length=1000, blank=True)
    re_referred_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="re_referral",
        verbose_name=_("再紹介の元"),
    )

    class Meta:
        verbose_name = _("機関への紹介")
        verbose_name_plural = _("機関への紹介")
        ordering = ["respond_by", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | Q(consent_overridden_by__isnull=False),
                name="referral_consent_or_override",
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")), name="referral_to_another_agency"
            ),
        ]
        indexes = [
            models.Index(fields=["to_organisation", "status"], name="referral_inbox"),
            models.Index(fields=["from_organisation", "status"], name="referral_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_organisation_id} → {self.to_organisation_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REFERRAL_STATUSES

    def is_overdue(self, day: datetime.date) -> bool:
        """Not answered (still 依頼中) after its deadline day."""
        return self.status == ReferralStatus.REQUESTED and self.respond_by < day


def referral_attachment_path(instance: ReferralAttachment, filename: str) -> str:
    # Kept in the media storage, which is never served: the file goes out through the referral's page only.
    return f"cases/referrals/{instance.referral_id}/{filename}"


class ReferralAttachment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("添付ファイル"), upload_to=referral_attachment_path, max_length=300)
    name = models.CharField(_("ファイル名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("紹介の添付ファイル")
        verbose_name_plural = _("紹介の添付ファイル")

    def __str__(self) -> str:
        return self.name


class ReferralEvent(AppendOnly):
    """One change of a referral's status: who, when, why. Append-only."""

    history_name = "紹介の経過"

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("変更前"), max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("変更後"), max_length=20, choices=ReferralStatus.choices)
    at = models.DateTimeField(_("日時"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("理由・メモ"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("紹介の経過")
        verbose_name_plural = _("紹介の経過")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_status} → {self.to_status}"


class NoticeKind(models.TextChoices):
    SUPPORT_STARTED = "support_started", _("支援を開始しました")
    SUPPORT_ENDED = "support_ended", _("支援を終了しました")


class RaiserNotice(models.Model):
    """What the person who raised the concern (a 民生委員, a watcher) is told: that support started or ended, and
    when. Nothing else of the case reaches them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notices")
    kind = models.CharField(_("お知らせ"), max_length=20, choices=NoticeKind.choices)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("気づいた方へのお知らせ")
        verbose_name_plural = _("気づいた方へのお知らせ")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "recipient", "kind"], name="raiser_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.recipient_id}: {self.kind}"


# ---------------------------------------------------------------------------------------------------------------
# 支援会議と支援計画 (issue 9, items 4 and 5): in their own module, imported here so they are the app's models.
from .support_models import (  # noqa: E402
    OPEN_TASK_STATUSES,
    CaseClosure,
    ClosureKind,
    Conference,
    ConferenceAgendaItem,
    ConferenceDecision,
    ConferenceKind,
    ConferenceParticipant,
    ConferenceTask,
    DecisionKind,
    GoalTerm,
    MonitoringEntry,
    PlanAction,
    PlanGoal,
    PlanStatus,
    StageChange,
    SupportPlan,
    TaskStatus,
)

__all__ = [
    "CLOSED_REFERRAL_STATUSES",
    "OPEN_REFERRAL_STATUSES",
    "OPEN_TASK_STATUSES",
    "Case",
    "CaseClosure",
    "ClosureKind",
    "Conference",
    "ConferenceAgendaItem",
    "ConferenceDecision",
    "ConferenceKind",
    "ConferenceParticipant",
    "ConferenceTask",
    "ConsentDecision",
    "ConsentToShare",
    "DecisionKind",
    "Domain",
    "GoalTerm",
    "HouseholdMember",
    "MonitoringEntry",
    "NoticeKind",
    "PlanAction",
    "PlanGoal",
    "PlanStatus",
    "RaiserNotice",
    "Referral",
    "ReferralAttachment",
    "ReferralEvent",
    "ReferralStatus",
    "Route",
    "Stage",
    "StageChange",
    "SupportPlan",
    "TaskStatus",
    "TeamBasis",
    "TeamMember",
    "Urgency",
    "team_in_force_q",
]
# --- outreach (アウトリーチ, issue 9 item 6) --------------------------------------------------------------------


class OutreachSource(models.TextChoices):
    WATCH = "watch", _("見守りの気がかり")
    SAFETY = "safety", _("安否確認で連絡がつかない")
    DECLINED_REFERRAL = "declined_referral", _("辞退された紹介")
    STAFF = "staff", _("職員の判断")


class OutreachStatus(models.TextChoices):
    OPEN = "open", _("未着手")
    IN_PROGRESS = "in_progress", _("対応中")
    RESOLVED = "resolved", _("解決")


OPEN_OUTREACH_STATUSES = frozenset({OutreachStatus.OPEN, OutreachStatus.IN_PROGRESS})


class OutreachResolution(models.TextChoices):
    CONNECTED = "connected", _("支援につながった")
    REACHED = "reached", _("連絡がとれ、支援は不要だった")
    WATCH = "watch", _("見守りで様子をみる")
    MOVED = "moved", _("転出・死亡・入所")
    REFUSED = "refused", _("本人が支援を望まない")
    OTHER = "other", _("その他")


class OutreachItem(models.Model):
    """A person or household to be reached (アウトリーチ): flagged from a source (a watch-over concern not leading to
    a case, an unreachable person after a safety check, a declined referral left without support) or by staff,
    with a next action, an owner (an agency and optionally a worker) and a due date, until resolved. Resolved items
    stay with their history (OutreachEvent). The person's data is shown through the policy's outreach scope
    (tsunagu.cases.scope.OutreachScope); a case's content only to its team."""

    source = models.CharField(_("きっかけ"), max_length=30, choices=OutreachSource.choices)
    # The record that raised it ("escalation:12", "safety:3:45", "referral:7"): one item per record, ever.
    source_key = models.CharField(_("きっかけの記録"), max_length=60, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_items",
        verbose_name=_("対象の方"),
    )
    whole_household = models.BooleanField(_("世帯として"), default=False)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="outreach_items", verbose_name=_("ケース")
    )
    reason = models.TextField(_("理由"), max_length=2000)
    next_action = models.CharField(_("次の対応"), max_length=300)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="outreach_items",
        verbose_name=_("担当機関"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_items",
        verbose_name=_("担当者"),
    )
    due_on = models.DateField(_("期限"))
    status = models.CharField(_("状況"), max_length=20, choices=OutreachStatus.choices, default=OutreachStatus.OPEN)
    created_at = models.DateTimeField(_("登録日時"))
    # None: flagged by the flagging run (tsunagu.cases.services.outreach.outreach_flag).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(_("結果"), max_length=20, choices=OutreachResolution.choices, blank=True)
    resolution_note = models.TextField(_("結果の内容"), max_length=2000, blank=True)
    resolved_at = models.DateTimeField(_("解決日時"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("アウトリーチ")
        verbose_name_plural = _("アウトリーチ")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(case__isnull=False), name="outreach_names_someone"
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"], condition=~Q(source_key=""), name="outreach_source_once"
            ),
            models.CheckConstraint(
                condition=Q(status=OutreachStatus.RESOLVED, resolved_at__isnull=False)
                | (~Q(status=OutreachStatus.RESOLVED) & Q(resolved_at__isnull=True)),
                name="outreach_resolved_has_date",
            ),
        ]
        indexes = [models.Index(fields=["owner_organisation", "status", "due_on"], name="outreach_worklist")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.person_id or self.case_id} → {self.owner_organisation_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_OUTREACH_STATUSES

    def is_overdue(self, day: datetime.date) -> bool:
        return self.is_open and self.due_on < day


class OutreachEventKind(models.TextChoices):
    FLAGGED = "flagged", _("登録")
    NOTE = "note", _("対応の記録")
    CHANGED = "changed", _("担当・次の対応・期限の変更")
    RESOLVED = "resolved", _("解決")
    REOPENED = "reopened", _("再開")


class OutreachEvent(AppendOnly):
    """One step of an outreach item: flagged, a contact attempt, a change of owner or next action, resolved.
    Append-only."""

    history_name = "アウトリーチの経過"

    item = models.ForeignKey(OutreachItem, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("種類"), max_length=20, choices=OutreachEventKind.choices)
    at = models.DateTimeField(_("日時"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("内容"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("アウトリーチの経過")
        verbose_name_plural = _("アウトリーチの経過")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.kind}"
