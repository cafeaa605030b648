"""The periods of a watch frequency (tsunagu.watch.periods): where a period begins and ends across month, year and
fiscal-quarter boundaries, how a period reads (今週, 12月, 10月〜12月), the next target as a period and never a
day, and when a person counts as overdue."""

import datetime

import pytest

from tsunagu.watch.models import WatchFrequency
from tsunagu.watch.periods import (
    is_overdue,
    next_period_start,
    next_target,
    period_label,
    period_start,
    previous_period_start,
)

D = datetime.date
WEEKLY, BIWEEKLY, MONTHLY, BIMONTHLY, QUARTERLY = (
    WatchFrequency.WEEKLY,
    WatchFrequency.BIWEEKLY,
    WatchFrequency.MONTHLY,
    WatchFrequency.BIMONTHLY,
    WatchFrequency.QUARTERLY,
)


def days(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


# -- Where a period begins -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "day", "start"),
    [
        # Weeks begin on Monday, also across the year end.
        (WEEKLY, D(2024, 12, 30), D(2024, 12, 30)),
        (WEEKLY, D(2024, 12, 31), D(2024, 12, 30)),
        (WEEKLY, D(2025, 1, 5), D(2024, 12, 30)),
        (WEEKLY, D(2025, 1, 6), D(2025, 1, 6)),
        (WEEKLY, D(2024, 3, 3), D(2024, 2, 26)),
        # Fortnights are counted from Monday 2024-01-01, before and after it.
        (BIWEEKLY, D(2024, 1, 1), D(2024, 1, 1)),
        (BIWEEKLY, D(2024, 1, 14), D(2024, 1, 1)),
        (BIWEEKLY, D(2024, 1, 15), D(2024, 1, 15)),
        (BIWEEKLY, D(2023, 12, 31), D(2023, 12, 18)),
        (BIWEEKLY, D(2023, 12, 18), D(2023, 12, 18)),
        (BIWEEKLY, D(2024, 12, 31), D(2024, 12, 30)),
        (BIWEEKLY, D(2025, 1, 12), D(2024, 12, 30)),
        (BIWEEKLY, D(2025, 1, 13), D(2025, 1, 13)),
        # Months, with a leap day and the year end.
        (MONTHLY, D(2024, 2, 29), D(2024, 2, 1)),
        (MONTHLY, D(2024, 3, 1), D(2024, 3, 1)),
        (MONTHLY, D(2024, 12, 31), D(2024, 12, 1)),
        (MONTHLY, D(2025, 1, 1), D(2025, 1, 1)),
        # Two-month periods from January: Jan–Feb, Mar–Apr … Nov–Dec.
        (BIMONTHLY, D(2024, 2, 29), D(2024, 1, 1)),
        (BIMONTHLY, D(2024, 4, 30), D(2024, 3, 1)),
        (BIMONTHLY, D(2024, 5, 1), D(2024, 5, 1)),
        (BIMONTHLY, D(2024, 12, 31), D(2024, 11, 1)),
        (BIMONTHLY, D(2025, 1, 1), D(2025, 1, 1)),
        # Quarters of the fiscal year: Apr–Jun, Jul–Sep, Oct–Dec, Jan–Mar.
        (QUARTERLY, D(2024, 3, 31), D(2024, 1, 1)),
        (QUARTERLY, D(2024, 4, 1), D(2024, 4, 1)),
        (QUARTERLY, D(2024, 6, 30), D(2024, 4, 1)),
        (QUARTERLY, D(2024, 7, 1), D(2024, 7, 1)),
        (QUARTERLY, D(2024, 9, 30), D(2024, 7, 1)),
        (QUARTERLY, D(2024, 10, 1), D(2024, 10, 1)),
        (QUARTERLY, D(2024, 12, 31), D(2024, 10, 1)),
        (QUARTERLY, D(2025, 1, 1), D(2025, 1, 1)),
        (QUARTERLY, D(2025, 2, 15), D(2025, 1, 1)),
    ],
)
def test_period_start(frequency, day, start):
    assert period_start(frequency, day) == start


