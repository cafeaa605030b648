"""The periods of a watch frequency. A watch is a target per period (this week, this month…), never a deadline
day: the page says what is done in the current period and what the next target is, and a person is overdue only
when a whole period before this one passed without contact."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .models import WatchFrequency

# Biweekly periods are counted from a fixed Monday, so every watcher's fortnight is the same two weeks.
_BIWEEKLY_ANCHOR = datetime.date(2024, 1, 1)
_MONTHS_PER_PERIOD = {WatchFrequency.MONTHLY: 1, WatchFrequency.BIMONTHLY: 2, WatchFrequency.QUARTERLY: 3}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_start(frequency: str, day: datetime.date) -> datetime.date:
    """The first day of the period of `frequency` that holds `day`."""
    if frequency == WatchFrequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency == WatchFrequency.BIWEEKLY:
        return day - datetime.timedelta(days=(day - _BIWEEKLY_ANCHOR).days % 14)
    months = _MONTHS_PER_PERIOD[WatchFrequency(frequency)]
    # Quarters as the fiscal year has them (Apr–Jun …), two-month periods from January.
    first = 4 if months == 3 else 1
    offset = (day.month - first) % months
    return _add_months(datetime.date(day.year, day.month, 1), -offset)


def next_period_start(frequency: str, day: datetime.date) -> datetime.date:
    start = period_start(frequency, day)
    if frequency == WatchFrequency.WEEKLY:
        return start + datetime.timedelta(days=7)
    if frequency == WatchFrequency.BIWEEKLY:
        return start + datetime.timedelta(days=14)
    return _add_months(start, _MONTHS_PER_PERIOD[WatchFrequency(frequency)])


def previous_period_start(frequency: str, day: datetime.date) -> datetime.date:
    return period_start(frequency, period_start(frequency, day) - datetime.timedelta(days=1))


def period_label(frequency: str, start: datetime.date, *, today: datetime.date) -> str:
    """The period in words: 今週 / 来週, 12月, 12月〜1月, or the dates of a fortnight."""
    if frequency == WatchFrequency.WEEKLY:
        current = period_start(frequency, today)
        if start == current:
            return _("今週")
        if start == next_period_start(frequency, today):
            return _("来週")
        return _("%(month)s月%(day)s日からの週") % {"month": start.month, "day": start.day}
    end = next_period_start(frequency, start) - datetime.timedelta(days=1)
    if frequency == WatchFrequency.BIWEEKLY:
        return _("%(m1)s月%(d1)s日〜%(m2)s月%(d2)s日") % {
            "m1": start.month,
            "d1": start.day,
            "m2": end.month,
            "d2": end.day,
        }
    if start.month == end.month:
        return _("%(month)s月") % {"month": start.month}
    return _("%(m1)s月〜%(m2)s月") % {"m1": start.month, "m2": end.month}


def is_overdue(
    frequency: str, *, last_contact: datetime.date | None, started_on: datetime.date, today: datetime.date
) -> bool:
    """A whole period before this one passed without contact (and the watch had begun by then)."""
    previous = previous_period_start(frequency, today)
    if started_on > previous:
        return False
    return last_contact is None or last_contact < previous


def next_target(frequency: str, *, last_contact: datetime.date | None, today: datetime.date) -> str:
    """次回目安 as a period, not a day: 「今月中」 when this period is still to do, 「来月（1月）」 when done."""
    current = period_start(frequency, today)
    if last_contact is not None and last_contact >= current:
        label = period_label(frequency, next_period_start(frequency, today), today=today)
        return _("%(period)sごろ") % {"period": label}
    return _("%(period)s中") % {"period": period_label(frequency, current, today=today)}
