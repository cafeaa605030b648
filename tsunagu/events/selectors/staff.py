"""What the organisers' staff and the ward's sections manage, and the sign-ups they may see (personal data:
each reading of a list with names and contacts is audit-logged)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from tsunagu.access import policy
from tsunagu.access.policy import Capability, CapabilityDenied
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_denied, audit_record

from ..models import Article, Event, Publication, Signup


def _managed_q(user) -> Q:  # noqa: ANN001
    return Q(municipality_id__in=policy.ward_publisher_municipality_ids(user)) | Q(
        organisation_id__in=policy.organising_organisation_ids(user)
    )


def managed_events(user) -> QuerySet[Event]:  # noqa: ANN001
    return Event.objects.filter(_managed_q(user)).select_related("district", "organisation").order_by("-starts_at")


def managed_articles(user) -> QuerySet[Article]:  # noqa: ANN001
    return Article.objects.filter(_managed_q(user)).select_related("district", "organisation").order_by("-pk")


def managed_item_or_deny(user, model: type[Publication], pk: int, *, request: HttpRequest | None = None) -> Publication:  # noqa: ANN001
    """The event or article if the user manages it; else the one 403 page (logged as denied)."""
    item = model.objects.filter(_managed_q(user), pk=pk).select_related("organisation").first()
    if item is None:
        audit_denied(actor=user, request=request, target_type=AuditTarget.EVENT_SIGNUP, target_id=pk)
        raise CapabilityDenied(Capability.MANAGE_EVENTS)
    return item


def signups_of(user, event: Event, *, request: HttpRequest | None = None) -> list[Signup]:  # noqa: ANN001
    """Every sign-up of the event, for those who manage it; the reading is logged with the sign-ups' ids."""
    if not policy.manages_publication(
        user, municipality_id=event.municipality_id, organisation_id=event.organisation_id
    ):
        audit_denied(actor=user, request=request, target_type=AuditTarget.EVENT_SIGNUP, target_id=event.pk)
        raise CapabilityDenied(Capability.MANAGE_EVENTS)
    signups = list(Signup.objects.filter(event=event).order_by("created_at", "pk"))
    audit_record(
        actor=policy.viewer_for(user).user,
        action=AuditAction.LIST,
        target_type=AuditTarget.EVENT_SIGNUP,
        target_ids=[s.pk for s in signups],
        detail={"event": event.pk},
        request=request,
    )
    return signups