@pytest.mark.parametrize(
    ("frequency", "day", "following"),
    [
        (WEEKLY, D(2024, 12, 31), D(2025, 1, 6)),
        (BIWEEKLY, D(2024, 12, 31), D(2025, 1, 13)),
        (BIWEEKLY, D(2023, 12, 31), D(2024, 1, 1)),
        (MONTHLY, D(2024, 12, 1), D(2025, 1, 1)),
        (MONTHLY, D(2024, 1, 31), D(2024, 2, 1)),
        (BIMONTHLY, D(2024, 11, 15), D(2025, 1, 1)),
        (BIMONTHLY, D(2024, 12, 31), D(2025, 1, 1)),
        (QUARTERLY, D(2024, 12, 15), D(2025, 1, 1)),
        (QUARTERLY, D(2025, 3, 31), D(2025, 4, 1)),
        (QUARTERLY, D(2024, 4, 1), D(2024, 7, 1)),
    ],
)
def test_next_period_start(frequency, day, following):
    assert next_period_start(frequency, day) == following


@pytest.mark.parametrize(
    ("frequency", "day", "previous"),
    [
        (WEEKLY, D(2025, 1, 1), D(2024, 12, 23)),
        (WEEKLY, D(2024, 3, 4), D(2024, 2, 26)),
        (BIWEEKLY, D(2024, 1, 10), D(2023, 12, 18)),
        (BIWEEKLY, D(2025, 1, 1), D(2024, 12, 16)),
        (MONTHLY, D(2025, 1, 15), D(2024, 12, 1)),
        (MONTHLY, D(2024, 3, 31), D(2024, 2, 1)),
        (BIMONTHLY, D(2025, 1, 15), D(2024, 11, 1)),
        (BIMONTHLY, D(2024, 3, 1), D(2024, 1, 1)),
        (QUARTERLY, D(2024, 4, 1), D(2024, 1, 1)),
        (QUARTERLY, D(2024, 3, 31), D(2023, 10, 1)),
        (QUARTERLY, D(2025, 1, 1), D(2024, 10, 1)),
        (QUARTERLY, D(2024, 7, 1), D(2024, 4, 1)),
    ],
)
def test_previous_period_start(frequency, day, previous):
    assert previous_period_start(frequency, day) == previous


@pytest.mark.parametrize("frequency", WatchFrequency.values)
def test_the_periods_tile_the_calendar_without_gaps_or_overlaps(frequency):
    """Over two years, every day lies in exactly one period, whose neighbours meet it end to end."""
    for day in days(D(2023, 12, 1), D(2025, 12, 31)):
        start = period_start(frequency, day)
        following = next_period_start(frequency, day)
        previous = previous_period_start(frequency, day)
        assert start <= day < following, day
        assert period_start(frequency, start) == start, day
        assert period_start(frequency, following - datetime.timedelta(days=1)) == start, day
        assert previous < start, day
        assert next_period_start(frequency, previous) == start, day


@pytest.mark.parametrize(
    ("frequency", "first_months"),
    [(MONTHLY, set(range(1, 13))), (BIMONTHLY, {1, 3, 5, 7, 9, 11}), (QUARTERLY, {1, 4, 7, 10})],
)
def test_month_periods_begin_on_the_first_of_their_months(frequency, first_months):
    starts = {period_start(frequency, day) for day in days(D(2024, 1, 1), D(2025, 12, 31))}
    assert {s.day for s in starts} == {1}
    assert {s.month for s in starts} == first_months


def test_fortnights_begin_on_mondays_an_even_number_of_weeks_from_the_anchor():
    starts = {period_start(BIWEEKLY, day) for day in days(D(2023, 6, 1), D(2025, 6, 30))}
    assert {s.weekday() for s in starts} == {0}
    assert {(s - D(2024, 1, 1)).days % 14 for s in starts} == {0}


# -- How a period reads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "start", "today", "label"),
    [
        (WEEKLY, D(2024, 12, 30), D(2024, 12, 31), "今週"),
        (WEEKLY, D(2025, 1, 6), D(2024, 12, 31), "来週"),
        (WEEKLY, D(2024, 12, 23), D(2024, 12, 31), "12月23日からの週"),
        (BIWEEKLY, D(2024, 12, 30), D(2024, 12, 31), "12月30日〜1月12日"),
        (BIWEEKLY, D(2024, 1, 1), D(2024, 1, 3), "1月1日〜1月14日"),
        (MONTHLY, D(2024, 12, 1), D(2024, 12, 31), "12月"),
        (MONTHLY, D(2025, 1, 1), D(2024, 12, 31), "1月"),
        (BIMONTHLY, D(2024, 11, 1), D(2024, 12, 31), "11月〜12月"),
        (BIMONTHLY, D(2025, 1, 1), D(2024, 12, 31), "1月〜2月"),
        (QUARTERLY, D(2024, 4, 1), D(2024, 5, 1), "4月〜6月"),
        (QUARTERLY, D(2024, 10, 1), D(2024, 12, 31), "10月〜12月"),
        (QUARTERLY, D(2025, 1, 1), D(2024, 12, 31), "1月〜3月"),
    ],
)
def test_period_label(frequency, start, today, label):
    assert period_label(frequency, start, today=today) == label


