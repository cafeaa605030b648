"""Importing the ward's area table (町丁目 and their district layers) from a CSV file: `tsunagu import areas FILE`.

One row per 町丁目: 町丁目コード, 町丁目名, 町丁目名かな, 郵便番号 (optional), then one column per district layer
(小学校区, 出張所管内, 連合町会, 民生委員担当区域 or any DistrictType already defined, by name or code) holding the
district's name.
See docs/import-areas.md. Like the resident import: every bad row is reported, and nothing is written unless
the whole file is good. Towns missing from the file and districts no longer named are kept as they are.

An instance serving several wards imports each ward's table for that ward (`municipality`, the command's
--ward 全国地方公共団体コード); a single-ward instance needs nothing: the table is the home ward's. A town code
already used by another ward is refused.

District membership decides which residents 社協, care plazas and agreement holders see, so each import is
audit-logged."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import jaconv
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.areas.models import District, DistrictType, Municipality, Town, TownDistrict, home_municipality_id
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.csvio import (
    REQUIRED_VALUE_MESSAGE,
    SYSTEM_USERNAME,
    TOO_LONG_MESSAGE,
    ImportFailed,
    RowError,
    UndecodableFileError,
    normalize_header,
    read_csv_text,
    read_table,
)
from tsunagu.core.generations import ACCESS
from tsunagu.core.japanese import normalize_kana_reading

__all__ = ["STANDARD_TYPES", "AreaImportResult", "AreasImportNotAllowed", "ImportFailed", "areas_import"]

# The layers most wards use, created on first import when their column appears. (code, name)
STANDARD_TYPES: tuple[tuple[str, str], ...] = (
    ("school", "小学校区"),
    ("branch_office", "出張所管内"),
    ("association_federation", "連合町会"),
    ("minsei", "民生委員担当区域"),
)
BATCH_SIZE = 500

NOT_ALLOWED_MESSAGE = _("町丁目・地区の表を取り込む権限がありません（区役所の福祉部門の職員のみ）")
CODE_CHARS_MESSAGE = _("町丁目コード「{value}」に使えない文字があります（英数字とハイフンのみ）")
KANA_MESSAGE = _("町丁目名かな「{value}」はひらがなかカタカナで入力してください")
DUPLICATE_TOWN_MESSAGE = _("町丁目コード「{value}」が{first}行目と重複しています")
AMBIGUOUS_DISTRICT_MESSAGE = _("{column}「{value}」という地区が複数登録されています（管理画面で整理してください）")
NO_DISTRICT_COLUMN_MESSAGE = _("地区の列（小学校区・出張所管内・連合町会・民生委員担当区域など）が1つもありません")
OTHER_WARD_TOWN_MESSAGE = _("町丁目コード「{value}」は別の区（{ward}）の町丁目として登録されています")
POSTAL_CODE_MESSAGE = _("郵便番号「{value}」は7桁の数字で入力してください（例：551-0031）")

TOWN_CODE, TOWN_NAME, TOWN_KANA = "町丁目コード", "町丁目名", "町丁目名かな"
TOWN_POSTAL = "郵便番号"  # optional: the consent letters print it (〒) in the window-envelope address
_BASE_HEADERS = {
    normalize_header(spelling): column
    for column, spellings in (
        (TOWN_CODE, (TOWN_CODE, "町字ID", "コード")),
        (TOWN_NAME, (TOWN_NAME, "町丁目")),
        (TOWN_KANA, (TOWN_KANA, "町丁目名ふりがな", "町丁目名カナ", "町丁目名フリガナ", "ふりがな")),
        (TOWN_POSTAL, (TOWN_POSTAL, "〒")),
    )
    for spelling in spellings
}
_TYPE_PREFIX = "type:"


class AreasImportNotAllowed(PermissionError):  # noqa: N818 - reads as the refusal it is
    def __init__(self) -> None:
        super().__init__(str(NOT_ALLOWED_MESSAGE))


@dataclass(frozen=True)
class AreaImportResult:
    row_count: int
    towns_created: int
    towns_updated: int
    towns_unchanged: int
    district_types_created: int
    districts_created: int
    assignments_changed: int  # towns moved into another district of a layer, or given one for the first time
    dry_run: bool

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.row_count,
            "towns_created": self.towns_created,
            "towns_updated": self.towns_updated,
            "towns_unchanged": self.towns_unchanged,
            "district_types_created": self.district_types_created,
            "districts_created": self.districts_created,
            "assignments_changed": self.assignments_changed,
        }


@dataclass(frozen=True)
class _TownRow:
    line: int
    code: str
    name: str
    kana: str | None  # None: no かな column
    postal_code: str | None  # 7 digits or ""; None: no 郵便番号 column
    districts: dict[str, str]  # DistrictType code → district name


def _type_headers() -> tuple[dict[str, str], dict[str, str]]:
    """Header spellings of the district layers (existing types and the standard ones) → type code, and
    type code → name for the types still to be created."""
    headers: dict[str, str] = {}
    to_create: dict[str, str] = {}
    for code, name in STANDARD_TYPES:
        headers[normalize_header(code)] = code
        headers[normalize_header(name)] = code
        to_create[code] = name
    for district_type in DistrictType.objects.all():
        headers[normalize_header(district_type.code)] = district_type.code
        headers[normalize_header(district_type.name)] = district_type.code
        to_create.pop(district_type.code, None)
    return headers, to_create


def _clean(text: str, column: str, limit: int, line: int, errors: list[RowError]) -> str:
    value = text.strip()
    if not value:
        errors.append(RowError(line, column, str(REQUIRED_VALUE_MESSAGE).format(column=column)))
    elif len(value) > limit:
        errors.append(
            RowError(line, column, str(TOO_LONG_MESSAGE).format(column=column, limit=limit, length=len(value)))
        )
    return value


def _read(text: str) -> tuple[list[_TownRow], dict[str, str], dict[str, str]]:
    """Rows, the file's layer columns (type code → header as written) and the standard types to create."""
    type_headers, to_create = _type_headers()
    known = {**_BASE_HEADERS, **{spelling: _TYPE_PREFIX + code for spelling, code in type_headers.items()}}
    table = read_table(text, known=known, required=(TOWN_CODE, TOWN_NAME))
    header_errors = [e for e in table.errors if e.line == 1]
    layer_columns = {
        name.removeprefix(_TYPE_PREFIX): table.header[index]
        for name, index in table.columns.items()
        if name.startswith(_TYPE_PREFIX)
    }
    if table.header and not layer_columns:
        header_errors.append(RowError(1, "", str(NO_DISTRICT_COLUMN_MESSAGE)))
    if header_errors:
        raise ImportFailed(header_errors)
    errors = list(table.errors)
    rows: list[_TownRow] = []
    first_line: dict[str, int] = {}
    for raw in table.rows:
        row_errors: list[RowError] = []
        line = raw.line
        code = unicodedata.normalize("NFKC", raw.values[table.columns[TOWN_CODE]]).strip()
        if not code:
            row_errors.append(RowError(line, TOWN_CODE, str(REQUIRED_VALUE_MESSAGE).format(column=TOWN_CODE)))
        elif len(code) > 20 or not all(c.isascii() and (c.isalnum() or c == "-") for c in code):
            row_errors.append(RowError(line, TOWN_CODE, str(CODE_CHARS_MESSAGE).format(value=code)))
        elif code in first_line:
            message = str(DUPLICATE_TOWN_MESSAGE).format(value=code, first=first_line[code])
            row_errors.append(RowError(line, TOWN_CODE, message))
        else:
            first_line[code] = line
        name = _clean(raw.values[table.columns[TOWN_NAME]], TOWN_NAME, 100, line, row_errors)
        kana = None
        if TOWN_KANA in table.columns:
            kana_text = raw.values[table.columns[TOWN_KANA]]
            try:
                # Stored in hiragana: the field is ふりがな.
                kana = jaconv.kata2hira(normalize_kana_reading(kana_text))
            except ValueError:
                row_errors.append(RowError(line, TOWN_KANA, str(KANA_MESSAGE).format(value=kana_text.strip())))
        postal_code = None
        if TOWN_POSTAL in table.columns:
            postal_text = raw.values[table.columns[TOWN_POSTAL]]
            # 551-0031, ５５１－００３１ and 〒551-0031 are all 5510031.
            postal_code = "".join(c for c in unicodedata.normalize("NFKC", postal_text) if c not in "〒-‐−ー ")
            if postal_code and not (len(postal_code) == 7 and postal_code.isascii() and postal_code.isdigit()):
                message = str(POSTAL_CODE_MESSAGE).format(value=postal_text.strip())
                row_errors.append(RowError(line, TOWN_POSTAL, message))
        districts = {
            code: _clean(raw.values[table.columns[_TYPE_PREFIX + code]], header.strip(), 100, line, row_errors)
            for code, header in layer_columns.items()
        }
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(_TownRow(line, code, name, kana, postal_code, districts))
    if errors:
        raise ImportFailed(errors)
    return rows, layer_columns, {code: name for code, name in to_create.items() if code in layer_columns}


