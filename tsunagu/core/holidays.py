"""Japanese public holidays (国民の祝日に関する法律) and the 年末年始 closing days of public offices, for opening
days that skip them (a window 「祝日・年末年始を除く」).

Computed, not listed: the fixed days, the Happy Monday days, the equinoxes by the usual astronomical formula (valid
1980–2099), 振替休日 and the 国民の休日 between two holidays. The one-off days of a single year (the 2019 enthronement,
the moved Olympic holidays of 2020–21) are not modelled: a window shown open on such a day is a minor error, and a
ward can correct a date in the entry's note."""

from __future__ import annotations

import datetime
from functools import cache

_FIXED = ((1, 1), (2, 11), (2, 23), (4, 29), (5, 3), (5, 4), (5, 5), (8, 11), (11, 3), (11, 23))
# (month, which Monday): 成人の日, 海の日, 敬老の日, スポーツの日.
_HAPPY_MONDAYS = ((1, 2), (7, 3), (9, 3), (10, 2))


def _nth_monday(year: int, month: int, nth: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(7 - first.weekday()) % 7 + 7 * (nth - 1))


def _equinox_day(year: int, base: float) -> int:
    return int(base + 0.242194 * (year - 1980) - (year - 1980) // 4)


@cache
def japanese_holidays(year: int) -> frozenset[datetime.date]:
    days = {datetime.date(year, month, day) for month, day in _FIXED}
    days |= {_nth_monday(year, month, nth) for month, nth in _HAPPY_MONDAYS}
    days.add(datetime.date(year, 3, _equinox_day(year, 20.8431)))  # 春分の日
    days.add(datetime.date(year, 9, _equinox_day(year, 23.2488)))  # 秋分の日
    # 国民の休日: a weekday between two holidays (September, when 敬老の日 falls two days before 秋分の日).
    for day in sorted(days):
        between = day + datetime.timedelta(days=1)
        if between.weekday() != 6 and between not in days and between + datetime.timedelta(days=1) in days:
            days.add(between)
    # 振替休日: a holiday on a Sunday moves to the next day that is not a holiday.
    for day in sorted(days):
        if day.weekday() == 6:
            substitute = day + datetime.timedelta(days=1)
            while substitute in days:
                substitute += datetime.timedelta(days=1)
            days.add(substitute)
    return frozenset(days)


def is_year_end_closure(day: datetime.date) -> bool:
    """12月29日から1月3日まで: the closing days of public offices (行政機関の休日に関する法律)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_holiday_or_closure(day: datetime.date) -> bool:
    return is_year_end_closure(day) or day in japanese_holidays(day.year)
