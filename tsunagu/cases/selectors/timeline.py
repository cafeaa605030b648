"""A case's timeline: every event of the case in time order, assembled from one small function per kind of record
(intake and closing, consent, the team, referral events, notices to the raiser, outreach, the stages and plans,
the conferences that discussed it). A new kind of record joins with one function decorated @timeline_source;
nothing else changes.
The caller reached the case through case_or_404 (its team only), which logged the read."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import (
    Case,
    ConferenceAgendaItem,
    ConsentDecision,
    OutreachEvent,
    RaiserNotice,
    ReferralEvent,
    Stage,
    StageChange,
    SupportPlan,
)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # intake, consent, team, referral, notice, outreach, closed … (a CSS hook and the API's filter)
    title: str  # what happened, in a few words
    detail: str = ""
    organisation: str = ""
    by: str = ""
    url: str = ""


TimelineSource = Callable[[Case], Iterable[TimelineEntry]]
TIMELINE_SOURCES: list[TimelineSource] = []


def timeline_source(function: TimelineSource) -> TimelineSource:
    """Register a function giving a case's entries of one kind."""
    TIMELINE_SOURCES.append(function)
    return function


def _name(user) -> str:  # noqa: ANN001
    return str(user) if user is not None else _("（自動）")


@timeline_source
def _intake(case: Case) -> Iterable[TimelineEntry]:
    yield TimelineEntry(
        case.opened_at,
        "intake",
        _("相談受付（%(route)s）") % {"route": case.get_route_display()},
        case.chief_complaint,
        case.opening_organisation.name,
        _name(case.opened_by),
    )
    if case.closed_at:
        yield TimelineEntry(case.closed_at, "closed", _("終結"), case.closing_reason)


@timeline_source
def _consents(case: Case) -> Iterable[TimelineEntry]:
    for consent in case.consents.select_related("recorded_by").prefetch_related("agencies"):
        detail = consent.note
        if consent.decision == ConsentDecision.GIVEN:
            scope = (
                _("支援に必要な関係機関すべて")
                if consent.all_agencies
                else "、".join(o.name for o in consent.agencies.all())
            )
            detail = " ".join(p for p in (scope, detail) if p)
        yield TimelineEntry(
            consent.recorded_at,
            "consent",
            _("情報共有の同意: %(decision)s（%(day)s の意思表示）")
            % {"decision": consent.get_decision_display(), "day": consent.decided_on.strftime("%Y/%m/%d")},
            detail,
            by=_name(consent.recorded_by),
        )


@timeline_source
def _team(case: Case) -> Iterable[TimelineEntry]:
    for member in case.team.select_related("organisation", "added_by", "ended_by"):
        if member.basis != "intake":
            yield TimelineEntry(
                member.added_at,
                "team",
                _("支援チームに参加（%(basis)s）") % {"basis": member.get_basis_display()},
                member.decision_reference,
                member.organisation.name,
                _name(member.added_by),
            )
        if member.ended_at:
            yield TimelineEntry(
                member.ended_at,
                "team",
                _("支援チームから外れる"),
                member.end_reason,
                member.organisation.name,
                _name(member.ended_by),
            )


@timeline_source
def _referrals(case: Case) -> Iterable[TimelineEntry]:
    events = ReferralEvent.objects.filter(referral__case=case).select_related(
        "referral__to_organisation", "organisation", "by"
    )
    for event in events:
        referral = event.referral
        if not event.from_status:
            title = _("%(org)sへ紹介") % {"org": referral.to_organisation.name}
        else:
            title = _("紹介（%(org)s）: %(status)s") % {
                "org": referral.to_organisation.name,
                "status": event.get_to_status_display(),
            }
        yield TimelineEntry(
            event.at,
            "referral",
            title,
            event.reason,
            event.organisation.name,
            _name(event.by),
            reverse("cases:referral", kwargs={"referral_id": referral.pk}),
        )


@timeline_source
def _notices(case: Case) -> Iterable[TimelineEntry]:
    for notice in RaiserNotice.objects.filter(case=case):
        yield TimelineEntry(
            notice.created_at, "notice", _("気づいた方へのお知らせ: %(kind)s") % {"kind": notice.get_kind_display()}
        )


@timeline_source
def _outreach(case: Case) -> Iterable[TimelineEntry]:
    events = OutreachEvent.objects.filter(item__case=case).select_related("item__owner_organisation", "by")
    for event in events:
        yield TimelineEntry(
            event.at,
            "outreach",
            _("アウトリーチ: %(kind)s") % {"kind": event.get_kind_display()},
            event.note,
            event.item.owner_organisation.name,
            _name(event.by),
            reverse("cases:outreach_item", kwargs={"item_id": event.item_id}),
        )


@timeline_source
def _stages(case: Case) -> Iterable[TimelineEntry]:
    for change in StageChange.objects.filter(case=case).select_related("by"):
        yield TimelineEntry(
            change.at,
            "stage",
            _("段階: %(from)s → %(to)s")
            % {"from": Stage(change.from_stage).label, "to": Stage(change.to_stage).label},
            change.note,
            by=_name(change.by),
            url=reverse("cases:plan", kwargs={"case_id": case.pk}),
        )


@timeline_source
def _plans(case: Case) -> Iterable[TimelineEntry]:
    for plan in SupportPlan.objects.filter(case=case, approved_at__isnull=False).select_related(
        "organisation", "approved_by"
    ):
        yield TimelineEntry(
            plan.approved_at,
            "plan",
            _("支援計画（第%(version)s版）の承認") % {"version": plan.version},
            organisation=plan.organisation.name,
            by=_name(plan.approved_by),
            url=reverse("cases:plan", kwargs={"case_id": case.pk}),
        )


@timeline_source
def _conferences(case: Case) -> Iterable[TimelineEntry]:
    # The conference's date and name only: its minutes are for its participants (the conference page decides).
    items = ConferenceAgendaItem.objects.filter(case=case).select_related("conference__organiser")
    for item in items:
        conference = item.conference
        yield TimelineEntry(
            conference.starts_at,
            "conference",
            _("%(kind)s「%(title)s」で検討") % {"kind": conference.get_kind_display(), "title": conference.title},
            item.topic,
            conference.organiser.name,
            url=reverse("cases:conference", kwargs={"conference_id": conference.pk}),
        )


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Every entry of every registered source, oldest first (a stable sort keeps each source's own order)."""
    entries = [entry for source in TIMELINE_SOURCES for entry in source(case)]
    return sorted(entries, key=lambda e: e.at)