def areas_import(
    *,
    source: str | Path | bytes | IO[bytes],
    user: Any = None,
    filename: str = "",
    dry_run: bool = False,
    request: HttpRequest | None = None,
    municipality: Municipality | None = None,
) -> AreaImportResult:
    """Import an area CSV. Raises ImportFailed (every bad row); nothing is written then, nor on a dry run
    (which counts what would change). Whether `user` may import is asked by the caller
    (tsunagu.registry.services.registry_areas_import)."""
    if not filename and isinstance(source, str | Path):
        filename = Path(source).name
    try:
        decoded = read_csv_text(source)
    except UndecodableFileError as exc:
        raise ImportFailed([RowError(0, "", str(exc))]) from None
    rows, layer_columns, types_to_create = _read(decoded.text)
    municipality = municipality or Municipality.home()
    _check_ward(rows, municipality)

    with transaction.atomic():
        types = {t.code: t for t in DistrictType.objects.all()}
        order = {code: n for n, (code, _name) in enumerate(STANDARD_TYPES, start=1)}
        for code, name in types_to_create.items():
            types[code] = DistrictType.objects.create(code=code, name=name, sort_order=order[code])
        districts, districts_created, errors = _districts(rows, types, layer_columns, municipality)
        if errors:
            raise ImportFailed(errors)
        towns, counts = _towns(rows, municipality)
        counts["assignments_changed"] = _assign(rows, towns, districts, types)
        # Bulk writes send no signals: the policy's kept towns of districts and wards must be read again.
        ACCESS.advance()
        result = AreaImportResult(
            row_count=len(rows),
            district_types_created=len(types_to_create),
            districts_created=districts_created,
            dry_run=dry_run,
            **counts,
        )
        if dry_run:
            # The simplest faithful count of what would change is to make the change and undo it.
            transaction.set_rollback(True)
            return result
        audit_record(
            actor=user,
            action=AuditAction.IMPORT,
            target_type="area",
            detail={
                "filename": filename,
                "encoding": decoded.encoding,
                "sha256": decoded.sha256,
                # Another ward than the home ward is named (a single-ward instance's rows stay as they were).
                **({"municipality": municipality.code} if municipality.pk != home_municipality_id() else {}),
                **result.counts(),
            },
            request=request,
            username=SYSTEM_USERNAME if user is None else "",
        )
    return result


