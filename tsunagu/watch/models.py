"""日常の見守り (everyday watch-over): who watches whom and how often, the visits they log from a phone, the
escalation of a concern to the responsible professional (routed by district and concern), and the 民生委員's
monthly activity record (福祉行政報告例).

Visits and escalations are personal data of the WATCH scope (tsunagu.watch.scope): watchers see the persons they
watch, professionals the persons of their districts, through the access policy."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import home_municipality_id


class WatchFrequency(models.TextChoices):
    """目安 of how often someone is contacted: a target per period (a week, a month…), not a deadline day."""

    WEEKLY = "weekly", _("週1回程度")
    BIWEEKLY = "biweekly", _("2週に1回程度")
    MONTHLY = "monthly", _("月1回程度")
    BIMONTHLY = "bimonthly", _("2か月に1回程度")
    QUARTERLY = "quarterly", _("3か月に1回程度")


class WatchAssignment(models.Model):
    """One watcher's watch over one person (or the person's household). The watcher is an organisation (a
    民児協, a 町会, a care plaza, the 社協's 見守り協力員) and, usually, one named member of it; without a named
    member every member of the organisation watches."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="watch_assignments", verbose_name=_("見守る方")
    )
    whole_household = models.BooleanField(
        _("世帯で見守る"), default=False, help_text=_("同じ世帯の方もあわせて見守ります（記録は世帯で1件）。")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="watch_assignments",
        verbose_name=_("見守る団体"),
    )
    watcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="watch_assignments",
        verbose_name=_("担当者"),
    )
    frequency = models.CharField(
        _("見守りの目安"), max_length=20, choices=WatchFrequency.choices, default=WatchFrequency.MONTHLY
    )
    note = models.CharField(_("見守りの留意点"), max_length=200, blank=True)
    started_on = models.DateField(_("開始日"), default=datetime.date.today)
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("見守りの担当")
        verbose_name_plural = _("見守りの担当")
        constraints = [
            # Two partial constraints rather than nulls_distinct=False, which SQLite would silently skip.
            models.UniqueConstraint(
                fields=["person", "organisation", "watcher"],
                condition=Q(ended_on__isnull=True, watcher__isnull=False),
                name="watch_assignment_once_while_open",
            ),
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(ended_on__isnull=True, watcher__isnull=True),
                name="watch_assignment_unnamed_once_while_open",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "watcher"], name="watch_assignment_watcher")]

    def __str__(self) -> str:
        return f"{self.person_id} ← {self.organisation_id}/{self.watcher_id}"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


def active_assignments_q(day: datetime.date, prefix: str = "") -> Q:
    """Assignments in force on `day` (the one definition, for the policy, lists and worklists)."""
    return Q(**{f"{prefix}started_on__lte": day}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": day})
    )


def covering_assignments_q(person_id: int, household_id: int | None) -> Q:
    """Assignments whose target includes this person: their own, or their household's when watched as one."""
    covers = Q(person_id=person_id)
    if household_id is not None:
        covers |= Q(whole_household=True, person__household_id=household_id)
    return covers


class VisitMethod(models.TextChoices):
    VISIT = "visit", _("訪問")
    PHONE = "phone", _("電話")
    GREETING = "greeting", _("声かけ")
    SIGHTING = "sighting", _("見かけ")
    ABSENT = "absent", _("不在")


# A contact: the person was reached. 不在 is an attempt, kept in the log, but the person is still to be contacted.
CONTACT_METHODS = frozenset({VisitMethod.VISIT, VisitMethod.PHONE, VisitMethod.GREETING, VisitMethod.SIGHTING})


class VisitOutcome(models.TextChoices):
    FINE = "fine", _("変わりなし")
    CONCERN = "concern", _("気になる")
    URGENT = "urgent", _("緊急")


ESCALATING_OUTCOMES = frozenset({VisitOutcome.CONCERN, VisitOutcome.URGENT})


class ConcernTag(models.TextChoices):
    MEALS = "meals", _("食事")
    MEDICATION = "medication", _("服薬")
    FORGETFULNESS = "forgetfulness", _("物忘れ")
    NEGLECTED_HOME = "neglected_home", _("住まいの荒れ")
    MAIL_PILING = "mail_piling", _("郵便物がたまる")
    MONEY = "money", _("経済的困窮")
    ISOLATION = "isolation", _("孤立")
    ABUSE = "abuse", _("虐待の疑い")
    HEALTH = "health", _("体調")
    OTHER = "other", _("その他")


