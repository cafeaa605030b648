"""Exporting residents to CSV or Excel. Pages and the API both call `person_export`: it exports exactly the
persons the access policy lets the user see under the given filters, only the fields of the user's detail
level, and records one audit entry with the purpose, the filters and every exported id."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.audit.forms import PURPOSE_REQUIRED_MESSAGE
from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.audit.services import audit_record
from tsunagu.core.output import CsvEncoding, OutputFilename, OutputReport, output_filename, write_csv, write_xlsx
from tsunagu.core.wareki import age_on, format_wareki, today_jst
from tsunagu.people.models import Person, age_reference_day
from tsunagu.registry.selectors import PersonFilters, describe_filters, person_queryset

FORMAT_REQUIRED_MESSAGE = _("出力形式を選んでください。")
NOTHING_TO_EXPORT_MESSAGE = _("出力できる方がいません。検索条件を確認してください。")
# The file's name (tsunagu.core.output.output_filename) and the workbook's sheet: a format, so Japanese always.
EXPORT_NAME = "住民一覧"


class ExportFormat(models.TextChoices):
    CSV_CP932 = "csv_cp932", _("CSV（Excel向け・Shift_JIS）")
    CSV_UTF8 = "csv_utf8", _("CSV（UTF-8・BOM付き）")
    XLSX = "xlsx", _("Excelファイル（.xlsx）")


class ExportRefusedError(ValueError):
    """The export was not made; the message (one of this module's constants) says why."""


@dataclass(frozen=True)
class ExportResult:
    content: bytes
    filename: OutputFilename
    content_type: str
    person_ids: list[int]
    level: policy.DetailLevel
    report: OutputReport
    audit_entry: AuditEntry


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Person, datetime.date], object]
    full_only: bool = False


# Order and names follow the 避難行動要支援者名簿 items; 宛名番号, 世帯 and 住民状態 are internal to the ward
# and its professional partners (DetailLevel.FULL). The headers are a file format that other tools read, so
# they stay Japanese in every interface language. Flags are booleans: the writers print them as ○.
COLUMNS: tuple[Column, ...] = (
    Column("宛名番号", lambda p, t: p.resident_number, full_only=True),
    Column("氏", lambda p, t: p.family_name),
    Column("名", lambda p, t: p.given_name),
    Column("氏（フリガナ）", lambda p, t: p.family_name_kana),
    Column("名（フリガナ）", lambda p, t: p.given_name_kana),
    Column("生年月日（和暦）", lambda p, t: format_wareki(p.birth_date)),
    Column("生年月日（西暦）", lambda p, t: p.birth_date),
    Column("年齢", lambda p, t: age_on(p.birth_date, age_reference_day(p, t))),
    Column("性別", lambda p, t: p.get_sex_display()),
    Column("町丁目", lambda p, t: p.town.name),
    Column("番地", lambda p, t: p.address),
    Column("方書", lambda p, t: p.address_extra),
    Column("電話番号", lambda p, t: p.phone),
    Column("世帯番号", lambda p, t: p.household.number if p.household else "", full_only=True),
    Column("住民状態", lambda p, t: p.get_status_display(), full_only=True),
    Column("要介護度", lambda p, t: p.get_care_level_display()),
    Column("身体障害者手帳（種別）", lambda p, t: p.get_physical_disability_type_display()),
    Column("身体障害者手帳（等級）", lambda p, t: p.get_physical_disability_grade_display() or ""),
    Column("療育手帳", lambda p, t: p.get_intellectual_disability_grade_display()),
    Column("精神障害者保健福祉手帳（等級）", lambda p, t: p.get_mental_disability_grade_display() or ""),
    Column("難病", lambda p, t: p.intractable_disease),
    Column("ひとり暮らし", lambda p, t: p.lives_alone),
    Column("高齢者のみ世帯", lambda p, t: p.elderly_only_household),
)


def export_columns(level: policy.DetailLevel) -> list[Column]:
    return [c for c in COLUMNS if level == policy.DetailLevel.FULL or not c.full_only]


def export_detail_level(user, persons: QuerySet[Person]) -> policy.DetailLevel:  # noqa: ANN001
    """The level every exported person is visible at: FULL only if a FULL grant covers all of them, so one
    file never mixes internal items for some rows with blanks for others."""
    viewer = policy.viewer_for(user)
    full_grants = viewer.full_grants()
    if not full_grants:
        return policy.DetailLevel.COMMUNITY
    if len(full_grants) == len(viewer.grants()):
        return policy.DetailLevel.FULL
    under_full = policy.persons_under(full_grants, day=viewer.day).values("pk")
    if persons.exclude(pk__in=under_full).exists():
        return policy.DetailLevel.COMMUNITY
    return policy.DetailLevel.FULL


def person_export(
    *,
    user,  # noqa: ANN001
    filters: PersonFilters,
    purpose: str,
    export_format: str,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> ExportResult:
    """Build the file and record the EXPORT audit entry. Raises ExportRefusedError (nothing written, nothing
    logged) without a valid purpose or format, or when no one matches."""
    if purpose not in AuditPurpose.values:
        raise ExportRefusedError(str(PURPOSE_REQUIRED_MESSAGE))
    if export_format not in ExportFormat.values:
        raise ExportRefusedError(str(FORMAT_REQUIRED_MESSAGE))
    today = today or today_jst()
    qs = person_queryset(user=user, filters=filters)
    level = export_detail_level(user, qs)
    persons = list(qs.select_related("household"))
    if not persons:
        raise ExportRefusedError(str(NOTHING_TO_EXPORT_MESSAGE))

    columns = export_columns(level)
    headers = [c.header for c in columns]
    rows = [[c.value(p, today) for c in columns] for p in persons]
    encoding = None
    if export_format == ExportFormat.XLSX:
        content, report = write_xlsx(headers, rows, sheet_title=EXPORT_NAME)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        encoding = CsvEncoding.CP932 if export_format == ExportFormat.CSV_CP932 else CsvEncoding.UTF8_BOM
        content, report = write_csv(headers, rows, encoding=encoding)
        content_type = "text/csv; charset=Shift_JIS" if encoding == CsvEncoding.CP932 else "text/csv; charset=utf-8"
    filename = output_filename(
        EXPORT_NAME,
        ascii_what="residents",
        day=today,
        extension="xlsx" if encoding is None else "csv",
        encoding=encoding,
    )

    ids = [p.pk for p in persons]
    entry = audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target_type="person",
        target_ids=ids,
        query=describe_filters(filters),
        purpose=purpose,
        detail={
            "format": export_format,
            "level": str(level),
            "count": len(ids),
            "replaced_characters": report.counts(),
        },
        request=request,
    )
    return ExportResult(
        content=content,
        filename=filename,
        content_type=content_type,
        person_ids=ids,
        level=level,
        report=report,
        audit_entry=entry,
    )