def _check_ward(rows: list[_TownRow], municipality: Municipality) -> None:
    others = dict(
        Town.objects.filter(code__in=[r.code for r in rows])
        .exclude(municipality=municipality)
        .values_list("code", "municipality__name")
    )
    errors = [
        RowError(row.line, TOWN_CODE, str(OTHER_WARD_TOWN_MESSAGE).format(value=row.code, ward=others[row.code]))
        for row in rows
        if row.code in others
    ]
    if errors:
        raise ImportFailed(errors)


def _districts(
    rows: list[_TownRow], types: dict[str, DistrictType], layer_columns: dict[str, str], municipality: Municipality
) -> tuple[dict[tuple[str, str], District], int, list[RowError]]:
    """(type code, district name) → District of this ward, creating the districts named for the first time."""
    by_name: dict[tuple[str, str], list[District]] = defaultdict(list)
    codes: dict[str, set[str]] = defaultdict(set)
    type_codes = {t.pk: code for code, t in types.items()}
    of_ward = District.objects.filter(municipality=municipality, district_type__in=[types[c] for c in layer_columns])
    for district in of_ward:
        type_code = type_codes[district.district_type_id]
        by_name[(type_code, district.name)].append(district)
        codes[type_code].add(district.code)
    errors: list[RowError] = []
    wanted: dict[tuple[str, str], int] = {}
    for row in rows:
        for type_code, name in row.districts.items():
            key = (type_code, name)
            if len(by_name.get(key, ())) > 1:
                message = str(AMBIGUOUS_DISTRICT_MESSAGE).format(column=layer_columns[type_code], value=name)
                errors.append(RowError(row.line, layer_columns[type_code], message))
            wanted.setdefault(key, row.line)
    new: list[District] = []
    for type_code, name in wanted:
        if (type_code, name) in by_name:
            continue
        # New districts get the next free number of their layer as code; staff may rename codes later.
        number = len(codes[type_code]) + 1
        while f"{number:03d}" in codes[type_code]:
            number += 1
        codes[type_code].add(f"{number:03d}")
        new.append(District(municipality=municipality, district_type=types[type_code], code=f"{number:03d}", name=name))
    District.objects.bulk_create(new, batch_size=BATCH_SIZE)
    resolved = {key: found[0] for key, found in by_name.items()}
    # Re-read so the new districts carry their ids whatever the backend returns from a bulk insert.
    if new:
        for district in of_ward.all():
            resolved.setdefault((type_codes[district.district_type_id], district.name), district)
    return resolved, len(new), errors


