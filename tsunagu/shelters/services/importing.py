"""Importing 指定緊急避難場所一覧 from a CSV file: `tsunagu import_shelters FILE`.

Two layouts are recognised from the header (see docs/import-shelters.md):
- デジタル庁 自治体標準オープンデータセット (全国地方公共団体コード, ID, 名称, … 災害種別_洪水 … 想定収容人数 …), as
  municipalities and prefectures publish it;
- 国土地理院's national list (NO, 共通ID, 都道府県名及び市町村名, 施設・場所名, 住所, 洪水 …, 緯度, 経度, 備考).

Published files are edited by hand in Excel, so two defects are common: a code that lost its leading zero
(a number column in Excel) and a row whose values slid one cell against the header. The first is repaired; the
second is reported with its line number, never guessed. Like every import here, nothing is written unless the
whole file is good. Shelters are keyed by their ID (共通ID): a second import updates them in place."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.areas.models import local_government_check_digit
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.csvio import (
    EMPTY_FILE_MESSAGE,
    REQUIRED_VALUE_MESSAGE,
    SYSTEM_USERNAME,
    TOO_LONG_MESSAGE,
    ImportFailed,
    RowError,
    UndecodableFileError,
    normalize_header,
    read_csv_text,
)
from tsunagu.core.japanese import normalize_phone, to_katakana
from tsunagu.shelters.models import HAZARD_FIELDS, Shelter

__all__ = [
    "LAYOUT_GSI",
    "LAYOUT_STANDARD",
    "ImportFailed",
    "ShelterImportResult",
    "SheltersImportNotAllowed",
    "check_digit",
    "repair_leading_zero",
    "shelters_import",
]

BATCH_SIZE = 500
LAYOUT_STANDARD = "standard"  # デジタル庁 自治体標準オープンデータセット
LAYOUT_GSI = "gsi"  # 国土地理院 緊急避難場所データ

NOT_ALLOWED_MESSAGE = _("避難場所の一覧を取り込む権限がありません（区役所の福祉部門の職員のみ）")
UNKNOWN_LAYOUT_MESSAGE = _(
    "見出しから様式を判別できません。自治体標準オープンデータセット（全国地方公共団体コード・ID・名称…）または"
    "国土地理院の緊急避難場所一覧（NO・共通ID・施設・場所名…）の見出しのまま保存してください"
)
COLUMN_COUNT_MESSAGE = _("列の数がヘッダーと合いません（ヘッダー{n}列、この行{m}列）")
LATITUDE_MESSAGE = _("緯度「{value}」は-90〜90の数値で入力してください")
LONGITUDE_MESSAGE = _("経度「{value}」は-180〜180の数値で入力してください")
COORDINATE_PAIR_MESSAGE = _("緯度と経度は両方入力するか、両方空にしてください")
FLAG_MESSAGE = _("{column}「{value}」は 1（該当）か空欄で入力してください")
CAPACITY_MESSAGE = _("想定収容人数「{value}」は0以上の整数で入力してください")
CODE_MESSAGE = _("{column}「{value}」は{digits}桁の数字（末尾は検査数字）で入力してください")
ID_CHARS_MESSAGE = _("{column}「{value}」に使えない文字があります（英数字とハイフンのみ）")
DUPLICATE_ID_MESSAGE = _("{column}「{value}」が{first}行目と重複しています")

# Canonical column names (the standard layout's spelling) and which header each layout uses for them.
CODE, LG_CODE, NAME, KANA, ADDRESS = "ID", "全国地方公共団体コード", "名称", "名称_カナ", "所在地_連結表記"
LAT, LON, PHONE, NOTE = "緯度", "経度", "電話番号", "備考"
DESIGNATED, CAPACITY, ASSOCIATIONS = "指定避難所との重複", "想定収容人数", "対象となる町会・自治会"
LOCALITY = "都道府県名及び市町村名"  # 国土地理院: the municipality, put before 住所 when 住所 lacks it

_STANDARD_COLUMNS: dict[str, str] = {
    LG_CODE: LG_CODE,
    "ID": CODE,
    NAME: NAME,
    KANA: KANA,
    ADDRESS: ADDRESS,
    LAT: LAT,
    LON: LON,
    PHONE: PHONE,
    NOTE: NOTE,
    DESIGNATED: DESIGNATED,
    CAPACITY: CAPACITY,
    ASSOCIATIONS: ASSOCIATIONS,
    **{f"災害種別_{label}": field for field, label in HAZARD_FIELDS},
}
_GSI_COLUMNS: dict[str, str] = {
    "共通ID": CODE,
    "施設・場所名": NAME,
    "住所": ADDRESS,
    LOCALITY: LOCALITY,
    LAT: LAT,
    LON: LON,
    NOTE: NOTE,
    "指定避難所との住所同一": DESIGNATED,
    **{label: field for field, label in HAZARD_FIELDS},
}
_LAYOUTS = {
    # (header spelling → column, columns that must be present)
    LAYOUT_STANDARD: (_STANDARD_COLUMNS, (LG_CODE, CODE, NAME)),
    LAYOUT_GSI: (_GSI_COLUMNS, (CODE, NAME)),
}
_TRUE = {"1", "○", "〇", "◯", "TRUE", "true", "True", "はい"}
_FALSE = {"", "0", "×", "FALSE", "false", "False", "いいえ", "-"}
# 全国地方公共団体コード: 5 digits + a check digit. Excel keeps it as a number, so 北海道's 011011 becomes 11011.
LG_CODE_DIGITS = 6
ZERO_PREFECTURES = ("北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県")


class SheltersImportNotAllowed(PermissionError):  # noqa: N818 - reads as the refusal it is
    def __init__(self) -> None:
        super().__init__(str(NOT_ALLOWED_MESSAGE))


@dataclass(frozen=True)
class ShelterImportResult:
    layout: str
    row_count: int
    created: int
    updated: int
    unchanged: int
    zeros_repaired: int  # codes that had lost their leading zero
    dry_run: bool

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.row_count,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "zeros_repaired": self.zeros_repaired,
        }


def check_digit(code5: str) -> str:
    """The check digit of a 5-digit 団体コード, as text (areas.models.local_government_check_digit)."""
    return str(local_government_check_digit(code5))


def repair_leading_zero(value: str, digits: int = LG_CODE_DIGITS) -> tuple[str, bool]:
    """A numeric 全国地方公共団体コード one digit short lost its leading zero in a spreadsheet (北海道 011011 →
    11011): give it back when the check digit then agrees. Returns (code, repaired).

    A 5-digit value whose zero-padded form fails the check digit is the short form without a check digit
    (中央区 27128): the check digit is appended, since both name the same municipality."""
    if not (value.isdigit() and len(value) == digits - 1):
        return value, False
    padded = "0" + value
    if check_digit(padded[:5]) == padded[5]:
        return padded, True
    return value + check_digit(value), False


def valid_lg_code(value: str) -> bool:
    return value.isdigit() and len(value) == LG_CODE_DIGITS and check_digit(value[:5]) == value[5]


def _lost_zero(code: str, lg_code: str, locality: str) -> bool:
    """Whether a numeric ID built on the 団体コード lost its leading zero: its municipality's code starts with 0
    (北海道 to 栃木県, prefecture codes 01–09) and the ID does not. With a 団体コード column the ID must start
    with that code minus its zero; in the 国土地理院 layout the prefecture named in 都道府県名及び市町村名 tells."""
    if code.startswith("0"):
        return False
    if lg_code:
        return lg_code.startswith("0") and code.startswith(lg_code[1:])
    return locality.startswith(ZERO_PREFECTURES)


def _records(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    previous_end = 0
    for record in reader:
        # A quoted cell may span lines: a record starts one after where the previous one ended.
        records.append((previous_end + 1, record))
        previous_end = reader.line_num
    return records


def _detect(header: list[str]) -> tuple[str, dict[str, int]] | None:
    """The layout whose required columns are all in the header, and canonical column → index."""
    normalized = [normalize_header(cell) for cell in header]
    for layout, (spellings, required) in _LAYOUTS.items():
        known = {normalize_header(spelling): column for spelling, column in spellings.items()}
        columns: dict[str, int] = {}
        for index, cell in enumerate(normalized):
            column = known.get(cell)
            if column is not None and column not in columns:
                columns[column] = index
        if all(column in columns for column in required):
            return layout, columns
    return None


@dataclass
class _Row:
    line: int
    fields: dict[str, Any]


def _text(values: list[str], columns: dict[str, int], column: str) -> str:
    index = columns.get(column)
    return "" if index is None else unicodedata.normalize("NFKC", values[index]).strip()


def _raw(values: list[str], columns: dict[str, int], column: str) -> str:
    # Names and addresses are kept as written (no NFKC: it would turn 全角 digits in 方書 and ㈱ into ASCII).
    index = columns.get(column)
    return "" if index is None else values[index].strip()


def _coordinate(value: str, limit: int, message: Any, column: str, line: int, errors: list[RowError]) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not -limit <= number <= limit:
        errors.append(RowError(line, column, str(message).format(value=value)))
        return None
    return number.quantize(Decimal("0.000001"))


def _limited(value: str, column: str, limit: int, line: int, errors: list[RowError]) -> str:
    if len(value) > limit:
        errors.append(
            RowError(line, column, str(TOO_LONG_MESSAGE).format(column=column, limit=limit, length=len(value)))
        )
    return value


def _parse_row(
    line: int, values: list[str], columns: dict[str, int], layout: str, errors: list[RowError]
) -> tuple[_Row | None, int]:
    """One row's fields for Shelter, and how many codes were repaired; None when the row has errors."""
    row_errors: list[RowError] = []
    repaired = 0
    id_column = "ID" if layout == LAYOUT_STANDARD else "共通ID"

    lg_code = _text(values, columns, LG_CODE)
    if lg_code:
        lg_code, fixed = repair_leading_zero(lg_code, LG_CODE_DIGITS)
        repaired += fixed
        if not valid_lg_code(lg_code):
            message = str(CODE_MESSAGE).format(column=LG_CODE, value=lg_code, digits=LG_CODE_DIGITS)
            row_errors.append(RowError(line, LG_CODE, message))

    code = _text(values, columns, CODE)
    if not code:
        row_errors.append(RowError(line, id_column, str(REQUIRED_VALUE_MESSAGE).format(column=id_column)))
    elif not all(c.isascii() and (c.isalnum() or c == "-") for c in code):
        row_errors.append(RowError(line, id_column, str(ID_CHARS_MESSAGE).format(column=id_column, value=code)))
    elif code.isdigit() and _lost_zero(code, lg_code, _text(values, columns, LOCALITY)):
        code, repaired = "0" + code, repaired + 1
    _limited(code, id_column, 40, line, row_errors)

    name_column = NAME if layout == LAYOUT_STANDARD else "施設・場所名"
    name = _raw(values, columns, NAME)
    if not name:
        row_errors.append(RowError(line, name_column, str(REQUIRED_VALUE_MESSAGE).format(column=name_column)))
    _limited(name, name_column, 200, line, row_errors)

    address = _raw(values, columns, ADDRESS)
    locality = _raw(values, columns, LOCALITY)
    if locality and not address.startswith(locality):
        address = locality + address
    _limited(address, ADDRESS, 300, line, row_errors)

    latitude = _coordinate(_text(values, columns, LAT), 90, LATITUDE_MESSAGE, LAT, line, row_errors)
    longitude = _coordinate(_text(values, columns, LON), 180, LONGITUDE_MESSAGE, LON, line, row_errors)
    if (latitude is None) != (longitude is None) and not any(e.column in (LAT, LON) for e in row_errors):
        row_errors.append(RowError(line, LAT, str(COORDINATE_PAIR_MESSAGE)))

    flags: dict[str, bool] = {}
    for field in [f for f, _label in HAZARD_FIELDS] + [DESIGNATED]:
        if field not in columns:
            continue
        value = _text(values, columns, field)
        label = dict(HAZARD_FIELDS).get(field, DESIGNATED)
        if value in _TRUE:
            flags[field] = True
        elif value in _FALSE:
            flags[field] = False
        else:
            row_errors.append(RowError(line, label, str(FLAG_MESSAGE).format(column=label, value=value)))

    capacity = None
    capacity_text = _text(values, columns, CAPACITY).replace(",", "")
    if capacity_text:
        if capacity_text.isdigit():
            capacity = int(capacity_text)
        else:
            row_errors.append(RowError(line, CAPACITY, str(CAPACITY_MESSAGE).format(value=capacity_text)))

    fields: dict[str, Any] = {
        "code": code,
        "name": name,
        "address": address,
        "latitude": latitude,
        "longitude": longitude,
        "note": _limited(_raw(values, columns, NOTE), NOTE, 500, line, row_errors),
    }
    if LG_CODE in columns:
        fields["local_government_code"] = lg_code
    if KANA in columns:
        # Readings are published in hiragana, katakana or half-width kana: stored as full-width katakana (as a
        # resident's フリガナ is), so the shelter list's 50音 order does not depend on how a file spelled them.
        fields["name_kana"] = _limited(to_katakana(_raw(values, columns, KANA)), KANA, 200, line, row_errors)
    if PHONE in columns:
        # Stored half-width like every phone number here (０６－６５５５－０１０１, 06ー6555ー0101 → 06-6555-0101).
        fields["phone"] = _limited(normalize_phone(_raw(values, columns, PHONE)), PHONE, 30, line, row_errors)
    if CAPACITY in columns:
        fields["capacity"] = capacity
    if ASSOCIATIONS in columns:
        associations = _raw(values, columns, ASSOCIATIONS)
        fields["target_associations"] = _limited(associations, ASSOCIATIONS, 500, line, row_errors)
    if DESIGNATED in flags:
        fields["is_designated_shelter"] = flags.pop(DESIGNATED)
    fields.update(flags)
    if row_errors:
        errors.extend(row_errors)
        return None, 0
    return _Row(line, fields), repaired


