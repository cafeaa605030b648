"""Opening times as RFC 5545 recurrence rules: checking a rule, saying it in natural Japanese
(「毎月第2火曜 13:30〜15:00」, 「毎週月〜金 8:45〜17:30（祝日・年末年始を除く）」) and listing the next dates.

python-dateutil's rrule reads and expands the rules; this module only narrows them to what HSDS 3 schedules can
carry (FREQ WEEKLY or MONTHLY with INTERVAL, BYDAY, BYMONTHDAY, WKST, UNTIL, COUNT) and reads the parts back for the
wording."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tsunagu.core.holidays import is_holiday_or_closure

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ALLOWED_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "WKST", "UNTIL", "COUNT"})
ALLOWED_FREQ = frozenset({"WEEKLY", "MONTHLY"})

RRULE_INVALID_MESSAGE = gettext_lazy("繰り返しの指定（RRULE）が読めません：{detail}")
RRULE_FREQ_MESSAGE = gettext_lazy("繰り返しは毎週（FREQ=WEEKLY）か毎月（FREQ=MONTHLY）で指定してください。")
RRULE_PART_MESSAGE = gettext_lazy("使えない指定があります：{parts}")
RRULE_ORDINAL_MESSAGE = gettext_lazy("「第何」は1〜5か、最終（-1）で指定してください。")
RRULE_WEEKLY_ORDINAL_MESSAGE = gettext_lazy("毎週の繰り返しに「第何」はつけられません。")


class RecurrenceError(ValueError):
    pass


@dataclass(frozen=True)
class Recurrence:
    freq: str
    interval: int
    # (ordinal or None, weekday index 0=月): 2TU → (2, 1); TU → (None, 1)
    byday: tuple[tuple[int | None, int], ...]
    bymonthday: tuple[int, ...]


def _parts(text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for piece in text.strip().removeprefix("RRULE:").split(";"):
        if not piece:
            continue
        key, sep, value = piece.partition("=")
        if not sep:
            raise RecurrenceError(str(RRULE_INVALID_MESSAGE).format(detail=piece))
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def _byday(value: str) -> tuple[tuple[int | None, int], ...]:
    days = []
    for item in filter(None, value.split(",")):
        code = item[-2:]
        ordinal = item[:-2]
        if code not in WEEKDAY_CODES:
            raise RecurrenceError(str(RRULE_INVALID_MESSAGE).format(detail=item))
        number = int(ordinal) if ordinal not in ("", "+") else None
        if number is not None and not (1 <= number <= 5 or -5 <= number <= -1):
            raise RecurrenceError(str(RRULE_ORDINAL_MESSAGE))
        days.append((number, WEEKDAY_CODES.index(code)))
    return tuple(days)


def parse_recurrence(text: str) -> Recurrence:
    """The rule's parts, after dateutil has read it. Raises RecurrenceError with a Japanese message."""
    try:
        rrulestr(text.strip().removeprefix("RRULE:"), dtstart=datetime.datetime(2000, 1, 1))  # noqa: DTZ001
    except (ValueError, TypeError) as error:
        raise RecurrenceError(str(RRULE_INVALID_MESSAGE).format(detail=error)) from None
    parts = _parts(text)
    extra = set(parts) - ALLOWED_PARTS
    if extra:
        raise RecurrenceError(str(RRULE_PART_MESSAGE).format(parts=", ".join(sorted(extra))))
    if parts.get("FREQ") not in ALLOWED_FREQ:
        raise RecurrenceError(str(RRULE_FREQ_MESSAGE))
    try:
        byday = _byday(parts.get("BYDAY", ""))
        bymonthday = tuple(int(v) for v in parts.get("BYMONTHDAY", "").split(",") if v)
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError as error:
        raise RecurrenceError(str(RRULE_INVALID_MESSAGE).format(detail=error)) from None
    if parts["FREQ"] == "WEEKLY" and any(n is not None for n, _day in byday):
        raise RecurrenceError(str(RRULE_WEEKLY_ORDINAL_MESSAGE))
    return Recurrence(freq=parts["FREQ"], interval=max(interval, 1), byday=byday, bymonthday=bymonthday)


