"""支援会議 (support conferences) and 支援計画 (support plans): issue 9, items 4 and 5. Imported by
tsunagu.cases.models, so these are the app's models like any other (app label `cases`).

A conference is seen by its participants only (the organiser's agency, participating organisations' staff and
participating users); what it says about a case on its agenda is shown per participant by
tsunagu.cases.selectors.conferences. A plan belongs to a case and is seen through the case (CASE scope)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.core.records import AppendOnly


class ConferenceKind(models.TextChoices):
    # 社会福祉法106条の6: members share a duty of confidentiality, so the client's consent is not needed.
    SUPPORT_MEETING = "support_meeting", _("支援会議")
    COORDINATION = "coordination", _("支援調整会議")
    MULTI_AGENCY = "multi_agency", _("重層的支援会議")
    COMMUNITY_CARE = "community_care", _("地域ケア会議")


class Conference(models.Model):
    kind = models.CharField(_("会議の種類"), max_length=20, choices=ConferenceKind.choices)
    title = models.CharField(_("会議名"), max_length=200)
    organiser = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("主催機関")
    )
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    place = models.CharField(_("場所"), max_length=200, blank=True)
    online_url = models.URLField(_("オンライン会議のURL"), max_length=500, blank=True)
    note = models.TextField(_("全体のメモ"), max_length=4000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("支援会議")
        verbose_name_plural = _("支援会議")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(place="") | ~Q(online_url=""), name="conference_place_or_online"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_kind_display()}）"

    @property
    def is_statutory_support_meeting(self) -> bool:
        """A 支援会議 under 社会福祉法106条の6: case details only to those who acknowledged confidentiality."""
        return self.kind == ConferenceKind.SUPPORT_MEETING

    def has_started(self, now: datetime.datetime) -> bool:
        return self.starts_at <= now


class ConferenceParticipant(models.Model):
    """A participant: an organisation (its staff take part), a user, or a person named as told (an outside
    member without an account). Each with their acknowledgement of the duty of confidentiality (守秘義務の確認)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("機関"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_participations",
        verbose_name=_("参加者（利用者）"),
    )
    name = models.CharField(_("氏名・所属（利用者でない方）"), max_length=100, blank=True)
    role = models.CharField(_("役割"), max_length=50, blank=True, help_text=_("司会、記録、本人、家族など。"))
    confidentiality_acknowledged_at = models.DateTimeField(_("守秘義務の確認日時"), null=True, blank=True)
    confidentiality_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("守秘義務の確認を記録した方"),
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("会議の参加者")
        verbose_name_plural = _("会議の参加者")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(user__isnull=False) | ~Q(name=""),
                name="conference_participant_named",
            ),
            models.UniqueConstraint(
                fields=["conference", "organisation"],
                condition=Q(organisation__isnull=False, user__isnull=True),
                name="conference_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["conference", "user"], condition=Q(user__isnull=False), name="conference_user_once"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        parts = []
        if self.user_id:
            parts.append(str(self.user))
        if self.organisation_id:
            parts.append(self.organisation.name)
        if self.name:
            parts.append(self.name)
        return "・".join(parts)

    @property
    def acknowledged(self) -> bool:
        return self.confidentiality_acknowledged_at is not None


class ConferenceAgendaItem(models.Model):
    """A case discussed at the conference, with its minutes (議事録) as written for this item."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="agenda")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="conference_items")
    order = models.PositiveSmallIntegerField(_("順番"), default=1)
    topic = models.CharField(_("検討すること"), max_length=300, blank=True)
    minutes = models.TextField(_("議事録"), max_length=8000, blank=True)
    minutes_updated_at = models.DateTimeField(_("議事録の更新日時"), null=True, blank=True)
    minutes_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("会議の議題")
        verbose_name_plural = _("会議の議題")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["conference", "case"], name="conference_case_once")]

    def __str__(self) -> str:
        return f"{self.conference_id}: {self.case_id}"


class DecisionKind(models.TextChoices):
    NOTE = "note", _("決定事項")
    ADD_TO_TEAM = "add_to_team", _("機関を支援チームに加える")


class ConferenceDecision(models.Model):
    """A decision of the conference on an agenda item. "Add agency X to the team" is applied once, by team_add with
    the basis 支援会議の決定 and this conference as its reference."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        ConferenceAgendaItem, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("議題")
    )
    kind = models.CharField(_("種類"), max_length=20, choices=DecisionKind.choices, default=DecisionKind.NOTE)
    text = models.TextField(_("決定の内容"), max_length=2000)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("加える機関"),
    )
    team_member = models.OneToOneField(
        "cases.TeamMember", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("反映日時"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("会議の決定")
        verbose_name_plural = _("会議の決定")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="add_to_team") | Q(organisation__isnull=False), name="decision_names_the_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.conference_id}: {self.kind}"


class TaskStatus(models.TextChoices):
    OPEN = "open", _("未着手")
    IN_PROGRESS = "in_progress", _("対応中")
    DONE = "done", _("完了")
    CANCELLED = "cancelled", _("中止")


OPEN_TASK_STATUSES = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS})


