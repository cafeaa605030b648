"""The one way to reach a case: through its team (tsunagu.cases.scope). A case outside the user's teams is
answered like one that does not exist (404), and the attempt is logged; every read is logged with the persons
the case names."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk

from ..models import OPEN_REFERRAL_STATUSES, Case, Referral, ReferralAttachment
from ..scope import team_organisation_ids, visible_cases_q

NOT_FOUND = "case not found or not on its team"


def visible_cases(user) -> QuerySet[Case]:  # noqa: ANN001 - a User or a Viewer
    """Every case the user may see: those with one of the user's agencies on the team."""
    return Case.objects.filter(visible_cases_q(team_organisation_ids(policy.viewer_for(user))))


def case_or_404(
    user,  # noqa: ANN001
    case_id: object,
    *,
    request: HttpRequest | None = None,
    audit: bool = True,
    purpose: str = "",
) -> Case:
    """The case if the user is on its team; otherwise Http404 (the same as an unknown id) and a `denied` row.
    With `audit`, the read is logged with the persons the case names."""
    pk = as_pk(case_id)
    case = None
    if pk is not None:
        case = (
            visible_cases(user)
            .select_related("client__town", "opening_organisation", "worker")
            .prefetch_related("household_members")
            .filter(pk=pk)
            .first()
        )
    if case is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.CASE, target_id=case_id)
        raise Http404(NOT_FOUND)
    if audit:
        audit_record(
            actor=policy.viewer_for(user).user,
            action=AuditAction.VIEW,
            target_type=AuditTarget.CASE,
            target_ids=case.person_ids(),
            detail={"case": case.pk},
            purpose=purpose,
            request=request,
        )
    return case


def referral_or_404(
    user,  # noqa: ANN001
    referral_id: object,
    *,
    request: HttpRequest | None = None,
    audit: bool = True,
) -> Referral:
    """A referral of a case the user sees, or whose receiving agency the user works for (the receiver sees the
    referral before accepting it: that is how it decides). Otherwise 404, logged."""
    pk = as_pk(referral_id)
    referral = None
    if pk is not None:
        organisation_ids = team_organisation_ids(policy.viewer_for(user))
        referral = (
            Referral.objects.select_related("case__client", "from_organisation", "to_organisation")
            .filter(pk=pk)
            .filter(visible_cases_q(organisation_ids, prefix="case__") | received_open_q(organisation_ids))
            .first()
        )
    if referral is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.REFERRAL, target_id=referral_id)
        raise Http404(NOT_FOUND)
    if audit:
        audit_record(
            actor=policy.viewer_for(user).user,
            action=AuditAction.VIEW,
            target_type=AuditTarget.REFERRAL,
            target_ids=[referral.case.client_id] if referral.case.client_id else [],
            detail={"case": referral.case_id, "referral": referral.pk},
            request=request,
        )
    return referral


def received_open_q(organisation_ids: frozenset[int], prefix: str = "") -> Q:
    """Open referrals addressed to these agencies: the receiver reads the referral (not the whole case) to decide.
    Once answered, it sees the case only as a team member."""
    return Q(**{f"{prefix}to_organisation_id__in": organisation_ids, f"{prefix}status__in": OPEN_REFERRAL_STATUSES})


def attachment_for_download(
    user,  # noqa: ANN001
    referral_id: object,
    attachment_id: object,
    *,
    request: HttpRequest | None = None,
) -> ReferralAttachment:
    """A referral's attachment for whoever may read the referral; the download is logged as an export naming the
    case's persons. Otherwise 404 (logged by referral_or_404)."""
    referral = referral_or_404(user, referral_id, request=request, audit=False)
    pk = as_pk(attachment_id)
    attachment = ReferralAttachment.objects.filter(referral=referral, pk=pk).first() if pk else None
    if attachment is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.REFERRAL, target_id=attachment_id)
        raise Http404(NOT_FOUND)
    audit_record(
        actor=policy.viewer_for(user).user,
        action=AuditAction.EXPORT,
        target_type=AuditTarget.REFERRAL,
        target_ids=referral.case.person_ids(),
        detail={"case": referral.case_id, "referral": referral.pk, "attachment": attachment.pk},
        request=request,
    )
    return attachment
