import datetime
import re

import pytest

from tsunagu.core.wareki import (
    BEFORE_MEIJI_MESSAGE,
    BIRTH_AFTER_REFERENCE_MESSAGE,
    ERAS,
    FUTURE_DATE_MESSAGE,
    INVALID_DATE_MESSAGE,
    NONEXISTENT_DATE_MESSAGE,
    age_on,
    format_birth_with_age,
    format_wareki,
    format_wareki_short,
    parse_birth_date,
    today_jst,
)

date = datetime.date
TODAY = date(2026, 6, 1)

SHOWA_RANGE = "昭和は1926年12月25日から1989年1月7日までです"
HEISEI_RANGE = "平成は1989年1月8日から2019年4月30日までです"
REIWA_RANGE = "令和は2019年5月1日からです"
TAISHO_RANGE = "大正は1912年7月30日から1926年12月24日までです"
MEIJI_RANGE = "明治は1868年1月25日から1912年7月29日までです"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昭和15年5月3日", date(1940, 5, 3)),
        ("昭和１５年５月３日", date(1940, 5, 3)),
        ("昭和15年5月3", date(1940, 5, 3)),
        ("昭和 15年 5月 3日", date(1940, 5, 3)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S15.5.3", date(1940, 5, 3)),
        ("s15.5.3", date(1940, 5, 3)),
        ("Ｓ１５．５．３", date(1940, 5, 3)),
        ("S15/5/3", date(1940, 5, 3)),
        ("S15-5-3", date(1940, 5, 3)),
        ("S.15.5.3", date(1940, 5, 3)),
        ("S15年5月3日", date(1940, 5, 3)),
        ("昭15.5.3", date(1940, 5, 3)),
        ("昭15年5月3日", date(1940, 5, 3)),
        ("H1.1.8", date(1989, 1, 8)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("R1.5.1", date(2019, 5, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("T15.12.24", date(1926, 12, 24)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("M45.7.29", date(1912, 7, 29)),
        ("明治1年1月25日", date(1868, 1, 25)),
        ("1940-05-03", date(1940, 5, 3)),
        ("1940/5/3", date(1940, 5, 3)),
        ("1940.5.3", date(1940, 5, 3)),
        ("19400503", date(1940, 5, 3)),
        ("1940年5月3日", date(1940, 5, 3)),
        ("１９４０年５月３日", date(1940, 5, 3)),
        (" 1940-05-03 ", date(1940, 5, 3)),
        ("2026-06-01", TODAY),  # born today is not the future
    ],
)
def test_parse_birth_date_accepts(text: str, expected: datetime.date) -> None:
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "昭和",
        "昭和十五年五月三日",
        "S15",
        "S15.5",
        "S15.5/3",  # mixed separators
        "S155.3.1",
        "X15.5.3",
        "40/5/3",  # two-digit western year is ambiguous
        "400503",
        "1940-05-03-01",
        "abc",
        "昭和15年5月3日生まれ",
    ],
)
def test_parse_birth_date_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_birth_date(text, today=TODAY)
    assert str(excinfo.value) == INVALID_DATE_MESSAGE


def test_invalid_date_message_text() -> None:
    assert INVALID_DATE_MESSAGE == "生年月日を読み取れません（例：昭和15年5月3日、S15.5.3、1940-05-03）"


@pytest.mark.parametrize(
    "text",
    ["昭和15年2月30日", "S15.2.30", "1940-02-30", "1941-02-29", "S15.13.1", "19400431", "1940-05-00"],
)
def test_parse_birth_date_refuses_nonexistent_days(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_birth_date(text, today=TODAY)
    assert str(excinfo.value) == NONEXISTENT_DATE_MESSAGE


def test_leap_day_is_accepted() -> None:
    assert parse_birth_date("S15.2.29", today=TODAY) == date(1940, 2, 29)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("昭和70年1月1日", SHOWA_RANGE),
        ("昭和64年1月8日", SHOWA_RANGE),
        ("昭和元年12月24日", SHOWA_RANGE),
        ("昭和0年5月3日", SHOWA_RANGE),
        ("S70.1.1", SHOWA_RANGE),
        ("平成31年5月1日", HEISEI_RANGE),
        ("H1.1.7", HEISEI_RANGE),
        ("令和1年4月30日", REIWA_RANGE),
        ("R1.4.30", REIWA_RANGE),
        ("T15.12.25", TAISHO_RANGE),
        ("大正元年7月29日", TAISHO_RANGE),
        ("M45.7.30", MEIJI_RANGE),
        ("明治元年1月24日", MEIJI_RANGE),
    ],
)
def test_parse_birth_date_refuses_dates_outside_the_era(text: str, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_birth_date(text, today=TODAY)
    assert str(excinfo.value) == message


def test_dates_before_meiji_are_refused() -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_birth_date("1868-01-24", today=TODAY)
    assert str(excinfo.value) == BEFORE_MEIJI_MESSAGE


@pytest.mark.parametrize("text", ["2026-06-02", "R8.6.2", "令和99年1月1日", "2100/1/1"])
def test_parse_birth_date_refuses_future_dates(text: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_birth_date(text, today=TODAY)
    assert str(excinfo.value) == FUTURE_DATE_MESSAGE == "生年月日が未来の日付です"


def test_parse_birth_date_defaults_to_today_in_japan() -> None:
    tomorrow = today_jst() + datetime.timedelta(days=1)
    with pytest.raises(ValueError, match=re.escape(str(FUTURE_DATE_MESSAGE))):
        parse_birth_date(tomorrow.isoformat())
    assert parse_birth_date(today_jst().isoformat()) == today_jst()


@pytest.mark.parametrize(
    ("day", "long", "short"),
    [
        (date(1940, 5, 3), "昭和15年5月3日", "S15.5.3"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2020, 1, 1), "令和2年1月1日", "R2.1.1"),
        (date(1926, 12, 24), "大正15年12月24日", "T15.12.24"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (date(1912, 7, 29), "明治45年7月29日", "M45.7.29"),
        (date(1868, 1, 25), "明治元年1月25日", "M1.1.25"),
    ],
)
def test_format_wareki(day: datetime.date, long: str, short: str) -> None:
    assert format_wareki(day) == long
    assert format_wareki_short(day) == short
    # What we print, we can read back.
    assert parse_birth_date(long, today=TODAY) == day
    assert parse_birth_date(short, today=TODAY) == day


def test_format_wareki_refuses_dates_before_meiji() -> None:
    with pytest.raises(ValueError, match=re.escape(str(BEFORE_MEIJI_MESSAGE))):
        format_wareki(date(1868, 1, 24))


def test_era_table_agrees_with_japanera() -> None:
    import japanera
    # japanera puts 明治's start on 1868-01-23; we use the registry convention 1868-01-25, so skip its start.
    for era in ERAS[1:]:
        found = japanera.EraDate.from_date(era.start).era
        assert (found.kanji, found.since) == (era.name, era.start)
    for era in ERAS[:-1]:
        assert era.end is not None
        found = japanera.EraDate.from_date(era.end).era
        assert found.kanji == era.name
        assert found.until == era.end + datetime.timedelta(days=1)  # japanera's end is exclusive


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(1940, 5, 3), date(2026, 5, 2), 85),
        (date(1940, 5, 3), date(2026, 5, 3), 86),  # one year older ON the birthday
        (date(1940, 5, 3), date(2026, 11, 24), 86),
        (date(1940, 2, 29), date(2025, 2, 28), 84),  # leap-day birth: older on 3/1 in common years
        (date(1940, 2, 29), date(2025, 3, 1), 85),
        (date(1940, 2, 29), date(2024, 2, 29), 84),
        (date(2026, 6, 1), date(2026, 6, 1), 0),
    ],
)
def test_age_on(birth: datetime.date, on: datetime.date, expected: int) -> None:
    assert age_on(birth, on) == expected


def test_age_on_refuses_reference_before_birth() -> None:
    with pytest.raises(ValueError, match=re.escape(str(BIRTH_AFTER_REFERENCE_MESSAGE))):
        age_on(date(1940, 5, 3), date(1940, 5, 2))


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        (date(1940, 5, 3), date(2026, 5, 3), "昭和15年5月3日（86歳）"),
        (date(2019, 5, 1), date(2026, 4, 30), "令和元年5月1日（6歳）"),
    ],
)
def test_format_birth_with_age(birth: datetime.date, on: datetime.date, expected: str) -> None:
    assert format_birth_with_age(birth, on) == expected


def test_format_birth_with_age_defaults_to_today_in_japan() -> None:
    birth = date(1940, 5, 3)
    assert format_birth_with_age(birth) == format_birth_with_age(birth, today_jst())
