"""Matching: the coordinator proposes, the volunteer accepts or declines, then records the activity's hours."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access.policy import Capability, require_capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record

from ..models import ACCEPTED_STATUSES, Match, MatchStatus, Need, NeedStatus, Volunteer, VolunteerStatus

NOT_APPROVED = _("確認が済んでいないボランティアには依頼できません。")
NEED_NOT_OPEN = _("このニーズは募集を終えています。")
ALREADY_PROPOSED = _("このボランティアには、すでにこのニーズを依頼しています。")
NOT_YOURS = _("この依頼は、あなたあての依頼ではありません。")
NOT_WAITING = _("この依頼には、すでに返事をしています。")
NOT_ACCEPTED = _("引き受けた依頼だけ、活動を記録できます。")
BAD_HOURS = _("活動時間は0.5時間から24時間までで入れてください。")


class MatchRefused(Exception):  # noqa: N818 - the product's word for it
    pass


def _record(actor, match: Match, request: HttpRequest | None, action: str, **detail) -> None:  # noqa: ANN001, ANN003
    audit_record(
        actor=actor,
        action=action,
        target_type=AuditTarget.VOLUNTEER_MATCH,
        target_ids=[match.pk],
        detail={"need": match.need_id, "volunteer": match.volunteer_id, **detail},
        request=request,
    )


def match_propose(
    *,
    actor,  # noqa: ANN001
    need: Need,
    volunteer: Volunteer,
    score: int = 0,
    reasons: list[str] | None = None,
    request: HttpRequest | None = None,
) -> Match:
    require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    if volunteer.status != VolunteerStatus.APPROVED:
        raise MatchRefused(NOT_APPROVED)
    if need.status != NeedStatus.OPEN:
        raise MatchRefused(NEED_NOT_OPEN)
    with transaction.atomic():
        match, created = Match.objects.get_or_create(
            need=need,
            volunteer=volunteer,
            defaults={"score": score, "reasons": reasons or [], "proposed_by": actor},
        )
        if not created:
            if match.status not in (MatchStatus.DECLINED, MatchStatus.CANCELLED):
                raise MatchRefused(ALREADY_PROPOSED)
            # Asked again after a "no": a new proposal on the same row (one row per need and volunteer).
            match.status = MatchStatus.PROPOSED
            match.score, match.reasons, match.proposed_by = score, reasons or [], actor
            match.responded_at = None
            match.save(update_fields=["status", "score", "reasons", "proposed_by", "responded_at"])
        _record(actor, match, request, AuditAction.CREATE)
    return match


def match_respond(*, actor, match: Match, accept: bool, request: HttpRequest | None = None) -> Match:  # noqa: ANN001
    """The volunteer's yes or no. A yes opens the requester's details to them (tsunagu.volunteers.scope)."""
    if match.volunteer.user_id != getattr(actor, "pk", None):
        raise MatchRefused(NOT_YOURS)
    if match.status != MatchStatus.PROPOSED:
        raise MatchRefused(NOT_WAITING)
    with transaction.atomic():
        match.status = MatchStatus.ACCEPTED if accept else MatchStatus.DECLINED
        match.responded_at = timezone.now()
        match.save(update_fields=["status", "responded_at"])
        _record(actor, match, request, AuditAction.UPDATE, status=match.status)
        need = match.need
        accepted = need.matches.filter(status__in=ACCEPTED_STATUSES).count()
        if accept and need.status == NeedStatus.OPEN and accepted >= need.volunteers_needed:
            need.status = NeedStatus.FILLED
            need.save(update_fields=["status"])
    return match


def match_complete(
    *,
    actor,  # noqa: ANN001
    match: Match,
    hours: Decimal,
    activity_on: datetime.date,
    report: str = "",
    request: HttpRequest | None = None,
) -> Match:
    """The activity is done, with its hours: by the volunteer themselves or by the centre for them."""
    own = match.volunteer.user_id is not None and match.volunteer.user_id == getattr(actor, "pk", None)
    if not own:
        require_capability(actor, Capability.MANAGE_VOLUNTEERS)
    if match.status not in ACCEPTED_STATUSES:
        raise MatchRefused(NOT_ACCEPTED)
    if not (Decimal("0.5") <= hours <= Decimal("24")):
        raise MatchRefused(BAD_HOURS)
    with transaction.atomic():
        match.status = MatchStatus.COMPLETED
        match.hours = hours
        match.activity_on = activity_on
        match.report = report.strip()[:500]
        match.completed_at = timezone.now()
        match.save(update_fields=["status", "hours", "activity_on", "report", "completed_at"])
        _record(actor, match, request, AuditAction.UPDATE, status=match.status, hours=str(hours))
    return match
