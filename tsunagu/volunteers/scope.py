"""The volunteer-need data scope (ボランティア依頼者情報) in the access policy.

A need's requester — the name, phone and address written on the need, and the resident it names — is seen by:

- the volunteer centre: staff holding MANAGE_VOLUNTEERS (社協, the ward's welfare section) for the needs of their
  ward;
- the same staff, for the residents named by the 利用会員 of the ward's member services (住民参加型サービス);
- a volunteer, for the needs they were matched to **and accepted** (and, after it, completed). A proposal alone,
  a declined or a cancelled match opens nothing: until the volunteer says yes they read the need's public title,
  kind, district and time only.

Nobody else: the scope is never shared by agreement, and a care plaza or 町会 that asked for help reads its need
through the centre. Every page, fragment and API call asks `requester_visible_needs_q` (through
tsunagu.volunteers.selectors), so no view filters this by itself."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace

from django.db.models import Q

from tsunagu.access.policy import (
    Capability,
    DetailLevel,
    Grant,
    ScopeRule,
    Viewer,
    can,
    register_scope,
)
from tsunagu.organisations.models import Agreement, DataScope, Membership, OrganisationKind

from .models import ACCEPTED_STATUSES, Match, Need, ServiceMember, Volunteer, VolunteerStatus

VOLUNTEER_NARROWING = "volunteer"
# Staff grants reach the persons named by needs only: the scope opens requesters, not the ward's register.
STAFF_NARROWING = "named"


def volunteer_of(viewer: Viewer) -> Volunteer | None:
    """The approved volunteer record this signed-in user answers for, or None."""
    user = viewer.user
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user_id=user.pk, status=VolunteerStatus.APPROVED).first()


def accepted_need_ids_q(volunteer_id: int) -> Q:
    """Needs this volunteer accepted (or did): the one definition of "matched and accepted"."""
    matches = Match.objects.filter(volunteer_id=volunteer_id, status__in=ACCEPTED_STATUSES)
    return Q(pk__in=matches.values("need_id"))


def requester_visible_needs_q(viewer: Viewer) -> Q:
    """The needs whose requester this viewer may read. Q(pk__in=[]) when none."""
    q = Q(pk__in=[])
    if can(viewer, Capability.MANAGE_VOLUNTEERS):
        q |= Q(municipality_id__in=viewer.municipality_ids)
    volunteer = volunteer_of(viewer)
    if volunteer is not None:
        q |= accepted_need_ids_q(volunteer.pk)
    return q


class VolunteerNeedScope(ScopeRule):
    """Persons named as requesters of needs, in the registry's person pages (the scope's own persons)."""

    scope = DataScope.VOLUNTEER_NEED

    def staff_grant(self, membership: Membership, narrowed_towns, viewer=None) -> Grant | None:  # noqa: ANN001
        # The volunteer centre's staff, by area as in every scope; care plazas ask the centre and read through it.
        if membership.organisation.kind == OrganisationKind.CARE_PLAZA:
            return None
        grant = super().staff_grant(membership, narrowed_towns, viewer)
        return replace(grant, narrowing=(STAFF_NARROWING,)) if grant is not None else None

    def agreement_grant(self, agreement: Agreement, **kwargs) -> Grant | None:  # noqa: ANN003
        return None

    def narrowing_q(self, narrowing: Hashable) -> Q:
        kind, *rest = narrowing  # type: ignore[misc]
        needs = Need.objects.filter(person__isnull=False)
        if kind == VOLUNTEER_NARROWING:
            return Q(pk__in=needs.filter(accepted_need_ids_q(rest[0])).values("person_id"))
        # The centre's staff also reach the residents its 利用会員 of member services name (the same kind of
        # record: someone the centre arranges help for); volunteers never do, they read no member records.
        members = ServiceMember.objects.filter(person__isnull=False)
        return Q(pk__in=needs.values("person_id")) | Q(pk__in=members.values("person_id"))

    def extra_grants(self, viewer: Viewer) -> list[Grant]:
        volunteer = volunteer_of(viewer)
        if volunteer is None:
            return []
        # The roster's items only (name, address, phone): enough to go and help, nothing of the ward's records.
        return [
            Grant(
                f"{volunteer.name}（引き受けたボランティア）",
                DetailLevel.COMMUNITY,
                self.scope,
                None,
                narrowing=(VOLUNTEER_NARROWING, volunteer.pk),
            )
        ]


register_scope(VolunteerNeedScope())
