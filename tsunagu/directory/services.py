"""Writes of the directory, by the staff who hold MANAGE_DIRECTORY (ward welfare, 社協, care plazas): saving an
entry with its opening times, and confirming it (「確認しました」), which is what `last_checked_on` records — distinct
from `updated_at`, which any edit moves."""

from __future__ import annotations

import datetime

from django.db import transaction

from tsunagu.access.policy import Capability, require_capability
from tsunagu.directory.models import Location, Service


@transaction.atomic
def service_save(*, user, service: Service, schedules_formset=None, location: Location | None = None) -> Service:  # noqa: ANN001
    """Save an entry edited on the staff pages (a ModelForm's unsaved instance and its schedules' formset), with its
    search key and who edited it. The location, when given, becomes the entry's one place."""
    require_capability(user, Capability.MANAGE_DIRECTORY)
    service.updated_by = user
    service.refresh_search_key()
    service.save()
    if schedules_formset is not None:
        schedules_formset.instance = service
        schedules_formset.save()
    if location is not None:
        service.service_at_locations.exclude(location=location).delete()
        service.service_at_locations.get_or_create(location=location)
    return service


def service_mark_checked(*, user, service: Service, day: datetime.date) -> Service:  # noqa: ANN001
    """A person confirmed the entry with its organisation today: 「確認しました」. Leaves updated_at as it is."""
    require_capability(user, Capability.MANAGE_DIRECTORY)
    Service.objects.filter(pk=service.pk).update(last_checked_on=day, last_checked_by=user)
    service.last_checked_on, service.last_checked_by = day, user
    return service


@transaction.atomic
def location_save(*, user, location: Location) -> Location:  # noqa: ANN001
    require_capability(user, Capability.MANAGE_DIRECTORY)
    location.full_clean()
    location.save()
    return location