def _read(text: str) -> tuple[str, list[_Row], int]:
    records = _records(text)
    if not records or not any(cell.strip() for cell in records[0][1]):
        raise ImportFailed([RowError(1, "", str(EMPTY_FILE_MESSAGE))])
    header_line, header = records[0]
    # Excel leaves empty cells after the last column when a sheet once had more: ignore them.
    while header and not header[-1].strip():
        header.pop()
    detected = _detect(header)
    if detected is None:
        raise ImportFailed([RowError(header_line, "", str(UNKNOWN_LAYOUT_MESSAGE))])
    layout, columns = detected
    width = len(header)
    errors: list[RowError] = []
    rows: list[_Row] = []
    repaired = 0
    first_line: dict[str, int] = {}
    for line, values in records[1:]:
        if not any(value.strip() for value in values):
            continue
        if len(values) > width and not any(v.strip() for v in values[width:]):
            values = values[:width]  # Excel pads ragged rows with empty cells: harmless
        if len(values) != width:
            # A shifted row: which value belongs to which column would be guesswork.
            errors.append(RowError(line, "", str(COLUMN_COUNT_MESSAGE).format(n=width, m=len(values))))
            continue
        row, fixed = _parse_row(line, values, columns, layout, errors)
        if row is None:
            continue
        code = row.fields["code"]
        if code in first_line:
            id_column = "ID" if layout == LAYOUT_STANDARD else "共通ID"
            message = str(DUPLICATE_ID_MESSAGE).format(column=id_column, value=code, first=first_line[code])
            errors.append(RowError(line, id_column, message))
            continue
        first_line[code] = line
        rows.append(row)
        repaired += fixed
    if errors:
        raise ImportFailed(errors)
    return layout, rows, repaired


