"""The resident file's columns and how each cell is read (docs/import-residents.md describes them for users).

Each parser takes the cell text and its column name and returns the value stored on Person, or raises BadCell
with the Japanese reason."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from tsunagu.core.csvio import REQUIRED_VALUE_MESSAGE, TOO_LONG_MESSAGE, normalize_header
from tsunagu.core.japanese import normalize_kana_reading, normalize_phone
from tsunagu.core.wareki import FUTURE_DATE_MESSAGE, INVALID_DATE_MESSAGE, parse_birth_date
from tsunagu.people.models import (
    CareLevel,
    IntellectualGrade,
    PhysicalDisabilityType,
    ResidentStatus,
    Sex,
)

CODE_CHARS_MESSAGE = _("{column}「{value}」に使えない文字があります（英数字とハイフンのみ）")
KANA_MESSAGE = _("{column}「{value}」はカタカナかひらがなで入力してください")
DATE_MESSAGE = _("{column}「{value}」を読み取れません（{reason}）")
DATE_EXAMPLES = _("例：昭和15年5月3日、S15.5.3、1940-05-03")
DATE_IN_FUTURE = _("未来の日付です")
CHOICE_MESSAGE = _("{column}「{value}」は使えない値です（{allowed}のいずれか）")
GRADE_MESSAGE = _("{column}「{value}」は使えない値です（{low}〜{high}の数字）")
PHONE_MESSAGE = _("電話番号「{value}」に使えない文字があります（数字・ハイフン・括弧のみ）")
# The accepted values, named in CHOICE_MESSAGE.
SEX_ALLOWED = _("男・女・その他、または1・2・9")
STATUS_ALLOWED = _("住民・転出・死亡")
CARE_ALLOWED = _("要支援1・要支援2・要介護1〜要介護5、または空欄")
INTELLECTUAL_ALLOWED = _("A・B（A1・A2・B1・B2も可）、または空欄")
FLAG_ALLOWED = _("有・無、または1・0")


_CODE_RE = re.compile(r"[0-9A-Za-z-]+")
_PHONE_RE = re.compile(r"[0-9()+\- ]*")


class BadCell(Exception):  # noqa: N818 - internal signal: one cell cannot be read
    pass


# ── cell parsers: each takes the cell text and its column name, returns the stored value or raises BadCell ──


def _text(limit: int, *, required: bool = False) -> Callable[[str, str], str]:
    def parse(text: str, column: str) -> str:
        value = text.strip()
        if required and not value:
            raise BadCell(str(REQUIRED_VALUE_MESSAGE).format(column=column))
        if len(value) > limit:
            raise BadCell(str(TOO_LONG_MESSAGE).format(column=column, limit=limit, length=len(value)))
        return value  # names and addresses exactly as given: no folding of 髙/﨑, no width change

    return parse


def _code(*, required: bool) -> Callable[[str, str], str]:
    def parse(text: str, column: str) -> str:
        if text.isascii() and text.isalnum() and len(text) <= 20:
            return text  # the usual cell: NFKC and the checks below would leave it as it is
        value = unicodedata.normalize("NFKC", text).strip()
        if not value:
            if required:
                raise BadCell(str(REQUIRED_VALUE_MESSAGE).format(column=column))
            return ""
        if len(value) > 20:
            raise BadCell(str(TOO_LONG_MESSAGE).format(column=column, limit=20, length=len(value)))
        if _CODE_RE.fullmatch(value) is None:
            raise BadCell(str(CODE_CHARS_MESSAGE).format(column=column, value=text.strip()))
        return value

    return parse


def _kana(limit: int, *, required: bool = False) -> Callable[[str, str], str]:
    def parse(text: str, column: str) -> str:
        try:
            value = normalize_kana_reading(text)
        except ValueError:
            raise BadCell(str(KANA_MESSAGE).format(column=column, value=text.strip())) from None
        if required and not value:
            raise BadCell(str(REQUIRED_VALUE_MESSAGE).format(column=column))
        if len(value) > limit:
            raise BadCell(str(TOO_LONG_MESSAGE).format(column=column, limit=limit, length=len(value)))
        return value

    return parse


def _date(today: datetime.date, *, required: bool) -> Callable[[str, str], datetime.date | None]:
    def parse(text: str, column: str) -> datetime.date | None:
        if not text.strip():
            if required:
                raise BadCell(str(REQUIRED_VALUE_MESSAGE).format(column=column))
            return None
        try:
            return parse_birth_date(text, today=today)
        except ValueError as exc:
            reason = str(exc)
            if reason == INVALID_DATE_MESSAGE:
                reason = str(DATE_EXAMPLES)
            elif reason == FUTURE_DATE_MESSAGE:
                reason = str(DATE_IN_FUTURE)
            raise BadCell(str(DATE_MESSAGE).format(column=column, value=text.strip(), reason=reason)) from None

    return parse


def _choice(mapping: dict[str, Any], allowed: str, *, required: bool = False) -> Callable[[str, str], Any]:
    def parse(text: str, column: str) -> Any:
        key = unicodedata.normalize("NFKC", text).strip()
        if not key and required:
            raise BadCell(str(REQUIRED_VALUE_MESSAGE).format(column=column))
        try:
            return mapping[key]
        except KeyError:
            raise BadCell(str(CHOICE_MESSAGE).format(column=column, value=text.strip(), allowed=allowed)) from None

    return parse


def _grade(low: int, high: int) -> Callable[[str, str], int | None]:
    def parse(text: str, column: str) -> int | None:
        key = unicodedata.normalize("NFKC", text).strip().removesuffix("級")
        if not key:
            return None
        if key.isdigit() and low <= int(key) <= high:
            return int(key)
        raise BadCell(str(GRADE_MESSAGE).format(column=column, value=text.strip(), low=low, high=high))

    return parse


def _phone(text: str, column: str) -> str:
    # Stored half-width: ０６－６５５５－０１０１ and 06ー6555ー0101 are 06-6555-0101 (ASCII is that already).
    value = text.strip() if text.isascii() else normalize_phone(text)
    if len(value) > 30:
        raise BadCell(str(TOO_LONG_MESSAGE).format(column=column, limit=30, length=len(value)))
    if _PHONE_RE.fullmatch(value) is None:
        raise BadCell(str(PHONE_MESSAGE).format(value=text.strip()))
    return value


def _nfkc_keys(mapping: dict[str, Any]) -> dict[str, Any]:
    return {unicodedata.normalize("NFKC", key): value for key, value in mapping.items()}


_SEX = _nfkc_keys(
    {
        "男": Sex.MALE, "男性": Sex.MALE, "1": Sex.MALE,
        "女": Sex.FEMALE, "女性": Sex.FEMALE, "2": Sex.FEMALE,
        "その他": Sex.OTHER, "不明": Sex.OTHER, "その他・不明": Sex.OTHER, "0": Sex.OTHER, "9": Sex.OTHER,
    }
)  # fmt: skip
_STATUS = {"": ResidentStatus.RESIDENT, **{str(choice.label): choice.value for choice in ResidentStatus}}
_CARE = _nfkc_keys({"": "", "非該当": "", **{str(choice.label): choice.value for choice in CareLevel}})
_PHYSICAL = _nfkc_keys(
    {
        "": "",
        **{str(choice.label): choice.value for choice in PhysicalDisabilityType},
        "視覚": PhysicalDisabilityType.VISUAL,
        "聴覚": PhysicalDisabilityType.HEARING, "平衡機能障害": PhysicalDisabilityType.HEARING,
        "聴覚障害": PhysicalDisabilityType.HEARING,
        "音声・言語": PhysicalDisabilityType.SPEECH, "言語障害": PhysicalDisabilityType.SPEECH,
        "そしゃく機能障害": PhysicalDisabilityType.SPEECH,
        "肢体": PhysicalDisabilityType.LIMB,
        "内部": PhysicalDisabilityType.INTERNAL,
    }
)  # fmt: skip
# Osaka and other cities print A・B1・B2 (or A1・A2): the registry keeps only A (重度) and B (中軽度).
_INTELLECTUAL = _nfkc_keys(
    {"": "", "A": IntellectualGrade.A, "A1": IntellectualGrade.A, "A2": IntellectualGrade.A,
     "B": IntellectualGrade.B, "B1": IntellectualGrade.B, "B2": IntellectualGrade.B}
)  # fmt: skip
_FLAG = _nfkc_keys(
    {"": False, "無": False, "なし": False, "0": False, "いいえ": False, "×": False,
     "有": True, "あり": True, "1": True, "はい": True, "○": True, "〇": True}
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One accepted column: its Japanese header, the Person attribute it fills, and how a cell is read."""

    name: str
    attname: str
    required: bool = False
    unique: bool = False  # values rarely repeat: not worth remembering parsed values
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("宛名番号", "resident_number", required=True, unique=True, aliases=("住民番号", "個人番号")),
    Column("世帯番号", "household_number", unique=True),
    Column("氏", "family_name", required=True, aliases=("姓",)),
    Column("名", "given_name"),
    Column("氏フリガナ", "family_name_kana", required=True, aliases=("氏カナ", "姓フリガナ", "氏ふりがな")),
    Column("名フリガナ", "given_name_kana", aliases=("名カナ", "名ふりがな")),
    Column("生年月日", "birth_date", required=True),
    Column("性別", "sex", required=True),
    Column("町丁目コード", "town_code"),
    Column("町丁目名", "town_name", aliases=("町丁目",)),
    Column("番地", "address", unique=True),
    Column("方書", "address_extra"),
    Column("電話番号", "phone", unique=True),
    Column("住民状態", "status"),
    Column("異動日", "moved_on"),
    Column("要介護度", "care_level"),
    Column("身体障害者手帳種別", "physical_disability_type", aliases=("身体障害者手帳",)),
    Column("身体障害者手帳等級", "physical_disability_grade"),
    Column("療育手帳", "intellectual_disability_grade"),
    Column("精神障害者保健福祉手帳等級", "mental_disability_grade", aliases=("精神障害者保健福祉手帳",)),
    Column("難病", "intractable_disease"),
    Column("ひとり暮らし", "lives_alone", aliases=("独居", "一人暮らし")),
    Column("高齢者のみ世帯", "elderly_only_household"),
)
REQUIRED_COLUMNS = tuple(c.name for c in COLUMNS if c.required)
HEADERS = {normalize_header(spelling): c.name for c in COLUMNS for spelling in (c.name, *c.aliases)}


