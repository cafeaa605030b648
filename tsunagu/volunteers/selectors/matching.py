"""Ranking volunteers for a need, and needs for a volunteer, with the reasons shown to the coordinator.

The score adds what the centre's coordinators weigh (seed 001 柱3): what the volunteer wants to do (their
interests and free words), what they can do (skills the need asks for), where (the need's district among theirs)
and when (a one-off date or a weekly slot that holds the need's start). Every point comes with its reason, so
the ranking can be questioned."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access.policy import Capability, require_capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record

from ..models import Match, MatchStatus, Need, NeedKind, NeedStatus, Skill, Volunteer, VolunteerStatus, slot_of

INTEREST_POINTS = 40
WORDS_POINTS = 10
SKILL_POINTS = 15
DISTRICT_POINTS = 25
ANYWHERE_POINTS = 10
TIME_POINTS = 20
# A need a volunteer's page highlights: one that fits what they want to do or where and when they can.
FITTING_SCORE = INTEREST_POINTS
CANDIDATE_LIMIT = 30


@dataclass
class Candidate:
    volunteer: Volunteer
    score: int
    reasons: list[str] = field(default_factory=list)


def score_fit(volunteer: Volunteer, need: Need, district_ids: set[int] | None = None) -> tuple[int, list[str]]:
    """How well the volunteer fits the need, and why. `district_ids`: the volunteer's districts when already read."""
    score, reasons = 0, []
    kind_label = str(NeedKind(need.kind).label)
    if need.kind in volunteer.interests:
        score += INTEREST_POINTS
        reasons.append(_("やりたいこと: %(kind)s") % {"kind": kind_label})
    elif kind_label and kind_label in volunteer.wishes:
        score += WORDS_POINTS
        reasons.append(_("やりたいことの言葉に「%(kind)s」") % {"kind": kind_label})
    shared = [s for s in need.skills if s in volunteer.skills]
    if shared:
        score += SKILL_POINTS * min(len(shared), 2)
        labels = "・".join(str(Skill(s).label) for s in shared if s in Skill.values)
        reasons.append(_("できること: %(skills)s") % {"skills": labels})
    if district_ids is None:
        district_ids = {d.pk for d in volunteer.districts.all()}
    if need.district_id in district_ids:
        score += DISTRICT_POINTS
        reasons.append(_("活動できる地区: %(district)s") % {"district": need.district.name})
    elif not district_ids:
        score += ANYWHERE_POINTS
        reasons.append(_("区内どこでも活動できる"))
    start = timezone.localtime(need.starts_at)
    if start.date().isoformat() in volunteer.one_off_dates:
        score += TIME_POINTS
        reasons.append(_("活動できる日: %(date)s") % {"date": f"{start.month}月{start.day}日"})
    elif slot_of(start) in volunteer.weekly_slots:
        score += TIME_POINTS
        reasons.append(_("活動できる曜日・時間帯に合う"))
    return score, reasons


def candidates_for(
    user,  # noqa: ANN001
    need: Need,
    *,
    limit: int = CANDIDATE_LIMIT,
    request: HttpRequest | None = None,
) -> list[Candidate]:
    """Registered volunteers of the need's ward not yet asked (or who said no before), best first."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    asked = Match.objects.filter(need=need).exclude(status__in=[MatchStatus.DECLINED, MatchStatus.CANCELLED])
    volunteers = (
        Volunteer.objects.filter(municipality_id=need.municipality_id, status=VolunteerStatus.APPROVED)
        .exclude(pk__in=asked.values("volunteer_id"))
        .prefetch_related("districts")
    )
    found = []
    for volunteer in volunteers:
        score, reasons = score_fit(volunteer, need, {d.pk for d in volunteer.districts.all()})
        if score:
            found.append(Candidate(volunteer, score, reasons))
    found.sort(key=lambda c: (-c.score, c.volunteer.name_key, c.volunteer.pk))
    shown = found[:limit]
    # The candidates' names are the volunteers' personal data: the list shown is logged.
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.VOLUNTEER,
        target_ids=[c.volunteer.pk for c in shown],
        detail={"candidates_for_need": need.pk},
        request=request,
    )
    return shown


def fitting_needs(volunteer: Volunteer) -> list[tuple[Need, int, list[str]]]:
    """Open needs of the volunteer's ward still to come, the best fitting first (public fields only)."""
    needs: QuerySet[Need] = Need.objects.filter(
        municipality_id=volunteer.municipality_id, status=NeedStatus.OPEN, starts_at__gte=timezone.now()
    ).select_related("district")[:200]
    district_ids = {d.pk for d in volunteer.districts.all()}
    scored = [(need, *score_fit(volunteer, need, district_ids)) for need in needs]
    scored.sort(key=lambda t: (-t[1], t[0].starts_at))
    return scored