def shelters_import(
    *,
    source: str | Path | bytes | IO[bytes],
    user: Any = None,
    filename: str = "",
    dry_run: bool = False,
    request: HttpRequest | None = None,
) -> ShelterImportResult:
    """Import a shelter list in either layout. Raises SheltersImportNotAllowed or ImportFailed (every bad row);
    nothing is written then, nor on a dry run. Shelters missing from the file are kept, and so is the ward's own
    福祉避難所 mark, which no published list carries."""
    if user is not None and not policy.can(user, policy.Capability.MANAGE_SHELTERS):
        raise SheltersImportNotAllowed
    if not filename and isinstance(source, str | Path):
        filename = Path(source).name
    try:
        decoded = read_csv_text(source)
    except UndecodableFileError as exc:
        raise ImportFailed([RowError(0, "", str(exc))]) from None
    layout, rows, repaired = _read(decoded.text)

    existing = {s.code: s for s in Shelter.objects.filter(code__in=[r.fields["code"] for r in rows])}
    new: list[Shelter] = []
    changed: list[Shelter] = []
    changed_fields: set[str] = set()
    unchanged = 0
    for row in rows:
        shelter = existing.get(row.fields["code"])
        if shelter is None:
            new.append(Shelter(**row.fields))
            continue
        fields = [name for name, value in row.fields.items() if getattr(shelter, name) != value]
        for name in fields:
            setattr(shelter, name, row.fields[name])
        if fields:
            changed.append(shelter)
            changed_fields.update(fields)
        else:
            unchanged += 1
    result = ShelterImportResult(
        layout=layout,
        row_count=len(rows),
        created=len(new),
        updated=len(changed),
        unchanged=unchanged,
        zeros_repaired=repaired,
        dry_run=dry_run,
    )
    if dry_run:
        return result
    with transaction.atomic():
        Shelter.objects.bulk_create(new, batch_size=BATCH_SIZE)
        if changed:
            Shelter.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH_SIZE)
        audit_record(
            actor=user,
            action=AuditAction.IMPORT,
            target_type="shelter",
            detail={
                "filename": filename,
                "encoding": decoded.encoding,
                "sha256": decoded.sha256,
                "layout": layout,
                **result.counts(),
            },
            request=request,
            username=SYSTEM_USERNAME if user is None else "",
        )
    return result
