"""Who manages events and articles, and so sees the sign-ups of residents (names and contacts) to an event.

- The ward's own sections (MANAGE_EVENTS): every event and article of their ward.
- Staff and representatives (職員, 代表者) of an organisation: the events and articles it organises. A 会員 of a
  町会 or a 民生委員 of a 民児協 is not the organisation's office and does not see who signed up.
- Anyone else: nobody's sign-ups. An event with only a free-text organiser is managed by the ward."""

from __future__ import annotations

from tsunagu.organisations.models import MembershipRole

from .capabilities import CAPABILITIES, Capability
from .viewer import viewer_for

ORGANISER_ROLES = frozenset({MembershipRole.STAFF, MembershipRole.MANAGER})


def organising_organisation_ids(user) -> frozenset[int]:  # noqa: ANN001 - a User or a Viewer
    """The organisations whose events the user manages as their staff or representative."""
    return frozenset(m.organisation_id for m in viewer_for(user).memberships if m.role in ORGANISER_ROLES)


def ward_publisher_municipality_ids(user) -> frozenset[int]:  # noqa: ANN001
    """The wards whose every event and article the user manages (through MANAGE_EVENTS)."""
    viewer = viewer_for(user)
    holders = CAPABILITIES[Capability.MANAGE_EVENTS].holders
    return frozenset(m.organisation.municipality_id for m in viewer.memberships if m.organisation.kind in holders)


def manages_publication(user, *, municipality_id: int, organisation_id: int | None) -> bool:  # noqa: ANN001
    """Whether the user may edit this event or article and see its sign-ups."""
    if municipality_id in ward_publisher_municipality_ids(user):
        return True
    return organisation_id is not None and organisation_id in organising_organisation_ids(user)


def publishes_anything(user) -> bool:  # noqa: ANN001
    """Whether the staff pages of events are for this user at all (the menu link)."""
    return bool(ward_publisher_municipality_ids(user) or organising_organisation_ids(user))
