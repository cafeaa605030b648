"""Opening times: the RRULE said in natural Japanese, the next dates, holidays, and refused rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tsunagu.core.holidays import is_holiday_or_closure, japanese_holidays
from tsunagu.directory.models import Schedule
from tsunagu.directory.schedules import RRULE_FREQ_MESSAGE, describe, next_dates

T = datetime.time
START = datetime.date(2025, 4, 1)


@pytest.mark.parametrize(
    ("rule", "opens", "closes", "holidays", "expected"),
    [
        ("FREQ=MONTHLY;BYDAY=2TU", T(13, 30), T(15), False, "毎月第2火曜 13:30〜15:00"),
        (
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            T(8, 45),
            T(17, 30),
            True,
            "毎週月〜金 8:45〜17:30（祝日・年末年始を除く）",
        ),
        ("FREQ=WEEKLY;BYDAY=WE", T(10), T(11), False, "毎週水曜 10:00〜11:00"),
        ("FREQ=WEEKLY;BYDAY=MO,WE,FR", T(13), T(17), False, "毎週月・水・金 13:00〜17:00"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", T(13), T(16), False, "隔週土曜 13:00〜16:00"),
        ("FREQ=MONTHLY;BYDAY=1WE,3WE", T(10), T(12), False, "毎月第1・第3水曜 10:00〜12:00"),
        ("FREQ=MONTHLY;BYDAY=-1FR", T(17, 30), T(19, 30), False, "毎月最終金曜 17:30〜19:30"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", T(9), T(12), False, "毎月15日 9:00〜12:00"),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU", T(13, 30), T(15), False, "隔月第2火曜 13:30〜15:00"),
    ],
)
def test_rules_read_as_residents_say_them(rule, opens, closes, holidays, expected):
    assert (
        describe(rrule=rule, opens_at=opens, closes_at=closes, starts_on=START, closed_on_holidays=holidays) == expected
    )


def test_next_dates_of_a_monthly_salon():
    days = next_dates(
        rrule="FREQ=MONTHLY;BYDAY=2TU", opens_at=T(13, 30), starts_on=START, after=datetime.date(2026, 5, 1)
    )
    assert days == [datetime.date(2026, 5, 12), datetime.date(2026, 6, 9), datetime.date(2026, 7, 14)]


def test_a_weekday_window_skips_holidays_and_the_year_end():
    days = next_dates(
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        opens_at=T(8, 45),
        starts_on=START,
        closed_on_holidays=True,
        after=datetime.date(2025, 12, 26),
        count=3,
    )
    # 12/29–1/3 closed; 2026-01-05 is the first Monday after.
    assert days == [datetime.date(2025, 12, 26), datetime.date(2026, 1, 5), datetime.date(2026, 1, 6)]


def test_holidays_include_substitute_and_citizens_holidays():
    holidays = japanese_holidays(2026)
    assert datetime.date(2026, 9, 21) in holidays  # 敬老の日 (3rd Monday)
    assert datetime.date(2026, 9, 22) in holidays  # 国民の休日 between 敬老の日 and 秋分の日
    assert datetime.date(2026, 9, 23) in holidays  # 秋分の日
    assert datetime.date(2025, 5, 6) in japanese_holidays(2025)  # みどりの日 on Sunday → 振替休日
    assert datetime.date(2026, 1, 12) in holidays  # 成人の日
    assert not is_holiday_or_closure(datetime.date(2026, 6, 9))


def test_a_rule_outside_hsds_is_refused_with_a_japanese_message():
    schedule = Schedule(rrule="FREQ=DAILY", opens_at=T(9), closes_at=T(10), starts_on=START)
    with pytest.raises(ValidationError) as error:
        schedule.clean()
    assert error.value.message_dict["rrule"] == [str(RRULE_FREQ_MESSAGE)]
    garbage = Schedule(rrule="毎月第2火曜", opens_at=T(9), closes_at=T(10), starts_on=START)
    with pytest.raises(ValidationError):
        garbage.clean()
