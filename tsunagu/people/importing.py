"""Importing the resident registry (住民データ) from a CSV file: `tsunagu import residents FILE`.

The file's columns are described for users in docs/import-residents.md. The import runs in three steps:

1. read and check every row (nothing touches the database yet); any error stops the import, and the caller
   gets every bad row with its line number and a reason in Japanese;
2. load the residents the file names (by 宛名番号, in chunks) and work out in Python what changes;
3. write everything set-based (bulk_create / bulk_update of the changed fields only) in one transaction,
   with one ImportBatch row and one audit entry for the whole run.

Residents missing from the file are left as they are: a file may cover part of the ward. Nothing is deleted.
"""

from __future__ import annotations

import datetime
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from tsunagu.areas.models import Town
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.csvio import (
    REQUIRED_VALUE_MESSAGE,
    SYSTEM_USERNAME,
    TOO_LONG_MESSAGE,
    CSVTable,
    DecodedCSV,
    ImportFailed,
    RowError,
    UndecodableFileError,
    normalize_header,
    read_csv_text,
    read_table,
)
from tsunagu.core.japanese import kana_search_key, name_search_key, normalize_kana_reading
from tsunagu.core.wareki import FUTURE_DATE_MESSAGE, INVALID_DATE_MESSAGE, parse_birth_date, today_jst
from tsunagu.people.models import (
    CareLevel,
    Household,
    ImportBatch,
    IntellectualGrade,
    Person,
    PhysicalDisabilityType,
    ResidencyEvent,
    ResidencyEventKind,
    ResidentStatus,
    Sex,
)

__all__ = [
    "IMPORT_BATCH_SIZE",
    "SYSTEM_USERNAME",
    "ImportFailed",
    "ImportNotAllowed",
    "ImportResult",
    "RowError",
    "residents_import",
]

# Rows per INSERT/UPDATE statement (SQLite lowers it further to stay under its 999-parameter limit).
IMPORT_BATCH_SIZE = 1000
# 宛名番号 per `IN (...)` lookup: under SQLite's parameter limit.
LOOKUP_CHUNK = 900
# Who the audit log names when the command runs without --user.
# More rows than this and a progress bar is worth showing.
PROGRESS_THRESHOLD = 1000

NOT_ALLOWED_MESSAGE = _("住民データを取り込む権限がありません（区役所の福祉部門の職員のみ）")
CODE_CHARS_MESSAGE = _("{column}「{value}」に使えない文字があります（英数字とハイフンのみ）")
KANA_MESSAGE = _("{column}「{value}」はカタカナかひらがなで入力してください")
DATE_MESSAGE = _("{column}「{value}」を読み取れません（{reason}）")
DATE_EXAMPLES = _("例：昭和15年5月3日、S15.5.3、1940-05-03")
DATE_IN_FUTURE = _("未来の日付です")
CHOICE_MESSAGE = _("{column}「{value}」は使えない値です（{allowed}のいずれか）")
GRADE_MESSAGE = _("{column}「{value}」は使えない値です（{low}〜{high}の数字）")
PHONE_MESSAGE = _("電話番号「{value}」に使えない文字があります（数字・ハイフン・括弧のみ）")
TOWN_HEADER_MESSAGE = _("見出しに「町丁目コード」か「町丁目名」の列が必要です")
TOWN_REQUIRED_MESSAGE = _("町丁目コードか町丁目名のどちらかが必要です")
TOWN_UNKNOWN_CODE_MESSAGE = _("町丁目コード「{value}」は登録されていません（先に町丁目の表を取り込んでください）")
TOWN_UNKNOWN_NAME_MESSAGE = _("町丁目名「{value}」は登録されていません（先に町丁目の表を取り込んでください）")
TOWN_AMBIGUOUS_MESSAGE = _("町丁目名「{value}」に当たる町丁目が複数あります（町丁目コードで指定してください）")
TOWN_MISMATCH_MESSAGE = _("町丁目コード「{code}」は「{town}」で、町丁目名「{value}」と一致しません")
DUPLICATE_NUMBER_MESSAGE = _("宛名番号「{value}」が{first}行目と重複しています")
# The accepted values, named in CHOICE_MESSAGE.
SEX_ALLOWED = _("男・女・その他、または1・2・9")
STATUS_ALLOWED = _("住民・転出・死亡")
CARE_ALLOWED = _("要支援1・要支援2・要介護1〜要介護5、または空欄")
INTELLECTUAL_ALLOWED = _("A・B（A1・A2・B1・B2も可）、または空欄")
FLAG_ALLOWED = _("有・無、または1・0")