class WatchVisit(models.Model):
    """One contact or attempt, as the watcher noticed it. `observed_at` may be back-dated from paper notes;
    `recorded_at` is when it reached tsunagu, kept apart. Append-only: a mistaken visit is corrected by a new one."""

    assignment = models.ForeignKey(WatchAssignment, on_delete=models.PROTECT, related_name="visits")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="watch_visits", verbose_name=_("見守る方")
    )
    observed_at = models.DateTimeField(_("見守りの日時"))
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("記録者")
    )
    method = models.CharField(_("方法"), max_length=20, choices=VisitMethod.choices)
    outcome = models.CharField(_("様子"), max_length=20, choices=VisitOutcome.choices)
    concerns = models.JSONField(_("気になること"), default=list, blank=True)
    note = models.TextField(_("メモ"), blank=True, max_length=2000)
    # Made by the phone for each report, so a report sent twice (a retry on a failing network) is stored once.
    client_id = models.UUIDField(_("端末の記録ID"), unique=True, null=True, blank=True, default=None)

    class Meta:
        verbose_name = _("見守りの記録")
        verbose_name_plural = _("見守りの記録")
        indexes = [
            models.Index(fields=["person", "observed_at"], name="watch_visit_person_time"),
            models.Index(fields=["recorded_by", "observed_at"], name="watch_visit_recorder_time"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.observed_at:%Y-%m-%d} {self.method}/{self.outcome}"

    @property
    def is_contact(self) -> bool:
        return self.method in CONTACT_METHODS

    def concern_labels(self) -> list[str]:
        labels = dict(ConcernTag.choices)
        return [str(labels.get(c, c)) for c in self.concerns]


class EscalationRoute(models.Model):
    """The routing table staff edit: which professional receives a 気になる / 緊急 of a district and concern.
    The most specific row wins (district and concern, then district, then concern, then the default row). Each
    ward keeps its own table."""

    municipality = models.ForeignKey(
        "areas.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("区"),
        default=home_municipality_id,
    )
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("地区"),
        help_text=_("空ならすべての地区。"),
    )
    concern = models.CharField(
        _("気になること"), max_length=20, choices=ConcernTag.choices, blank=True, help_text=_("空ならすべて。")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("つなぐ先")
    )

    class Meta:
        verbose_name = _("見守りのつなぎ先")
        verbose_name_plural = _("見守りのつなぎ先")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "district", "concern"],
                condition=Q(district__isnull=False),
                name="escalation_route_once",
            ),
            models.UniqueConstraint(
                fields=["municipality", "concern"],
                condition=Q(district__isnull=True),
                name="escalation_route_ward_wide_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district_id or '*'}/{self.concern or '*'} → {self.organisation_id}"


class Escalation(models.Model):
    """A 気になる or 緊急 visit handed to the responsible professional, until it is closed (対応しました).
    Its status is derived from its dates; the closing note is the professional's and never shown to the watcher."""

    visit = models.OneToOneField(WatchVisit, on_delete=models.PROTECT, related_name="escalation")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="watch_escalations")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="watch_escalations",
        verbose_name=_("つなぐ先"),
    )
    urgency = models.CharField(_("緊急度"), max_length=20, choices=VisitOutcome.choices)
    raised_at = models.DateTimeField(_("連絡日時"))
    # When an unacknowledged escalation resurfaces and reaches the receiver's supervisors.
    acknowledge_by = models.DateTimeField(_("受理の期限"))
    acknowledged_at = models.DateTimeField(_("受理日時"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("対応日時"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_note = models.TextField(_("対応の内容（職員のみ）"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("専門職へのつなぎ")
        verbose_name_plural = _("専門職へのつなぎ")
        indexes = [
            models.Index(fields=["organisation", "closed_at", "acknowledged_at"], name="watch_escalation_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.organisation_id} ({self.urgency})"

    @property
    def status(self) -> str:
        if self.closed_at is not None:
            return EscalationStatus.CLOSED
        if self.acknowledged_at is not None:
            return EscalationStatus.ACKNOWLEDGED
        return EscalationStatus.OPEN

    def get_status_display(self) -> str:
        return str(dict(EscalationStatus.choices)[self.status])


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("連絡済（受理待ち）")
    ACKNOWLEDGED = "acknowledged", _("受理されました")
    CLOSED = "closed", _("対応しました")


class ActivityRecord(models.Model):
    """民生委員・児童委員の活動記録 for one month (福祉行政報告例の区分), filled from the visit log where it can
    be and completed by the commissioner. `counts` maps the category codes of tsunagu.watch.activity to numbers."""

    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activity_records", verbose_name=_("委員")
    )
    month = models.DateField(_("対象月"), help_text=_("月の初日。"))
    district = models.ForeignKey(
        "areas.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("担当地区"),
    )
    counts = models.JSONField(_("件数"), default=dict)
    note = models.TextField(_("特記事項"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("民生委員の活動記録")
        verbose_name_plural = _("民生委員の活動記録")
        constraints = [
            models.UniqueConstraint(fields=["commissioner", "month"], name="activity_record_once_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="activity_record_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.commissioner_id} {self.month:%Y-%m}"
