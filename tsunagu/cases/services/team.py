"""The case team (支援チーム): adding an agency needs the client's consent covering it or a 支援会議 decision
(社会福祉法106条の6), and the member's duty of confidentiality acknowledged; leaving ends the row (kept)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.organisations.models import CASE_AGENCY_KINDS, Organisation

from ..models import Case, Conference, ConsentToShare, Referral, TeamBasis, TeamMember
from ..scope import team_organisation_ids
from .errors import CaseError
from .intake import consent_covering

NOT_AN_AGENCY_MESSAGE = _("支援チームに加えられるのは、相談支援に関わる機関だけです。")
ALREADY_ON_TEAM_MESSAGE = _("この機関はすでに支援チームに入っています。")
NO_CONSENT_MESSAGE = _("本人の同意がこの機関を含んでいません。同意を記録するか、支援会議の決定によって加えてください。")
NO_DECISION_MESSAGE = _("支援会議の決定（開催日と決定の要旨）を入力してください。")
CONFIDENTIALITY_MESSAGE = _("加わる機関の守秘義務の確認が必要です。")
BAD_BASIS_MESSAGE = _("支援チームに加える根拠を選んでください（本人の同意または支援会議の決定）。")
LAST_MEMBER_MESSAGE = _("支援チームの最後の機関は外せません。")
NOT_ON_TEAM_MESSAGE = _("この機関は支援チームに入っていません。")
END_REASON_MESSAGE = _("支援チームから外れる理由を入力してください。")


def conference_reference(conference: Conference) -> str:
    """How a team row names the conference whose decision added the agency: its date, kind and title."""
    day = timezone.localtime(conference.starts_at)
    text = f"{day.year}年{day.month}月{day.day}日 {conference.get_kind_display()}「{conference.title}」"
    return text[:200]


def on_team(case: Case, organisation_id: int) -> bool:
    return case.team.filter(ended_at__isnull=True, organisation_id=organisation_id).exists()


def team_add(
    user,  # noqa: ANN001
    case: Case,
    organisation: Organisation,
    *,
    basis: str,
    confidentiality_acknowledged: bool,
    decision_reference: str = "",
    referral: Referral | None = None,
    consent: ConsentToShare | None = None,
    conference: Conference | None = None,
    request: HttpRequest | None = None,
) -> TeamMember:
    """Add an agency to the team. The caller reached the case through case_or_404 (or, for an accepted referral,
    is the receiving agency). basis CONSENT: the consent in force must cover the agency; CONFERENCE: the
    decision's reference (or the conference recorded in tsunagu, whose decision it is); OVERRIDE: only from a
    referral sent under the ward's override."""
    errors: list[str] = []
    if organisation.kind not in CASE_AGENCY_KINDS or not organisation.is_active:
        errors.append(NOT_AN_AGENCY_MESSAGE)
    if basis == TeamBasis.CONSENT:
        consent = consent or consent_covering(case, organisation)
        if consent is None:
            errors.append(NO_CONSENT_MESSAGE)
    elif basis == TeamBasis.CONFERENCE:
        decision_reference = decision_reference.strip()
        if not decision_reference and conference is not None:
            decision_reference = conference_reference(conference)
        if not decision_reference:
            errors.append(NO_DECISION_MESSAGE)
    elif not (basis == TeamBasis.OVERRIDE and referral is not None and referral.consent_overridden_by_id):
        errors.append(BAD_BASIS_MESSAGE)
    if not confidentiality_acknowledged:
        errors.append(CONFIDENTIALITY_MESSAGE)
    if on_team(case, organisation.pk):
        errors.append(ALREADY_ON_TEAM_MESSAGE)
    if errors:
        raise CaseError(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(
                case=case,
                organisation=organisation,
                basis=basis,
                consent=consent if basis == TeamBasis.CONSENT else None,
                referral=referral,
                decision_reference=decision_reference if basis == TeamBasis.CONFERENCE else "",
                conference=conference,
                confidentiality_acknowledged_at=now,
                confidentiality_acknowledged_by=user,
                added_at=now,
                added_by=user,
            )
            audit_record(
                actor=user,
                action=AuditAction.CREATE,
                target_type=AuditTarget.CASE_TEAM,
                target_ids=case.person_ids(),
                detail={
                    "case": case.pk,
                    "organisation": organisation.pk,
                    "basis": basis,
                    **({"conference": conference.pk} if conference is not None else {}),
                },
                request=request,
            )
    except IntegrityError:
        raise CaseError([ALREADY_ON_TEAM_MESSAGE]) from None
    return member


def team_end(
    user,  # noqa: ANN001
    case: Case,
    organisation_id: int,
    *,
    reason: str,
    request: HttpRequest | None = None,
) -> TeamMember:
    """An agency leaves the team (it no longer sees the case). The last agency cannot leave: a case is never
    left without anyone who sees it."""
    reason = reason.strip()
    if not reason:
        raise CaseError([END_REASON_MESSAGE])
    with transaction.atomic():
        members = list(case.team.select_for_update().filter(ended_at__isnull=True))
        member = next((m for m in members if m.organisation_id == organisation_id), None)
        if member is None:
            raise CaseError([NOT_ON_TEAM_MESSAGE])
        if len(members) == 1:
            raise CaseError([LAST_MEMBER_MESSAGE])
        member.ended_at, member.ended_by, member.end_reason = timezone.now(), user, reason
        member.save(update_fields=["ended_at", "ended_by", "end_reason"])
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            target_type=AuditTarget.CASE_TEAM,
            target_ids=case.person_ids(),
            detail={"case": case.pk, "organisation": organisation_id, "ended": True},
            request=request,
        )
    return member


def team_agency_of(user, case: Case) -> int | None:  # noqa: ANN001
    """The user's agency on the case's team (the sender of a referral from it), or None."""
    ids = team_organisation_ids(policy.viewer_for(user))
    members = case.team.filter(ended_at__isnull=True, organisation_id__in=ids)
    return members.order_by("added_at").values_list("organisation_id", flat=True).first()
