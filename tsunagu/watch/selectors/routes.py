"""The routing table of the user's ward, as the routes page lists it."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import EscalationRoute
from ..services.routing import route_ward_id


def ward_routes(user) -> QuerySet[EscalationRoute]:  # noqa: ANN001
    """The rows of the ward this user edits, by district layer and code (ward-wide rows first), then concern."""
    return (
        EscalationRoute.objects.filter(municipality_id=route_ward_id(user))
        .select_related("district__district_type", "organisation")
        .order_by("district__district_type", "district__code", "concern")
    )


def ward_route(user, district_id: int | None, concern: str) -> EscalationRoute | None:  # noqa: ANN001
    """The row a new entry for this district and concern replaces, if the ward has one."""
    return ward_routes(user).filter(district_id=district_id, concern=concern).first()
