"""Needs and matches as the centre's staff and the volunteers read them.

The requester's details go through `need_requester`, which asks the access policy (tsunagu.volunteers.scope) and
writes the audit row when it shows them; pages never read the requester fields of a Need by themselves."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest

from tsunagu.access.policy import Capability, require_capability, viewer_for
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record
from tsunagu.core.ids import as_pk
from tsunagu.people.models import Person

from ..models import ACCEPTED_STATUSES, Match, Need
from ..scope import requester_visible_needs_q, volunteer_of


@dataclass(frozen=True)
class RequesterView:
    """What a permitted reader sees of a need's requester."""

    kind: str
    name: str
    phone: str
    address: str
    person: Person | None


def need_list(user, *, status: str = "", kind: str = "") -> QuerySet[Need]:  # noqa: ANN001
    """The ward's needs for the centre (public fields and counts; the requester is read per need)."""
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    qs = Need.objects.filter(municipality_id__in=viewer_for(user).municipality_ids).select_related("district", "town")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(accepted=Count("matches", filter=Q(matches__status__in=ACCEPTED_STATUSES)))


def need_or_404(user, pk: object, *, request: HttpRequest | None = None) -> Need:  # noqa: ANN001
    require_capability(user, Capability.MANAGE_VOLUNTEERS)
    try:
        return need_list(user).get(pk=as_pk(pk))
    except Need.DoesNotExist:
        audit_denied(actor=user, request=request, target_type=AuditTarget.VOLUNTEER_NEED, target_id=pk)
        raise Http404 from None


def need_requester(user, need: Need, *, request: HttpRequest | None = None) -> RequesterView | None:  # noqa: ANN001
    """The requester of this need if the policy opens it to the user (logged as a view), else None."""
    viewer = viewer_for(user)
    if not Need.objects.filter(requester_visible_needs_q(viewer), pk=need.pk).exists():
        return None
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type=AuditTarget.VOLUNTEER_NEED,
        target_ids=[need.pk],
        detail={"requester": True, **({"person": need.person_id} if need.person_id else {})},
        request=request,
    )
    return RequesterView(
        kind=need.get_requester_kind_display(),
        name=need.requester_name,
        phone=need.requester_phone,
        address=need.requester_address,
        person=need.person,
    )


def volunteer_matches(user) -> QuerySet[Match]:  # noqa: ANN001
    """The signed-in volunteer's own matches (none for anyone else)."""
    volunteer = volunteer_of(viewer_for(user))
    if volunteer is None:
        return Match.objects.none()
    return Match.objects.filter(volunteer=volunteer).select_related("need", "need__district", "volunteer")


def volunteer_match_or_404(user, pk: object, *, request: HttpRequest | None = None) -> Match:  # noqa: ANN001
    try:
        return volunteer_matches(user).get(pk=as_pk(pk))
    except Match.DoesNotExist:
        audit_denied(actor=user, request=request, target_type=AuditTarget.VOLUNTEER_MATCH, target_id=pk)
        raise Http404 from None