_CODE_RE = re.compile(r"[0-9A-Za-z-]+")
_PHONE_RE = re.compile(r"[0-9()+\- ]*")


class ImportNotAllowed(PermissionError):  # noqa: N818 - reads as the refusal it is
    def __init__(self) -> None:
        super().__init__(str(NOT_ALLOWED_MESSAGE))


class _Bad(Exception):  # noqa: N818 - internal signal: one cell cannot be read
    pass


# ── cell parsers: each takes the cell text and its column name, returns the stored value or raises _Bad ──


def _text(limit: int, *, required: bool = False) -> Callable[[str, str], str]:
    def parse(text: str, column: str) -> str:
        value = text.strip()
        if required and not value:
            raise _Bad(str(REQUIRED_VALUE_MESSAGE).format(column=column))
        if len(value) > limit:
            raise _Bad(str(TOO_LONG_MESSAGE).format(column=column, limit=limit, length=len(value)))
        return value  # names and addresses exactly as given: no folding of 髙/﨑, no width change

    return parse


def _code(*, required: bool) -> Callable[[str, str], str]:
    def parse(text: str, column: str) -> str:
        value = unicodedata.normalize("NFKC", text).strip()
        if not value:
            if required:
                raise _Bad(str(REQUIRED_VALUE_MESSAGE).format(column=column))
            return ""
        if len(value) > 20:
            raise _Bad(str(TOO_LONG_MESSAGE).format(column=column, limit=20, length=len(value)))
        if _CODE_RE.fullmatch(value) is None:
            raise _Bad(str(CODE_CHARS_MESSAGE).format(column=column, value=text.strip()))
        return value

    return parse


def _kana(limit: int, *, required: bool = False) -> Callable[[str, str], str]:
    def parse(text: str, column: str) -> str:
        try:
            value = normalize_kana_reading(text)
        except ValueError:
            raise _Bad(str(KANA_MESSAGE).format(column=column, value=text.strip())) from None
        if required and not value:
            raise _Bad(str(REQUIRED_VALUE_MESSAGE).format(column=column))
        if len(value) > limit:
            raise _Bad(str(TOO_LONG_MESSAGE).format(column=column, limit=limit, length=len(value)))
        return value

    return parse


def _date(today: datetime.date, *, required: bool) -> Callable[[str, str], datetime.date | None]:
    def parse(text: str, column: str) -> datetime.date | None:
        if not text.strip():
            if required:
                raise _Bad(str(REQUIRED_VALUE_MESSAGE).format(column=column))
            return None
        try:
            return parse_birth_date(text, today=today)
        except ValueError as exc:
            reason = str(exc)
            if reason == INVALID_DATE_MESSAGE:
                reason = str(DATE_EXAMPLES)
            elif reason == FUTURE_DATE_MESSAGE:
                reason = str(DATE_IN_FUTURE)
            raise _Bad(str(DATE_MESSAGE).format(column=column, value=text.strip(), reason=reason)) from None

    return parse


def _choice(mapping: dict[str, Any], allowed: str, *, required: bool = False) -> Callable[[str, str], Any]:
    def parse(text: str, column: str) -> Any:
        key = unicodedata.normalize("NFKC", text).strip()
        if not key and required:
            raise _Bad(str(REQUIRED_VALUE_MESSAGE).format(column=column))
        try:
            return mapping[key]
        except KeyError:
            raise _Bad(str(CHOICE_MESSAGE).format(column=column, value=text.strip(), allowed=allowed)) from None

    return parse


def _grade(low: int, high: int) -> Callable[[str, str], int | None]:
    def parse(text: str, column: str) -> int | None:
        key = unicodedata.normalize("NFKC", text).strip().removesuffix("級")
        if not key:
            return None
        if key.isdigit() and low <= int(key) <= high:
            return int(key)
        raise _Bad(str(GRADE_MESSAGE).format(column=column, value=text.strip(), low=low, high=high))

    return parse