def _towns(rows: list[_TownRow], municipality: Municipality) -> tuple[dict[str, Town], dict[str, int]]:
    existing = {t.code: t for t in Town.objects.filter(code__in=[r.code for r in rows])}
    new: list[Town] = []
    changed: dict[tuple[str, ...], list[Town]] = defaultdict(list)
    unchanged = 0
    for row in rows:
        town = existing.get(row.code)
        if town is None:
            new.append(
                Town(
                    code=row.code,
                    municipality=municipality,
                    name=row.name,
                    name_kana=row.kana or "",
                    postal_code=row.postal_code or "",
                )
            )
            continue
        fields = []
        if town.name != row.name:
            town.name = row.name
            fields.append("name")
        if row.kana is not None and town.name_kana != row.kana:
            town.name_kana = row.kana
            fields.append("name_kana")
        if row.postal_code is not None and town.postal_code != row.postal_code:
            town.postal_code = row.postal_code
            fields.append("postal_code")
        if fields:
            changed[tuple(fields)].append(town)
        else:
            unchanged += 1
    Town.objects.bulk_create(new, batch_size=BATCH_SIZE)
    for fields, towns in changed.items():
        Town.objects.bulk_update(towns, list(fields), batch_size=BATCH_SIZE)
    towns_by_code = {t.code: t for t in Town.objects.filter(code__in=[r.code for r in rows])}
    counts = {
        "towns_created": len(new),
        "towns_updated": sum(len(t) for t in changed.values()),
        "towns_unchanged": unchanged,
    }
    return towns_by_code, counts


def _assign(
    rows: list[_TownRow],
    towns: dict[str, Town],
    districts: dict[tuple[str, str], District],
    types: dict[str, DistrictType],
) -> int:
    """Each town's one district per layer: move the existing link or add one. Returns how many changed."""
    town_ids = [towns[r.code].pk for r in rows]
    current = {
        (link.town_id, link.district_type_id): link for link in TownDistrict.objects.filter(town_id__in=town_ids)
    }
    moved: list[TownDistrict] = []
    added: list[TownDistrict] = []
    for row in rows:
        town = towns[row.code]
        for type_code, name in row.districts.items():
            district = districts[(type_code, name)]
            district_type = types[type_code]
            link = current.get((town.pk, district_type.pk))
            if link is None:
                added.append(TownDistrict(town=town, district=district, district_type=district_type))
            elif link.district_id != district.pk:
                link.district = district
                moved.append(link)
    TownDistrict.objects.bulk_update(moved, ["district"], batch_size=BATCH_SIZE)
    TownDistrict.objects.bulk_create(added, batch_size=BATCH_SIZE)
    return len(moved) + len(added)
