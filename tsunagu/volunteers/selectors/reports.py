"""Hours and activities: per volunteer (the centre's own records) and per district (area figures, small counts
suppressed as every area figure of tsunagu)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest

from tsunagu.access.policy import Capability, require_capability, viewer_for
from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.suppression import suppress_series

from ..models import Match, MatchStatus, Volunteer


def _completed(user, start: datetime.date, end: datetime.date) -> QuerySet[Match]:  # noqa: ANN001
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    return Match.objects.filter(
        status=MatchStatus.COMPLETED,
        activity_on__gte=start,
        activity_on__lt=end,
        need__municipality_id__in=viewer_for(user).municipality_ids,
    )


def volunteer_report(
    user,  # noqa: ANN001
    *,
    start: datetime.date,
    end: datetime.date,
    request: HttpRequest | None = None,
) -> QuerySet[Volunteer]:
    """Volunteers with their activities and hours in [start, end), most hours first."""
    done = _completed(user, start, end)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.VOLUNTEER,
        detail={"report": "hours", "from": start.isoformat(), "to": end.isoformat()},
        request=request,
    )
    return (
        Volunteer.objects.filter(pk__in=done.values("volunteer_id"))
        .annotate(
            activities=Count("matches", filter=_period_filter(start, end)),
            hours=Sum("matches__hours", filter=_period_filter(start, end)),
        )
        .order_by("-hours", "name_key", "pk")
    )


def _period_filter(start: datetime.date, end: datetime.date):  # noqa: ANN202
    from django.db.models import Q

    return Q(matches__status=MatchStatus.COMPLETED, matches__activity_on__gte=start, matches__activity_on__lt=end)


@dataclass(frozen=True)
class DistrictRow:
    district: District
    activities: int | None  # None: suppressed (fewer than 5, or would give one away)
    hours: Decimal | None


def district_report(
    user,  # noqa: ANN001
    *,
    start: datetime.date,
    end: datetime.date,
) -> tuple[list[DistrictRow], int | None, Decimal | None]:
    """Activities and hours by the need's district. An activity count under 5 is hidden (with enough others that
    it cannot be worked out from the total), and the hours of a hidden count with it: a district with two
    activities is one or two households' help, known by their neighbours."""
    rows = list(
        _completed(user, start, end)
        .values("need__district")
        .annotate(n=Count("pk"), h=Sum("hours"))
        .order_by("need__district")
    )
    if not rows:
        return [], 0, Decimal(0)
    districts = District.objects.in_bulk([r["need__district"] for r in rows])
    counts, total = suppress_series([r["n"] for r in rows])
    out = [
        DistrictRow(districts[r["need__district"]], shown, r["h"] if shown is not None else None)
        for r, shown in zip(rows, counts, strict=True)
    ]
    hours_total = sum((r["h"] for r in rows), Decimal(0)) if total is not None else None
    return out, total, hours_total