def _phone(text: str, column: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip()
    if len(value) > 30:
        raise _Bad(str(TOO_LONG_MESSAGE).format(column=column, limit=30, length=len(value)))
    if _PHONE_RE.fullmatch(value) is None:
        raise _Bad(str(PHONE_MESSAGE).format(value=text.strip()))
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
_HEADERS = {normalize_header(spelling): c.name for c in COLUMNS for spelling in (c.name, *c.aliases)}


def _parsers(today: datetime.date) -> dict[str, Callable[[str, str], Any]]:
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


# Person attributes taken straight from a column (the rest: household, town, status, dates are resolved).
_PLAIN_FIELDS = (
    "family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "sex",
    "address", "address_extra", "phone", "care_level", "physical_disability_type", "physical_disability_grade",
    "intellectual_disability_grade", "mental_disability_grade", "intractable_disease", "lives_alone",
    "elderly_only_household",
)  # fmt: skip
# A change to one of these is a correction of who the person is, kept as a CORRECTED event.
_IDENTITY_FIELDS = frozenset(
    {"family_name", "given_name", "family_name_kana", "given_name_kana", "birth_date", "sex"}
)
_ADDRESS_FIELDS = ("town_id", "address", "address_extra")


@dataclass(slots=True)
class _Row:
    line: int
    resident_number: str
    values: dict[str, Any]  # Person attnames → value, only for the columns the file has
    household_number: str | None  # None: no 世帯番号 column; "": no household
    status: str | None  # None: no 住民状態 column
    moved_on: datetime.date | None


@dataclass(frozen=True)
class ImportResult:
    batch_id: int | None  # None for a dry run
    filename: str
    encoding: str
    row_count: int
    created: int
    updated: int
    unchanged: int
    moved_within: int
    moved_out: int
    died: int
    returned: int
    corrected: int
    households_created: int
    dry_run: bool

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.row_count,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "moved_within": self.moved_within,
            "moved_out": self.moved_out,
            "died": self.died,
            "returned": self.returned,
            "corrected": self.corrected,
            "households_created": self.households_created,
        }


def _progress(iterable: Iterable[Any], *, enabled: bool, total: int, desc: str) -> Iterator[Any]:
    if not enabled or total <= PROGRESS_THRESHOLD:
        return iter(iterable)
    return iter(tqdm(iterable, total=total, desc=desc, unit="行", file=sys.stderr, leave=False))


class _Towns:
    """The ward's 町丁目, loaded once, resolved from a code and/or a name with the reasons for failure."""

    def __init__(self) -> None:
        self.by_code: dict[str, Town] = {}
        self.by_id: dict[int, Town] = {}
        self.by_name: dict[str, list[Town]] = defaultdict(list)
        for town in Town.objects.only("id", "code", "name"):
            self.by_code[town.code] = town
            self.by_id[town.pk] = town
            self.by_name[town.name].append(town)
        self._memo: dict[tuple[str | None, str | None], tuple[str, int | str]] = {}

    def resolve(self, code: str | None, name: str | None) -> tuple[str, int | str]:
        """("ok", town id) or (column, Japanese reason)."""
        key = (code, name)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(code, name)
        return found

    def _resolve(self, code: str | None, name: str | None) -> tuple[str, int | str]:
        if code:
            town = self.by_code.get(code)
            if town is None:
                return "町丁目コード", str(TOWN_UNKNOWN_CODE_MESSAGE).format(value=code)
            if name and name != town.name:
                return "町丁目名", str(TOWN_MISMATCH_MESSAGE).format(code=code, town=town.name, value=name)
            return "ok", town.pk
        if name:
            towns = self.by_name.get(name, [])
            if not towns:
                return "町丁目名", str(TOWN_UNKNOWN_NAME_MESSAGE).format(value=name)
            if len(towns) > 1:
                return "町丁目名", str(TOWN_AMBIGUOUS_MESSAGE).format(value=name)
            return "ok", towns[0].pk
        return "町丁目コード", str(TOWN_REQUIRED_MESSAGE)

    def describe(self, town_id: int, address: str, address_extra: str) -> dict[str, str]:
        town = self.by_id[town_id]
        return {"town_code": town.code, "town": town.name, "address": address, "address_extra": address_extra}


