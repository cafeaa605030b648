"""和暦 (Japanese era) birth dates: parsing what staff type, formatting what they read."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

__all__ = [
    "BEFORE_MEIJI_MESSAGE",
    "BIRTH_AFTER_REFERENCE_MESSAGE",
    "ERAS",
    "ERA_RANGE_MESSAGE",
    "FUTURE_DATE_MESSAGE",
    "INVALID_DATE_MESSAGE",
    "JST",
    "NONEXISTENT_DATE_MESSAGE",
    "OPEN_ERA_RANGE_MESSAGE",
    "Era",
    "age_on",
    "format_birth_with_age",
    "format_wareki",
    "format_wareki_short",
    "parse_birth_date",
    "today_jst",
]

INVALID_DATE_MESSAGE = gettext_lazy("生年月日を読み取れません（例：昭和15年5月3日、S15.5.3、1940-05-03）")
NONEXISTENT_DATE_MESSAGE = gettext_lazy("存在しない日付です（月・日を確認してください）")
FUTURE_DATE_MESSAGE = gettext_lazy("生年月日が未来の日付です")
BEFORE_MEIJI_MESSAGE = gettext_lazy("明治元年（1868年1月25日）より前の生年月日は扱えません")
BIRTH_AFTER_REFERENCE_MESSAGE = gettext_lazy("基準日が生年月日より前です")
# Filled with the era's name and its first/last day, e.g. 「昭和は1926年12月25日から1989年1月7日までです」.
ERA_RANGE_MESSAGE = gettext_lazy("{name}は{start}から{end}までです")
OPEN_ERA_RANGE_MESSAGE = gettext_lazy("{name}は{start}からです")

# Japan has no daylight saving time, so a fixed +09:00 is exact and needs no tz database.
JST = datetime.timezone(datetime.timedelta(hours=9), "JST")


@dataclass(frozen=True)
class Era:
    name: str  # 昭和
    abbreviation: str  # S
    start: datetime.date  # first day, inclusive
    end: datetime.date | None  # last day, inclusive; None for the current era

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def range_message(self) -> str:
        if self.end is None:
            return OPEN_ERA_RANGE_MESSAGE.format(name=self.name, start=_format_gregorian(self.start))
        return ERA_RANGE_MESSAGE.format(
            name=self.name, start=_format_gregorian(self.start), end=_format_gregorian(self.end)
        )


# An explicit table is easier to check than a library lookup. 明治 starts on 1868-01-25 (慶応4年1月1日,
# to which the 改元 was made retroactive), the registry convention; dates before 1873 are treated as
# proleptic Gregorian, which is fine for the living people this app records.
ERAS: tuple[Era, ...] = (
    Era("明治", "M", datetime.date(1868, 1, 25), datetime.date(1912, 7, 29)),
    Era("大正", "T", datetime.date(1912, 7, 30), datetime.date(1926, 12, 24)),
    Era("昭和", "S", datetime.date(1926, 12, 25), datetime.date(1989, 1, 7)),
    Era("平成", "H", datetime.date(1989, 1, 8), datetime.date(2019, 4, 30)),
    Era("令和", "R", datetime.date(2019, 5, 1), None),
)

# Every way an era is written on a form: 昭和, 昭, S (s is upper-cased before matching).
_ERA_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    _ERA_BY_TOKEN[_era.name] = _era
    _ERA_BY_TOKEN[_era.name[0]] = _era
    _ERA_BY_TOKEN[_era.abbreviation] = _era
del _era

_ERA_TOKEN = "|".join(sorted(_ERA_BY_TOKEN, key=len, reverse=True))  # longest first: 昭和 before 昭
# 昭和15年5月3日, 昭和元年12月25日, S15年5月3日 (日 may be left off).
_WAREKI_KANJI_RE = re.compile(
    rf"(?P<era>{_ERA_TOKEN})\.?(?P<year>\d{{1,2}}|元)年(?P<month>\d{{1,2}})月(?P<day>\d{{1,2}})日?"
)
# S15.5.3, S.15.5.3, S15/5/3, 昭15-5-3: one separator, used twice.
_WAREKI_SEPARATED_RE = re.compile(
    rf"(?P<era>{_ERA_TOKEN})\.?(?P<year>\d{{1,2}}|元)(?P<sep>[./-])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})"
)
# 1940-05-03, 1940/5/3, 1940.5.3, 1940年5月3日, 19400503.
_GREGORIAN_RES = (
    re.compile(r"(?P<year>\d{4})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"),
    re.compile(r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日?"),
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),
)
_WHITESPACE = re.compile(r"\s+")


def today_jst() -> datetime.date:
    """Today's date in Japan, whatever the server's clock zone is."""
    return datetime.datetime.now(JST).date()


def parse_birth_date(text: str, *, today: datetime.date | None = None) -> datetime.date:
    """Read a birth date typed in 和暦 or 西暦 (see the module's patterns); ``today`` defaults to today_jst().

    Raises ValueError with one of the module's Japanese messages: unreadable text, a day that does not exist,
    a year outside the named era (the message names the era's range), a date before 明治, or a future date.
    """
    # NFKC turns full-width digits, letters and punctuation (１５．５．３, Ｓ, ／) into ASCII.
    cleaned = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).upper()

    era: Era | None = None
    match = _WAREKI_KANJI_RE.fullmatch(cleaned) or _WAREKI_SEPARATED_RE.fullmatch(cleaned)
    if match is not None:
        era = _ERA_BY_TOKEN[match["era"]]
        era_year = 1 if match["year"] == "元" else int(match["year"])
        if era_year < 1:
            raise ValueError(era.range_message())
        year = era.start.year + era_year - 1
    else:
        match = next((m for pattern in _GREGORIAN_RES if (m := pattern.fullmatch(cleaned))), None)
        if match is None:
            raise ValueError(INVALID_DATE_MESSAGE)
        year = int(match["year"])

    try:
        birth = datetime.date(year, int(match["month"]), int(match["day"]))
    except ValueError:
        raise ValueError(NONEXISTENT_DATE_MESSAGE) from None

    if era is not None and not era.contains(birth):
        raise ValueError(era.range_message())
    if birth < ERAS[0].start:
        raise ValueError(BEFORE_MEIJI_MESSAGE)
    if birth > (today if today is not None else today_jst()):
        raise ValueError(FUTURE_DATE_MESSAGE)
    return birth


def _era_of(day: datetime.date) -> Era:
    for era in reversed(ERAS):
        if era.start <= day:
            return era
    raise ValueError(BEFORE_MEIJI_MESSAGE)


def _format_gregorian(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def format_wareki(day: datetime.date) -> str:
    """「昭和15年5月3日」; the first year of an era is written 元年 (「令和元年5月1日」)."""
    era = _era_of(day)
    era_year = day.year - era.start.year + 1
    year_text = "元" if era_year == 1 else str(era_year)
    return f"{era.name}{year_text}年{day.month}月{day.day}日"


def format_wareki_short(day: datetime.date) -> str:
    """「S15.5.3」; the first year is 1 here (「H1.1.8」), as forms and registry exports write it."""
    era = _era_of(day)
    return f"{era.abbreviation}{day.year - era.start.year + 1}.{day.month}.{day.day}"


def age_on(birth: datetime.date, on: datetime.date) -> int:
    """Age in completed years on the day ``on``."""
    # Ordinary calendar convention (one year older ON the birthday; 2/29 births on 3/1 in common years), not
    # the legal 年齢計算ニ関スル法律 rule (the day before): it is what residents and staff expect to read.
    if on < birth:
        raise ValueError(BIRTH_AFTER_REFERENCE_MESSAGE)
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def format_birth_with_age(birth: datetime.date, on: datetime.date | None = None) -> str:
    """「昭和15年5月3日（86歳）」, the age taken on ``on`` (default: today in Japan)."""
    reference = on if on is not None else today_jst()
    return f"{format_wareki(birth)}（{age_on(birth, reference)}歳）"
