"""Reads of supporter proposals: who still needs a supporter, which candidates have room, and the open
proposals a professional may decide on (audited)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.evacuation.models import PlanSupporter, ProposalStatus, SupporterCandidate, SupporterProposal
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild, listed_in_build


def can_manage_proposals(user) -> bool:  # noqa: ANN001
    """Whether the user works with supporter proposals (the matching pages and the menu ask this)."""
    return policy.can(user, Capability.MATCH_SUPPORTERS)


def persons_needing_supporter(*, user) -> QuerySet[Person]:  # noqa: ANN001
    """Listed persons (latest roster build) this user may see, with coordinates, without a supporter in their
    plan and without an open or confirmed proposal. Not audited: callers audit what they reveal."""
    latest = RosterBuild.current_ids()  # each ward's current build; the policy keeps the user to theirs
    has_supporter = PlanSupporter.objects.filter(plan__person=OuterRef("pk"))
    has_proposal = SupporterProposal.objects.filter(
        person=OuterRef("pk"), status__in=[ProposalStatus.PROPOSED, ProposalStatus.CONFIRMED]
    )
    return (
        policy.visible_persons(user)
        .filter(listed_in_build(latest))
        .filter(latitude__isnull=False, longitude__isnull=False)
        .exclude(Exists(has_supporter))
        .exclude(Exists(has_proposal))
        .order_by("pk")
    )


def candidates_with_room() -> list[tuple[SupporterCandidate, int]]:
    """Active candidates and how many more persons each can take: capacity minus the persons already named in
    plans through them and minus their open proposals."""
    candidates = (
        SupporterCandidate.objects.filter(is_active=True)
        .annotate(
            _assigned=Count("assignments", distinct=True),
            _pending=Count("proposals", filter=Q(proposals__status=ProposalStatus.PROPOSED), distinct=True),
        )
        .order_by("pk")
    )
    result = []
    for c in candidates:
        room = c.capacity - c._assigned - c._pending
        if room > 0:
            result.append((c, room))
    return result


def supporter_proposal_list(*, user, request: HttpRequest | None = None) -> list[SupporterProposal]:  # noqa: ANN001
    """Open proposals for the persons this user may see, nearest first per person. Audited as a LIST."""
    policy.require_capability(user, Capability.MATCH_SUPPORTERS)
    proposals = list(
        policy.rows_of_visible_persons(SupporterProposal.objects.filter(status=ProposalStatus.PROPOSED), user)
        .select_related("person", "person__town", "candidate")
        .order_by("person__kana_key", "person_id", "distance_m")
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.SUPPORTER_PROPOSAL,
        target_ids=[p.person_id for p in proposals],
        detail={"proposals": len(proposals)},
        request=request,
    )
    return proposals