@pytest.mark.parametrize(
    ("frequency", "today", "to_do", "done"),
    [
        (WEEKLY, D(2024, 12, 31), "今週中", "来週ごろ"),
        (MONTHLY, D(2024, 12, 15), "12月中", "1月ごろ"),
        (BIMONTHLY, D(2024, 12, 15), "11月〜12月中", "1月〜2月ごろ"),
        (QUARTERLY, D(2024, 12, 15), "10月〜12月中", "1月〜3月ごろ"),
        (QUARTERLY, D(2025, 3, 31), "1月〜3月中", "4月〜6月ごろ"),
        (BIWEEKLY, D(2024, 12, 31), "12月30日〜1月12日中", "1月13日〜1月26日ごろ"),
    ],
)
def test_next_target_is_this_period_until_contacted_then_the_next(frequency, today, to_do, done):
    start = period_start(frequency, today)
    assert next_target(frequency, last_contact=None, today=today) == to_do
    # Contact in the previous period leaves this one still to do.
    assert next_target(frequency, last_contact=start - datetime.timedelta(days=1), today=today) == to_do
    assert next_target(frequency, last_contact=start, today=today) == done
    assert next_target(frequency, last_contact=today, today=today) == done


@pytest.mark.parametrize("frequency", [WEEKLY, MONTHLY, BIMONTHLY, QUARTERLY])
def test_next_target_never_names_a_day(frequency):
    """A target is a period (今週中, 12月中, 1月〜3月ごろ), not a deadline such as 「12月31日まで」."""
    for today in days(D(2024, 12, 1), D(2025, 4, 30)):
        for last_contact in (None, today):
            target = next_target(frequency, last_contact=last_contact, today=today)
            assert "日" not in target, (today, target)
            assert target.endswith(("中", "ごろ")), (today, target)


# -- Overdue ---------------------------------------------------------------------------------------------------

TODAY = D(2025, 1, 15)  # previous monthly period: December 2024


@pytest.mark.parametrize(
    ("last_contact", "started_on", "overdue", "why"),
    [
        (None, D(2024, 4, 1), True, "never contacted, watched for months"),
        (D(2024, 11, 30), D(2024, 4, 1), True, "last contact before the previous month"),
        (D(2024, 12, 1), D(2024, 4, 1), False, "contacted on the first day of the previous month"),
        (D(2024, 12, 31), D(2024, 4, 1), False, "contacted on the last day of the previous month"),
        (D(2025, 1, 2), D(2024, 4, 1), False, "contacted this month"),
        (None, D(2024, 12, 1), True, "the watch began with the previous month: a whole month passed"),
        (None, D(2024, 12, 2), False, "the watch began during the previous month: not a whole month yet"),
        (None, D(2025, 1, 10), False, "the watch began this month"),
    ],
)
def test_is_overdue_monthly(last_contact, started_on, overdue, why):
    assert is_overdue(MONTHLY, last_contact=last_contact, started_on=started_on, today=TODAY) is overdue, why


@pytest.mark.parametrize("frequency", WatchFrequency.values)
def test_is_overdue_edges_for_every_frequency(frequency):
    today = D(2025, 1, 1)
    previous = previous_period_start(frequency, today)
    long_ago = previous - datetime.timedelta(days=400)
    day = datetime.timedelta(days=1)

    assert is_overdue(frequency, last_contact=None, started_on=long_ago, today=today)
    assert is_overdue(frequency, last_contact=previous - day, started_on=long_ago, today=today)
    assert not is_overdue(frequency, last_contact=previous, started_on=long_ago, today=today)
    assert is_overdue(frequency, last_contact=None, started_on=previous, today=today)
    assert not is_overdue(frequency, last_contact=None, started_on=previous + day, today=today)
    assert not is_overdue(frequency, last_contact=None, started_on=today, today=today)


def test_a_weekly_watch_is_overdue_after_one_silent_week_across_the_year_end():
    # Today Wednesday 2025-01-01: this week began Monday 2024-12-30, the previous one on 2024-12-23.
    started = D(2024, 6, 1)
    today = D(2025, 1, 1)
    assert is_overdue(WEEKLY, last_contact=D(2024, 12, 22), started_on=started, today=today)
    assert not is_overdue(WEEKLY, last_contact=D(2024, 12, 23), started_on=started, today=today)