def _read_rows(
    table: CSVTable, *, today: datetime.date, towns: _Towns, progress: bool
) -> tuple[list[_Row], list[RowError]]:
    """Every row read and checked; every error collected (nothing stops at the first one)."""
    parsers = _parsers(today)
    present = [(c, table.columns[c.name], parsers[c.attname]) for c in COLUMNS if c.name in table.columns]
    memos: dict[str, dict[str, tuple[bool, Any]]] = {c.attname: {} for c, _index, _parse in present}
    has_town = "町丁目コード" in table.columns or "町丁目名" in table.columns
    rows: list[_Row] = []
    errors: list[RowError] = list(table.errors)
    first_line: dict[str, int] = {}
    for raw in _progress(table.rows, enabled=progress, total=len(table.rows), desc="検査"):
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for column, index, parse in present:
            text = raw.values[index]
            memo = None if column.unique else memos[column.attname]
            cached = memo.get(text) if memo is not None else None
            if cached is None:
                try:
                    cached = (True, parse(text, column.name))
                except _Bad as bad:
                    cached = (False, str(bad))
                if memo is not None:
                    memo[text] = cached
            ok, value = cached
            if ok:
                values[column.attname] = value
            else:
                row_errors.append(RowError(raw.line, column.name, value))
        number = values.pop("resident_number", None)
        if number:
            if number in first_line:
                message = str(DUPLICATE_NUMBER_MESSAGE).format(value=number, first=first_line[number])
                row_errors.append(RowError(raw.line, "宛名番号", message))
            else:
                first_line[number] = raw.line
        if has_town:
            code, name = values.pop("town_code", None), values.pop("town_name", None)
            # A town cell that could not be read has been reported already; resolving it would say it twice.
            if not any(e.column in ("町丁目コード", "町丁目名") for e in row_errors):
                column, resolved = towns.resolve(code, name)
                if column == "ok":
                    values["town_id"] = resolved
                else:
                    row_errors.append(RowError(raw.line, column, str(resolved)))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(
            _Row(
                line=raw.line,
                resident_number=str(number),
                values=values,
                household_number=values.pop("household_number", None),
                status=values.pop("status", None),
                moved_on=values.pop("moved_on", None),
            )
        )
    return rows, errors



def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _household_ids(numbers: set[str], *, create: bool) -> tuple[dict[str, int], int]:
    """世帯番号 → household id, creating the missing households in bulk (or, for a dry run, giving them
    negative stand-in ids so that comparisons still see a change)."""
    ids: dict[str, int] = {}
    ordered = sorted(numbers)
    for chunk in _chunks(ordered, LOOKUP_CHUNK):
        ids.update(Household.objects.filter(number__in=chunk).values_list("number", "id"))
    missing = [number for number in ordered if number not in ids]
    if not create:
        ids.update({number: -n for n, number in enumerate(missing, start=1)})
        return ids, len(missing)
    _insert_rows(Household, ["number"], [(number,) for number in missing])
    for chunk in _chunks(missing, LOOKUP_CHUNK):
        ids.update(Household.objects.filter(number__in=chunk).values_list("number", "id"))
    return ids, len(missing)


def _existing_persons(numbers: Sequence[str]) -> dict[str, Person]:
    """The registered residents the file names, by 宛名番号."""
    registered = Person.objects.count()
    if registered <= 2 * len(numbers):
        # The file names most of the registry (or the registry is empty): one scan beats many lookups.
        wanted = set(numbers)
        return {p.resident_number: p for p in Person.objects.iterator(chunk_size=5000) if p.resident_number in wanted}
    existing: dict[str, Person] = {}
    for chunk in _chunks(numbers, LOOKUP_CHUNK):
        for person in Person.objects.filter(resident_number__in=chunk):
            existing[person.resident_number] = person
    return existing