class ConferenceTask(models.Model):
    """A task the conference gave to a participant (an organisation, a user, or both), due on a day."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="tasks")
    agenda_item = models.ForeignKey(
        ConferenceAgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("議題"),
    )
    description = models.CharField(_("やること"), max_length=500)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("担当機関"),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_tasks",
        verbose_name=_("担当者"),
    )
    due_on = models.DateField(_("期限"))
    status = models.CharField(_("状況"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    status_note = models.CharField(_("状況のメモ"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("状況の更新日時"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("会議のタスク")
        verbose_name_plural = _("会議のタスク")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_organisation__isnull=False) | Q(owner_user__isnull=False), name="task_has_owner"
            ),
        ]
        indexes = [models.Index(fields=["owner_user", "status"], name="task_owner_user")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    def is_overdue(self, day: datetime.date) -> bool:
        return self.is_open and self.due_on < day

    @property
    def owner_label(self) -> str:
        parts = [self.owner_organisation.name] if self.owner_organisation_id else []
        if self.owner_user_id:
            parts.append(str(self.owner_user))
        return "・".join(parts)


# ---------------------------------------------------------------------------------------------------------------
# 支援計画 (the 自立相談支援機関's 「プラン兼事業等利用申込書」 where it applies)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    APPROVED = "approved", _("承認済み")
    SUPERSEDED = "superseded", _("再プランにより終了")


class SupportPlan(models.Model):
    """One version of a case's plan. 再プラン makes a new version (goals and actions copied); the old one is kept,
    marked superseded. Editable until approved (or, where approval is not required, until support starts)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveSmallIntegerField(_("版"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("作成機関")
    )
    status = models.CharField(_("状況"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # プラン兼事業等利用申込書
    client_wishes = models.TextField(_("本人の思い・目指す姿"), max_length=2000, blank=True)
    issues = models.TextField(_("解決すべき課題"), max_length=4000, blank=True)
    period_start = models.DateField(_("プランの期間（開始）"), null=True, blank=True)
    period_end = models.DateField(_("プランの期間（終了）"), null=True, blank=True)
    review_on = models.DateField(_("次のモニタリング予定日"), null=True, blank=True)
    client_agreed_on = models.DateField(
        _("本人の同意（申込）の日"), null=True, blank=True, help_text=_("本人がプランに同意し、利用を申し込んだ日。")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    approved_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承認した方"),
    )
    superseded_at = models.DateTimeField(_("再プランの日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("支援計画")
        verbose_name_plural = _("支援計画")
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="support_plan_version_once"),
            models.UniqueConstraint(
                fields=["case"], condition=~Q(status="superseded"), name="support_plan_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.version}"


class GoalTerm(models.TextChoices):
    LONG = "long", _("長期目標")
    SHORT = "short", _("短期目標")


class PlanGoal(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="goals")
    term = models.CharField(_("期間"), max_length=10, choices=GoalTerm.choices)
    text = models.CharField(_("目標"), max_length=500)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("支援計画の目標")
        verbose_name_plural = _("支援計画の目標")
        ordering = ["term", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class PlanAction(models.Model):
    """支援内容: what is done, by whom (an agency and/or a person: 本人、家族, a worker), how often."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("支援の内容"), max_length=500)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("担当機関"),
    )
    person = models.CharField(_("担当者"), max_length=100, blank=True, help_text=_("本人、家族、担当職員など。"))
    frequency = models.CharField(_("頻度・時期"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("支援計画の支援内容")
        verbose_name_plural = _("支援計画の支援内容")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(person=""), name="plan_action_has_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def responsible_label(self) -> str:
        return "・".join(p for p in (self.organisation.name if self.organisation_id else "", self.person) if p)


class MonitoringEntry(models.Model):
    """モニタリング: on a day, what was found, and the next review."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="monitoring")
    held_on = models.DateField(_("実施日"))
    findings = models.TextField(_("支援の状況・本人の変化"), max_length=4000)
    next_review_on = models.DateField(_("次のモニタリング予定日"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("モニタリング")
        verbose_name_plural = _("モニタリング")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.held_on}"


class StageChange(AppendOnly):
    """One move of a case's stage (who, when, why). Append-only, like a referral's events."""

    history_name = "段階の経過"

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(_("変更前"), max_length=20)
    to_stage = models.CharField(_("変更後"), max_length=20)
    at = models.DateTimeField(_("日時"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("メモ"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("段階の経過")
        verbose_name_plural = _("段階の経過")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage} → {self.to_stage}"

    @staticmethod
    def _label(stage: str) -> str:
        from .models import Stage  # models imports this module

        return str(dict(Stage.choices).get(stage, stage))

    @property
    def from_label(self) -> str:
        return self._label(self.from_stage)

    @property
    def to_label(self) -> str:
        return self._label(self.to_stage)


class ClosureKind(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("目標達成")
    INFORMATION_ONLY = "information_only", _("情報提供・助言のみで終了")
    PASSED_ON = "passed_on", _("他機関・他制度へつないで終了")
    CLIENT_DECLINED = "client_declined", _("本人の辞退")
    NO_CONTACT = "no_contact", _("連絡が取れない")
    MOVED = "moved", _("転居")
    DIED = "died", _("死亡")
    OTHER = "other", _("その他")


class CaseClosure(models.Model):
    """The request to close a case (終結) and, where the ward requires it, the supervisor's decision. Approved (or
    not requiring approval), the case is closed and the raiser told 支援を終了しました."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="closures")
    kind = models.CharField(_("終結の理由"), max_length=20, choices=ClosureKind.choices)
    note = models.CharField(_("理由の詳細"), max_length=500, blank=True)
    from_stage = models.CharField(_("終結前の段階"), max_length=20)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申請日時"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("判断日時"), null=True, blank=True)
    approved = models.BooleanField(_("承認"), null=True)
    return_reason = models.CharField(_("差し戻しの理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("終結")
        verbose_name_plural = _("終結")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(decided_at__isnull=True), name="closure_one_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"

    @property
    def is_pending(self) -> bool:
        return self.decided_at is None

    @property
    def reason_text(self) -> str:
        label = str(self.get_kind_display())
        return f"{label}：{self.note}" if self.note else label
