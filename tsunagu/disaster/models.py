"""Disaster events (災害) and safety confirmation (安否確認).

An event opens, for its districts and its duration, the listed persons of the roster to those who must reach
them (災害対策基本法 49条の11 第3項: without consent in a disaster) — through the access policy's DISASTER scope
(tsunagu/disaster/scope.py), never by a filter in a view. Safety reports are append-only: the current status of a
person is the latest report by time of observation; a report is never changed or deleted."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import home_municipality_id
from tsunagu.core.records import AppendOnly

# The policy's scope name of the disaster-time grant (not an agreement scope: no agreement opens it).
DISASTER_SCOPE = "disaster"


class DisasterKind(models.TextChoices):
    EARTHQUAKE = "earthquake", _("地震")
    TSUNAMI = "tsunami", _("津波")
    STORM_FLOOD = "storm_flood", _("風水害")
    LANDSLIDE = "landslide", _("土砂災害")
    FIRE = "fire", _("火災")
    OTHER = "other", _("その他")


class DisasterEvent(models.Model):
    municipality = models.ForeignKey(
        "areas.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("区"),
        default=home_municipality_id,
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("災害の種類"), max_length=20, choices=DisasterKind.choices)
    is_drill = models.BooleanField(_("訓練"), default=False)
    districts = models.ManyToManyField("areas.District", related_name="+", verbose_name=_("対象の地区"))
    started_at = models.DateTimeField(_("開始日時"))
    planned_end_at = models.DateTimeField(_("終了予定日時"), null=True, blank=True)
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    # The roster build whose listed persons the event's rows (SafetyCurrent) were last matched with.
    persons_build = models.ForeignKey(
        "roster.RosterBuild", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("災害")
        verbose_name_plural = _("災害")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.planned_end_at and self.planned_end_at <= self.started_at:
            raise ValidationError({"planned_end_at": _("終了予定は開始より後にしてください。")})

    def is_active_at(self, moment: datetime.datetime) -> bool:
        return self.started_at <= moment and not self.closes_by(moment)

    def closes_by(self, moment: datetime.datetime) -> bool:
        return (self.ended_at is not None and self.ended_at <= moment) or (
            self.planned_end_at is not None and self.planned_end_at <= moment
        )

    @property
    def is_active(self) -> bool:
        return self.is_active_at(timezone.now())


def active_events_q(moment: datetime.datetime) -> Q:
    """Events in force at `moment` (the one definition, for the policy and the lists)."""
    return (
        Q(started_at__lte=moment)
        & (Q(ended_at__isnull=True) | Q(ended_at__gt=moment))
        & (Q(planned_end_at__isnull=True) | Q(planned_end_at__gt=moment))
    )


class SafetyStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("未確認")
    SAFE = "safe", _("無事・在宅")
    EVACUATED = "evacuated", _("避難済")
    NEEDS_HELP = "needs_help", _("要救助・要支援")
    INJURED = "injured", _("負傷")
    UNREACHABLE = "unreachable", _("連絡つかず")
    ABSENT = "absent", _("不在")
    HOSPITAL = "hospital", _("入院・施設")


# Statuses that say the person is all right, and those that say they need someone: a report of one kind and a
# report of the other close together is a conflict to look at, not a correction.
ALL_RIGHT = frozenset({SafetyStatus.SAFE, SafetyStatus.EVACUATED, SafetyStatus.HOSPITAL})
NEEDS_SOMEONE = frozenset({SafetyStatus.NEEDS_HELP, SafetyStatus.INJURED})
# Confirmed: the person was reached and their situation is known.
CONFIRMED = ALL_RIGHT | NEEDS_SOMEONE


class SafetyReport(AppendOnly):
    """One observation of a person's safety. Append-only: never updated, never deleted."""

    history_name = "安否の報告"

    event = models.ForeignKey(DisasterEvent, on_delete=models.PROTECT, related_name="reports")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("安否"), max_length=20, choices=SafetyStatus.choices)
    place = models.CharField(_("場所"), max_length=200, blank=True, help_text=_("避難先・搬送先など。"))
    shelter = models.ForeignKey(
        "shelters.Shelter", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("避難先")
    )
    note = models.CharField(_("メモ"), max_length=1000, blank=True)
    observed_at = models.DateTimeField(_("確認した日時"))
    received_at = models.DateTimeField(_("受け付けた日時"), auto_now_add=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Made on the phone: a report sent again (an offline queue, a retry) is the same report.
    client_id = models.UUIDField(_("記録ID"), null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("安否の報告")
        verbose_name_plural = _("安否の報告")
        indexes = [
            models.Index(fields=["event", "person", "observed_at"], name="safety_report_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.person_id}: {self.status}"


class SafetyCurrentQuerySet(models.QuerySet):
    def reported(self) -> SafetyCurrentQuerySet:
        """Rows of persons someone has reported on (the others are 未確認 with no report)."""
        return self.filter(report__isnull=False)


class SafetyCurrent(models.Model):
    """One row per person of an event, with their current status: written (未確認, no report) for every person
    listed on the ward's roster in the event's districts when the event is declared or started, or when a later
    roster build lists them, and kept with every report (the latest observed report decides). The live dashboard
    counts and lists an event's 90,000 persons from this one table by its indexes, never from the registry."""

    event = models.ForeignKey(DisasterEvent, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # The person's town and folded kana as the row was written: the district filter and the callers' 50音 list
    # read them by index. The policy still decides, on every read, whom a user may see.
    town = models.ForeignKey("areas.Town", on_delete=models.PROTECT, related_name="+")
    kana_key = models.CharField(max_length=200)
    # Listed on the ward's current roster build (a row is never removed: a person dropped by a later build keeps
    # their reports, and is counted again if listed again).
    listed = models.BooleanField(default=True)
    report = models.ForeignKey(SafetyReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("安否"), max_length=20, choices=SafetyStatus.choices, default=SafetyStatus.UNCONFIRMED)
    observed_at = models.DateTimeField(_("確認した日時"), null=True, blank=True)
    # When the person was first known to be all right or in need (the confirmation rate over time).
    first_confirmed_at = models.DateTimeField(null=True, blank=True)
    has_conflict = models.BooleanField(default=False)

    objects = SafetyCurrentQuerySet.as_manager()

    class Meta:
        verbose_name = _("現在の安否")
        verbose_name_plural = _("現在の安否")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="safety_current_once")]
        indexes = [
            models.Index(fields=["event", "status"], name="safety_current_status"),
            models.Index(fields=["event", "kana_key", "person"], name="safety_current_kana"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.person_id}: {self.status}"


# --- shelters in an event (避難所の開設・入退所) -------------------------------------------------------------------


class ShelterOpening(models.Model):
    """A shelter opened for an event (開設) until it is closed (閉鎖). A shelter has at most one opening in force per
    event; one closed and opened again keeps both rows (the after-action report reads them)."""

    event = models.ForeignKey(DisasterEvent, on_delete=models.PROTECT, related_name="shelter_openings")
    shelter = models.ForeignKey(
        "shelters.Shelter", on_delete=models.PROTECT, related_name="+", verbose_name=_("避難所")
    )
    opened_at = models.DateTimeField(_("開設日時"))
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("閉鎖日時"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("避難所の開設")
        verbose_name_plural = _("避難所の開設")
        ordering = ["opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "shelter"], condition=Q(closed_at__isnull=True), name="shelter_opening_once_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.shelter_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ShelterStay(models.Model):
    """A person's stay at a shelter in an event: from the arrival until the departure. Occupancy is the stays
    arrived and not departed. A person stays at one shelter at a time (an arrival elsewhere ends the stay here).
    An arrival entered from a list keeps the name, reading and birth date as they were written on it."""

    event = models.ForeignKey(DisasterEvent, on_delete=models.PROTECT, related_name="shelter_stays")
    shelter = models.ForeignKey(
        "shelters.Shelter", on_delete=models.PROTECT, related_name="+", verbose_name=_("避難所")
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    arrived_at = models.DateTimeField(_("入所日時"))
    departed_at = models.DateTimeField(_("退所日時"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    departure_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("メモ"), max_length=500, blank=True)
    # As written on the shelter's list (empty for an arrival recorded one by one).
    entered_name = models.CharField(_("名簿の氏名"), max_length=100, blank=True)
    entered_kana = models.CharField(_("名簿のふりがな"), max_length=100, blank=True)
    entered_birth = models.CharField(_("名簿の生年月日"), max_length=40, blank=True)
    # The safety reports the arrival (避難済, this shelter) and a departure with a new status appended.
    arrival_report = models.ForeignKey(SafetyReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    departure_report = models.ForeignKey(
        SafetyReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("避難所の入退所")
        verbose_name_plural = _("避難所の入退所")
        ordering = ["arrived_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], condition=Q(departed_at__isnull=True), name="shelter_stay_one_at_a_time"
            ),
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True) | Q(departed_at__gte=models.F("arrived_at")),
                name="shelter_stay_departs_after_arriving",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "shelter", "departed_at"], name="shelter_stay_occupancy"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.shelter_id}/{self.person_id}"

    @property
    def is_staying(self) -> bool:
        return self.departed_at is None