class _Keys:
    """Search keys, remembered per name part: surnames and readings repeat a great deal in a ward.

    Keys are built part by part and joined; for registered names (no combining marks at a part's start) this
    equals the key of the joined name, which is what the rest of the app computes."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._kana: dict[str, str] = {}

    def name(self, family: str, given: str) -> str:
        return self._name(family) + self._name(given)

    def kana(self, family: str, given: str) -> str:
        return self._kana_part(family) + self._kana_part(given)

    def _name(self, text: str) -> str:
        key = self._names.get(text)
        if key is None:
            key = self._names[text] = name_search_key(text)
        return key

    def _kana_part(self, text: str) -> str:
        key = self._kana.get(text)
        if key is None:
            key = self._kana[text] = kana_search_key(text)
        return key


@dataclass
class _Plan:
    new: list[Person] = field(default_factory=list)
    updates: dict[tuple[str, ...], list[Person]] = field(default_factory=lambda: defaultdict(list))
    events: list[tuple[Person, str, datetime.date, dict[str, Any]]] = field(default_factory=list)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("created", "updated", "unchanged", "moved_within", "moved_out", "died", "returned", "corrected"), 0
        )
    )

    def event(self, person: Person, kind: str, day: datetime.date, details: dict[str, Any] | None = None) -> None:
        self.events.append((person, kind, day, details or {}))
        counted = {
            ResidencyEventKind.MOVED_WITHIN: "moved_within",
            ResidencyEventKind.MOVED_OUT: "moved_out",
            ResidencyEventKind.DIED: "died",
            ResidencyEventKind.RETURNED: "returned",
            ResidencyEventKind.CORRECTED: "corrected",
        }.get(kind)
        if counted:
            self.counts[counted] += 1


_STATUS_EVENT = {
    ResidentStatus.MOVED_OUT: ResidencyEventKind.MOVED_OUT,
    ResidentStatus.DECEASED: ResidencyEventKind.DIED,
}


def _plan(
    rows: list[_Row], *, existing: dict[str, Person], households: dict[str, int], towns: _Towns, today: datetime.date
) -> _Plan:
    """What the file changes, worked out in Python against the loaded residents."""
    plan = _Plan()
    keys = _Keys()
    for row in rows:
        values = row.values
        if row.household_number is not None:
            values["household_id"] = households[row.household_number] if row.household_number else None
        person = existing.get(row.resident_number)
        if person is None:
            _plan_new(plan, row, keys, today)
        else:
            _plan_existing(plan, row, person, keys, towns, today)
    return plan


def _plan_new(plan: _Plan, row: _Row, keys: _Keys, today: datetime.date) -> None:
    status = row.status or ResidentStatus.RESIDENT
    changed_on = row.moved_on if status == ResidentStatus.RESIDENT else (row.moved_on or today)
    person = Person(resident_number=row.resident_number, status=status, status_changed_on=changed_on, **row.values)
    person.name_key = keys.name(person.family_name, person.given_name)
    person.kana_key = keys.kana(person.family_name_kana, person.given_name_kana)
    plan.new.append(person)
    plan.counts["created"] += 1
    if status == ResidentStatus.RESIDENT and row.moved_on is not None:
        plan.event(person, ResidencyEventKind.MOVED_IN, row.moved_on)
        return
    plan.event(person, ResidencyEventKind.REGISTERED, today)
    if status != ResidentStatus.RESIDENT:
        plan.event(person, _STATUS_EVENT[status], changed_on)


def _plan_existing(plan: _Plan, row: _Row, person: Person, keys: _Keys, towns: _Towns, today: datetime.date) -> None:
    changed = [name for name, value in row.values.items() if getattr(person, name) != value]
    old_status = person.status
    new_status = row.status or old_status
    if not changed and new_status == old_status:
        plan.counts["unchanged"] += 1
        return
    before = towns.describe(person.town_id, person.address, person.address_extra)
    for name in changed:
        setattr(person, name, row.values[name])
    identity = sorted(_IDENTITY_FIELDS.intersection(changed))
    if identity:
        name_key = keys.name(person.family_name, person.given_name)
        kana_key = keys.kana(person.family_name_kana, person.given_name_kana)
        changed += [n for n, v in (("name_key", name_key), ("kana_key", kana_key)) if getattr(person, n) != v]
        person.name_key, person.kana_key = name_key, kana_key
    day = row.moved_on or today
    if new_status != old_status:
        person.status, person.status_changed_on = new_status, day
        changed += ["status", "status_changed_on"]
        if old_status == ResidentStatus.DECEASED:
            # The registry does not bring the dead back: this undoes a wrong entry, so it is a correction.
            identity = sorted({*identity, "status"})
        elif new_status == ResidentStatus.RESIDENT:
            plan.event(person, ResidencyEventKind.RETURNED, day, {"to": towns.describe(*_address(person))})
        else:
            plan.event(person, _STATUS_EVENT[new_status], day)
    elif new_status == ResidentStatus.RESIDENT and any(name in changed for name in _ADDRESS_FIELDS):
        after = towns.describe(*_address(person))
        plan.event(person, ResidencyEventKind.MOVED_WITHIN, day, {"from": before, "to": after})
    if identity:
        plan.event(person, ResidencyEventKind.CORRECTED, today, {"fields": identity})
    plan.updates[tuple(sorted(changed))].append(person)
    plan.counts["updated"] += 1


def _address(person: Person) -> tuple[int, str, str]:
    return person.town_id, person.address, person.address_extra


def _check_header(table: CSVTable) -> None:
    """Header problems stop the import before any row is read: the rows' meaning would be guesswork."""
    errors = [e for e in table.errors if e.line == 1]
    if table.header and "町丁目コード" not in table.columns and "町丁目名" not in table.columns:
        errors.append(RowError(1, "町丁目コード", str(TOWN_HEADER_MESSAGE)))
    if errors:
        raise ImportFailed(errors)