def _weekday(index: int) -> str:
    names = (
        pgettext("weekday", "月"),
        pgettext("weekday", "火"),
        pgettext("weekday", "水"),
        pgettext("weekday", "木"),
        pgettext("weekday", "金"),
        pgettext("weekday", "土"),
        pgettext("weekday", "日"),
    )
    return names[index]


def _days_text(indexes: list[int]) -> str:
    """「月〜金」 for a run of three or more days, 「月・水・金」 otherwise, 「水曜」 for one day."""
    indexes = sorted(set(indexes))
    if len(indexes) == 1:
        return _("{day}曜").format(day=_weekday(indexes[0]))
    if len(indexes) >= 3 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return _("{first}〜{last}").format(first=_weekday(indexes[0]), last=_weekday(indexes[-1]))
    return "・".join(_weekday(i) for i in indexes)


def _ordinal(number: int) -> str:
    if number == -1:
        return _("最終")
    if number < 0:
        return _("最後から{n}番目の").format(n=-number)
    return _("第{n}").format(n=number)


def _monthly_days(rule: Recurrence, start: datetime.date) -> str:
    if rule.byday:
        by_weekday: dict[int, list[int | None]] = {}
        for number, day in rule.byday:
            by_weekday.setdefault(day, []).append(number)
        groups = []
        for day, numbers in sorted(by_weekday.items()):
            if None in numbers:
                groups.append(_("毎週{day}曜").format(day=_weekday(day)))
            else:
                ordinals = "・".join(_ordinal(n) for n in sorted(numbers, key=lambda n: (n < 0, n)))
                groups.append(_("{ordinals}{day}曜").format(ordinals=ordinals, day=_weekday(day)))
        return "、".join(groups)
    days = rule.bymonthday or (start.day,)
    return "・".join(_("末日") if d == -1 else _("{d}日").format(d=d) for d in sorted(days, key=lambda d: (d < 0, d)))


def format_time(value: datetime.time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def describe(
    *,
    rrule: str,
    opens_at: datetime.time,
    closes_at: datetime.time,
    starts_on: datetime.date,
    closed_on_holidays: bool = False,
) -> str:
    """「毎月第2火曜 13:30〜15:00」 — the rule in the words a resident reads."""
    rule = parse_recurrence(rrule)
    if rule.freq == "WEEKLY":
        days = _days_text([d for _n, d in rule.byday] or [starts_on.weekday()])
        if rule.interval == 1:
            pattern = _("毎週{days}").format(days=days)
        elif rule.interval == 2:
            pattern = _("隔週{days}").format(days=days)
        else:
            pattern = _("{n}週ごと{days}").format(n=rule.interval, days=days)
    else:
        days = _monthly_days(rule, starts_on)
        if rule.interval == 1:
            pattern = _("毎月{days}").format(days=days)
        elif rule.interval == 2:
            pattern = _("隔月{days}").format(days=days)
        else:
            pattern = _("{n}か月ごと{days}").format(n=rule.interval, days=days)
        # 「毎月毎週火曜」 says the same as 「毎週火曜」.
        pattern = pattern.replace(_("毎月") + _("毎週"), _("毎週"))
    text = f"{pattern} {format_time(opens_at)}〜{format_time(closes_at)}"
    if closed_on_holidays:
        text += _("（祝日・年末年始を除く）")
    return text


def next_dates(
    *,
    rrule: str,
    opens_at: datetime.time,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    closed_on_holidays: bool = False,
    after: datetime.date,
    count: int = 3,
) -> list[datetime.date]:
    """The next `count` opening days on or after `after` (holidays and 年末年始 skipped when the place closes)."""
    rule = rrulestr(
        rrule.strip().removeprefix("RRULE:"),
        dtstart=datetime.datetime.combine(starts_on, opens_at),
    )
    start = datetime.datetime.combine(max(after, starts_on), datetime.time.min)
    found: list[datetime.date] = []
    # A bounded look-ahead: a weekday window skips at most a few days in a row (年末年始, Golden Week).
    for occurrence in rule.xafter(start, count=count + 40, inc=True):
        day = occurrence.date()
        if ends_on is not None and day > ends_on:
            break
        if closed_on_holidays and is_holiday_or_closure(day):
            continue
        found.append(day)
        if len(found) == count:
            break
    return found
