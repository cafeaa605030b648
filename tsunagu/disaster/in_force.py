"""The events of a ward that are not over: read by every request of a supporter (the disaster-time grant, the
report's event), so kept in the shared cache like the viewer's memberships (TSUNAGU_ACCESS_CACHE_SECONDS) under a
generation that every save of an event or of its districts moves on. What is kept does not depend on the time:
whether an event is in force is decided at each use (DisasterEvent.is_active_at), so a planned end passing closes
the access at that moment although nothing was written."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from tsunagu.core.generations import Generation

from .models import DisasterEvent

EVENTS = Generation("disaster-events")


def events_not_ended(ward_ids: frozenset[int]) -> list[DisasterEvent]:
    """The events of these wards not ended by hand (with their districts), in id order: those in force, those
    declared for later, and those whose planned end has passed (the caller tests the time)."""

    def read() -> list[DisasterEvent]:
        return list(
            DisasterEvent.objects.filter(municipality_id__in=ward_ids, ended_at__isnull=True)
            .prefetch_related("districts")
            .order_by("pk")
        )

    if not ward_ids:
        return []
    return EVENTS.keep(("events", tuple(sorted(ward_ids))), read, seconds=settings.TSUNAGU_ACCESS_CACHE_SECONDS)


def _changed(sender, using: str | None = None, **kwargs: object) -> None:  # noqa: ANN001
    if str(kwargs.get("action", "post")).startswith("post"):
        EVENTS.advance(using)


def connect() -> None:
    post_save.connect(_changed, sender=DisasterEvent, dispatch_uid="disaster-events-save")
    post_delete.connect(_changed, sender=DisasterEvent, dispatch_uid="disaster-events-delete")
    m2m_changed.connect(_changed, sender=DisasterEvent.districts.through, dispatch_uid="disaster-events-districts")