def _decode(source: str | Path | bytes | IO[bytes]) -> DecodedCSV:
    try:
        return read_csv_text(source)
    except UndecodableFileError as exc:
        raise ImportFailed([RowError(0, "", str(exc))]) from None


def residents_import(
    *,
    source: str | Path | bytes | IO[bytes],
    user: Any = None,
    filename: str = "",
    progress: bool = False,
    dry_run: bool = False,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> ImportResult:
    """Import a resident CSV (a path, bytes or a binary file). `user` None means the system (the command run
    without --user). Whether the user may import is the caller's question to the access policy
    (tsunagu.registry.services.registry_residents_import asks it).

    Raises ImportFailed with every bad row; then nothing has been written.
    A dry run checks the file and counts what would change, writing nothing."""
    if not filename and isinstance(source, str | Path):
        filename = Path(source).name
    started_at = timezone.now()
    today = today or today_jst()
    decoded = _decode(source)
    table = read_table(decoded.text, known=_HEADERS, required=REQUIRED_COLUMNS)
    _check_header(table)
    towns = _Towns()
    rows, errors = _read_rows(table, today=today, towns=towns, progress=progress)
    if errors:
        raise ImportFailed(errors)

    def work(batch: ImportBatch | None) -> tuple[_Plan, int]:
        numbers = {r.household_number for r in rows if r.household_number}
        households, households_created = _household_ids(numbers, create=batch is not None)
        existing = _existing_persons([r.resident_number for r in rows])
        plan = _plan(rows, existing=existing, households=households, towns=towns, today=today)
        if batch is not None:
            _write(plan, batch=batch, user=user, progress=progress)
        return plan, households_created

    if dry_run:
        plan, households_created = work(None)
        return _result(None, filename, decoded, len(rows), plan, households_created, dry_run=True)

    actor = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            filename=filename[:255],
            sha256=decoded.sha256,
            encoding=decoded.encoding,
            row_count=len(rows),
            imported_by=actor,
            started_at=started_at,
        )
        plan, households_created = work(batch)
        counts = plan.counts
        batch.created_count, batch.updated_count = counts["created"], counts["updated"]
        batch.unchanged_count, batch.moved_out_count, batch.died_count = (
            counts["unchanged"],
            counts["moved_out"],
            counts["died"],
        )
        batch.finished_at = timezone.now()
        batch.save()
        result = _result(batch.pk, filename, decoded, len(rows), plan, households_created, dry_run=False)
        audit_record(
            actor=user,
            action=AuditAction.IMPORT,
            target_type="person",
            detail={
                "batch": batch.pk,
                "filename": filename,
                "encoding": decoded.encoding,
                "sha256": decoded.sha256,
                "counts": result.counts(),
            },
            request=request,
            username=SYSTEM_USERNAME if user is None else "",
        )
    return result