def parsers(today: datetime.date) -> dict[str, Callable[[str, str], Any]]:
    return {
        "resident_number": _code(required=True),
        "household_number": _code(required=False),
        "family_name": _text(50, required=True),
        "given_name": _text(50),
        "family_name_kana": _kana(100, required=True),
        "given_name_kana": _kana(100),
        "birth_date": _date(today, required=True),
        "sex": _choice(_SEX, str(SEX_ALLOWED), required=True),
        "town_code": _code(required=False),
        "town_name": _text(100),
        "address": _text(100),
        "address_extra": _text(100),
        "phone": _phone,
        "status": _choice(_STATUS, str(STATUS_ALLOWED)),
        "moved_on": _date(today, required=False),
        "care_level": _choice(_CARE, str(CARE_ALLOWED)),
        "physical_disability_type": _choice(
            _PHYSICAL, "・".join(str(c.label) for c in PhysicalDisabilityType) + "、または空欄"
        ),
        "physical_disability_grade": _grade(1, 6),
        "intellectual_disability_grade": _choice(_INTELLECTUAL, str(INTELLECTUAL_ALLOWED)),
        "mental_disability_grade": _grade(1, 3),
        "intractable_disease": _choice(_FLAG, str(FLAG_ALLOWED)),
        "lives_alone": _choice(_FLAG, str(FLAG_ALLOWED)),
        "elderly_only_household": _choice(_FLAG, str(FLAG_ALLOWED)),
    }
