"""A printed roster, whatever the format: its title, the number on every page, and its rows in print order.
The PDF layout (tsunagu.roster.pdf) and the table writers (tsunagu.roster.outputs) print the same sheet."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models

from tsunagu.core.output import Cell
from tsunagu.core.wareki import format_wareki
from tsunagu.people.models import CareLevel, PhysicalDisabilityType, Sex

from .models import RosterEntry, RosterEntryReason

CONFIDENTIAL = "取扱注意"
SECRECY_NOTE = "災害対策基本法第49条の13により、名簿の情報を正当な理由なく漏らしてはなりません。"
PDF_ROW_NUMBER = "No."


BASE_HEADERS = ("氏名", "フリガナ", "生年月日", "性別", "住所", "電話", "避難支援等を必要とする事由")
SUPPORT_HEADERS = (
    "要介護度",
    "身体障害者手帳",
    "療育手帳",
    "精神障害者保健福祉手帳",
    "難病",
    "ひとり暮らし",
    "高齢者のみ世帯",
)
PDF_SUPPORT_HEADER = "支援に関する情報"


@dataclass(frozen=True)
class RosterSheet:
    """What every format prints: a title, the number on each page, the rows in print order."""

    title: str
    number: str
    full: bool
    rows: list[RosterLine]


@dataclass(frozen=True)
class RosterLine:
    person_id: int
    name: str
    kana: str
    birth: str
    sex: str
    address: str
    phone: str
    reasons: str
    support: tuple[str, ...] = ()

    def cells(self, *, full: bool) -> list[Cell]:
        base: list[Cell] = [self.name, self.kana, self.birth, self.sex, self.address, self.phone, self.reasons]
        return [*base, *self.support] if full else base


_NUMBER_RE = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    """「2-10」 after 「2-9」: compare the numbers in an address as numbers (full-width digits too)."""
    parts = _NUMBER_RE.split(text.translate(_FULLWIDTH_DIGITS))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９－", "0123456789-")


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _support(entry: RosterEntry) -> tuple[str, ...]:
    physical = ""
    if entry.physical_disability_grade:
        kind = _choice_label(PhysicalDisabilityType, entry.physical_disability_type)
        physical = f"{kind}{entry.physical_disability_grade}級".strip()
    return (
        _choice_label(CareLevel, entry.care_level) if entry.care_level else "",
        physical,
        entry.intellectual_disability_grade,
        f"{entry.mental_disability_grade}級" if entry.mental_disability_grade else "",
        "有" if entry.intractable_disease else "",
        "有" if entry.lives_alone else "",
        "有" if entry.elderly_only_household else "",
    )


def roster_lines(entries: Sequence[RosterEntry], *, build_id: int, full: bool) -> list[RosterLine]:
    """Entries as printed rows, ordered by 町丁目 code then address. Two queries whatever the number of rows
    (the entries with their towns, the reasons)."""
    person_ids = [e.person_id for e in entries]
    reasons: dict[int, list[str]] = {}
    if person_ids:
        rows = RosterEntryReason.objects.filter(build_id=build_id, person_id__in=person_ids).order_by("rule_id")
        for person_id, label in rows.values_list("person_id", "label"):
            reasons.setdefault(person_id, []).append(label)
    ordered = sorted(
        entries,
        key=lambda e: (e.town.code, _natural(e.address), _natural(e.address_extra), e.family_name_kana, e.person_id),
    )
    return [
        RosterLine(
            person_id=e.person_id,
            name=f"{e.family_name}\u3000{e.given_name}".strip(),
            kana=f"{e.family_name_kana}\u3000{e.given_name_kana}".strip(),
            birth=format_wareki(e.birth_date),
            sex=_choice_label(Sex, e.sex),
            address=" ".join(p for p in (f"{e.town.name}{e.address}", e.address_extra) if p),
            phone=e.phone,
            reasons="、".join(reasons.get(e.person_id, [])),
            support=_support(e) if full else (),
        )
        for e in ordered
    ]


def sheet_headers(full: bool) -> list[str]:
    return [*BASE_HEADERS, *SUPPORT_HEADERS] if full else list(BASE_HEADERS)