def _write(plan: _Plan, *, batch: ImportBatch, user: Any, progress: bool) -> None:
    recorder = user if user is not None and user.is_authenticated else None
    total = len(plan.new) + sum(len(p) for p in plan.updates.values()) + len(plan.events)
    bar = tqdm(
        total=total,
        desc="書き込み",
        unit="件",
        file=sys.stderr,
        leave=False,
        disable=not progress or total <= PROGRESS_THRESHOLD,
    )
    with bar:
        for chunk in _chunks(plan.new, IMPORT_BATCH_SIZE * 10):
            Person.objects.bulk_create(chunk, batch_size=IMPORT_BATCH_SIZE)
            bar.update(len(chunk))
        now = timezone.now()
        for fields, persons in plan.updates.items():
            for person in persons:
                person.updated_at = now
            for chunk in _chunks(persons, IMPORT_BATCH_SIZE * 10):
                Person.objects.bulk_update(chunk, [*fields, "updated_at"], batch_size=IMPORT_BATCH_SIZE)
                bar.update(len(chunk))
        recorded_at = timezone.now()
        events = [
            (person.pk, kind, day, details, batch.pk, recorder.pk if recorder else None, recorded_at)
            for person, kind, day, details in plan.events
        ]
        columns = ["person_id", "kind", "occurred_on", "details", "import_batch_id", "recorded_by_id", "recorded_at"]
        for chunk in _chunks(events, IMPORT_BATCH_SIZE * 10):
            _insert_rows(ResidencyEvent, columns, chunk)
            bar.update(len(chunk))


def _insert_rows(model: type[Model], attnames: list[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT rows the import built itself, in multi-row statements, each distinct value prepared once.

    bulk_create prepares every field of every object anew, which made the residency events cost nearly as
    much as the residents (measured in bench/). Rows here are plain tuples: no save(), no signals, no ids back.
    Every column of the table without a database default must be among `attnames`."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(attname) for attname in attnames]
    prepare = [_preparer(f, connection) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    unnest = connection.vendor == "postgresql"
    if unnest:
        # As Django's own bulk insert on PostgreSQL: one array per column keeps the statement short, where
        # thousands of placeholders cost more to parse than the rows cost to insert. Array types drop their
        # length (varchar, not varchar(20)) as Django does.
        arrays = ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)
        statement = f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({arrays})"  # noqa: S608
        size = IMPORT_BATCH_SIZE
    else:
        one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = max(1, min(IMPORT_BATCH_SIZE, connection.ops.bulk_batch_size(fields, rows)))
    # Table and column names come from the model's metadata; every value is a parameter.
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, size):
            prepared = [[p(value) for p, value in zip(prepare, row, strict=True)] for row in chunk]
            if unnest:
                cursor.execute(statement, [list(column) for column in zip(*prepared, strict=True)])
            else:
                values = ", ".join([one_row] * len(chunk))
                sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
                cursor.execute(sql, [value for row in prepared for value in row])

def _preparer(model_field: Any, connection: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    memo: dict[Any, Any] = {}

    def prepare(value: Any) -> Any:
        try:
            return memo[value]
        except KeyError:
            prepared = memo[value] = model_field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable, e.g. a JSON dict
            return model_field.get_db_prep_save(value, connection)

    return prepare

def _result(
    batch_id: int | None,
    filename: str,
    decoded: DecodedCSV,
    row_count: int,
    plan: _Plan,
    households_created: int,
    *,
    dry_run: bool,
) -> ImportResult:
    c = plan.counts
    return ImportResult(
        batch_id=batch_id,
        filename=filename,
        encoding=decoded.encoding,
        row_count=row_count,
        created=c["created"],
        updated=c["updated"],
        unchanged=c["unchanged"],
        moved_within=c["moved_within"],
        moved_out=c["moved_out"],
        died=c["died"],
        returned=c["returned"],
        corrected=c["corrected"],
        households_created=households_created,
        dry_run=dry_run,
    )
