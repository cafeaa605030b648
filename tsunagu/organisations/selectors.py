"""Reads of organisations and memberships that the floors above share: whose memberships are in force, and
whether a user belongs to a professional (staff) organisation."""

import datetime

from django.apps import apps
from django.db.models import Exists, OuterRef, Prefetch, Q

from .models import STAFF_KINDS, Agreement, Membership


def active_memberships(user, day: datetime.date, *, with_agreements: bool = False) -> list[Membership]:  # noqa: ANN001
    """The user's memberships in force on `day` in active organisations, with their districts (and, if asked,
    each organisation's agreements, newest first). Empty for anonymous or deactivated users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    prefetches: list = ["districts", "organisation__service_districts"]
    if with_agreements:
        agreements = Agreement.objects.prefetch_related("districts").order_by("-valid_from", "-id")
        prefetches.append(Prefetch("organisation__agreements", queryset=agreements))
    # Whether the organisation's ward holds every town of the instance (a single-ward instance), read in the
    # same query: the policy then needs no town filter for the ward's own staff. (areas.Town by name: the
    # organisations and areas apps stand side by side and do not import each other.)
    towns_elsewhere = apps.get_model("areas", "Town").objects.exclude(
        municipality_id=OuterRef("organisation__municipality_id")
    )
    memberships = (
        Membership.objects.filter(user=user, organisation__is_active=True)
        .annotate(ward_holds_every_town=~Exists(towns_elsewhere))
        .select_related("organisation__municipality")
        .prefetch_related(*prefetches)
        .order_by("organisation__kind", "organisation__name", "role")
    )
    return [m for m in memberships if m.is_active_on(day)]


def has_staff_membership(user, day: datetime.date) -> bool:  # noqa: ANN001
    """Whether the user works for a professional organisation (ward, 社協, care plaza) on `day`. One small query:
    every API call asks it (a staff token needs the second factor), before anything else is read."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    in_force = Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    return Membership.objects.filter(
        in_force, user=user, organisation__is_active=True, organisation__kind__in=STAFF_KINDS
    ).exists()
