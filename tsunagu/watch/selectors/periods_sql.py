"""The period rules of tsunagu.watch.periods as SQL conditions, so worklists filter and count by them."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from ..models import WatchFrequency
from ..periods import period_start, previous_period_start


def start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def overdue_q(today: datetime.date, last_contact: str = "last_contact") -> Q:
    """Assignments (annotated with `last_contact`) whose whole previous period passed without contact."""
    q = Q(pk__in=[])
    for frequency in WatchFrequency.values:
        previous = previous_period_start(frequency, today)
        q |= Q(frequency=frequency, started_on__lte=previous) & (
            Q(**{f"{last_contact}__isnull": True}) | Q(**{f"{last_contact}__lt": start_of_day(previous)})
        )
    return q


def done_this_period_q(today: datetime.date, last_contact: str = "last_contact") -> Q:
    q = Q(pk__in=[])
    for frequency in WatchFrequency.values:
        q |= Q(frequency=frequency, **{f"{last_contact}__gte": start_of_day(period_start(frequency, today))})
    return q
