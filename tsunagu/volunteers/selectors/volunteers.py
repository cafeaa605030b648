"""The registry of volunteers, for the centre's staff of the ward."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.access.policy import Capability, require_capability, today, viewer_for
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk
from tsunagu.core.japanese import kana_search_key

from ..models import Volunteer, VolunteerStatus

# How far ahead the insurance list looks: ボランティア活動保険 runs to 31 March, renewals are taken a month before.
INSURANCE_NOTICE_DAYS = 30


def _ward_volunteers(user) -> QuerySet[Volunteer]:  # noqa: ANN001
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    return Volunteer.objects.filter(municipality_id__in=viewer_for(user).municipality_ids)


def volunteer_list(
    user,  # noqa: ANN001
    *,
    status: str = "",
    query: str = "",
    request: HttpRequest | None = None,
) -> QuerySet[Volunteer]:
    """The ward's volunteers, optionally by status and by name (kana-insensitive: カタカナ, ひらがな, 半角)."""
    qs = _ward_volunteers(user).prefetch_related("districts")
    if status:
        qs = qs.filter(status=status)
    if query:
        key = kana_search_key(query)
        qs = (
            qs.filter(Q(name__icontains=query) | Q(name_key__contains=key)) if key else qs.filter(name__icontains=query)
        )
    audit_record(
        actor=user,
        action=AuditAction.SEARCH if query else AuditAction.LIST,
        target_type=AuditTarget.VOLUNTEER,
        query=query,
        detail={"status": status} if status else {},
        request=request,
    )
    return qs


def volunteer_or_404(user, pk: object, *, request: HttpRequest | None = None) -> Volunteer:  # noqa: ANN001
    """One volunteer of the ward, logged as a view; another ward's or an unknown id is a 404, logged as denied."""
    try:
        volunteer = _ward_volunteers(user).prefetch_related("districts").get(pk=as_pk(pk))
    except Volunteer.DoesNotExist:
        audit_denied(actor=user, request=request, target_type=AuditTarget.VOLUNTEER, target_id=pk)
        raise Http404 from None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type=AuditTarget.VOLUNTEER,
        target_ids=[volunteer.pk],
        request=request,
    )
    return volunteer


def insurance_lapsing(
    user,  # noqa: ANN001
    *,
    within_days: int = INSURANCE_NOTICE_DAYS,
    request: HttpRequest | None = None,
) -> QuerySet[Volunteer]:
    """Registered volunteers whose ボランティア活動保険 has lapsed or lapses within `within_days`, or who have none."""
    day = today()
    limit = day + datetime.timedelta(days=within_days)
    qs = (
        _ward_volunteers(user)
        .filter(status=VolunteerStatus.APPROVED, insurance_expires_on__lte=limit)
        .order_by("insurance_expires_on", "pk")
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.VOLUNTEER,
        detail={"insurance_within_days": within_days},
        request=request,
    )
    return qs
