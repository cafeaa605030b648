"""Exporting residents to CSV or Excel: the professionals' working file (区役所・社協・地域包括). Pages and the
API both call `person_export`: it exports exactly the persons the user sees in full under the given filters,
the columns of the FULL detail level, and records one audit entry with the purpose, the filters and every
exported id.

There is no community-level export. A community member's copy of the roster is handed out by the ward through
the distribution register (配布番号, 取扱注意: tsunagu.roster.outputs); a file made here would leave that
register and its return and destruction behind. So exporting is the capability EXPORT_PERSONS, and a
professional who also holds a community grant (a 社協 worker who is a 民生委員) exports only the persons of
their professional grants."""

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
    # The person fields (names of tsunagu.access.policy.DETAIL_FIELDS) the column shows: a column is written
    # only at a level that may show all of them.
    fields: frozenset[str]


def _column(header: str, value: Callable[[Person, datetime.date], object], *fields: str) -> Column:
    return Column(header, value, frozenset(fields))


# Order and names follow the 避難行動要支援者名簿 items. The headers are a file format that other tools read, so
# they stay Japanese in every interface language. Flags are booleans: the writers print them as ○.
COLUMNS: tuple[Column, ...] = (
    _column("宛名番号", lambda p, t: p.resident_number, "resident_number"),
    _column("氏", lambda p, t: p.family_name, "family_name"),
    _column("名", lambda p, t: p.given_name, "given_name"),
    _column("氏（フリガナ）", lambda p, t: p.family_name_kana, "family_name_kana"),
    _column("名（フリガナ）", lambda p, t: p.given_name_kana, "given_name_kana"),
    _column("生年月日（和暦）", lambda p, t: format_wareki(p.birth_date), "birth_date"),
    _column("生年月日（西暦）", lambda p, t: p.birth_date, "birth_date"),
    # The age of a deceased person stops at their death: the column reads the status too.
    _column("年齢", lambda p, t: age_on(p.birth_date, age_reference_day(p, t)), "birth_date", "status_changed_on"),
    _column("性別", lambda p, t: p.get_sex_display(), "sex"),
    _column("町丁目", lambda p, t: p.town.name, "town"),
    _column("番地", lambda p, t: p.address, "address"),
    _column("方書", lambda p, t: p.address_extra, "address_extra"),
    _column("電話番号", lambda p, t: p.phone, "phone"),
    _column("世帯番号", lambda p, t: p.household.number if p.household else "", "household"),
    _column("住民状態", lambda p, t: p.get_status_display(), "status"),
    _column("要介護度", lambda p, t: p.get_care_level_display(), "care_level"),
    _column(
        "身体障害者手帳（種別）",
        lambda p, t: p.get_physical_disability_type_display(),
        "physical_disability_type",
    ),
    _column(
        "身体障害者手帳（等級）",
        lambda p, t: p.get_physical_disability_grade_display() or "",
        "physical_disability_grade",
    ),
    _column("療育手帳", lambda p, t: p.get_intellectual_disability_grade_display(), "intellectual_disability_grade"),
    _column(
        "精神障害者保健福祉手帳（等級）",
        lambda p, t: p.get_mental_disability_grade_display() or "",
        "mental_disability_grade",
    ),
    _column("難病", lambda p, t: p.intractable_disease, "intractable_disease"),
    _column("ひとり暮らし", lambda p, t: p.lives_alone, "lives_alone"),
    _column("高齢者のみ世帯", lambda p, t: p.elderly_only_household, "elderly_only_household"),
)

# The export is made at one level only (see the module docstring).
EXPORT_LEVEL = policy.DetailLevel.FULL


def export_columns(level: policy.DetailLevel = EXPORT_LEVEL) -> list[Column]:
    """The columns a file at this level carries: those whose fields the level may show (DETAIL_FIELDS)."""
    allowed = policy.DETAIL_FIELDS[level]
    return [c for c in COLUMNS if c.fields <= allowed]


def exportable_persons(*, user, filters: PersonFilters) -> QuerySet[Person]:  # noqa: ANN001
    """The persons an export with these filters would contain: those the user sees in full (professional
    grants). Not audited: for the export page's count, which reveals no one."""
    return person_queryset(user=user, filters=filters, level=EXPORT_LEVEL)


def person_export(
    *,
    user,  # noqa: ANN001
    filters: PersonFilters,
    purpose: str,
    export_format: str,
    request: HttpRequest | None = None,
    today: datetime.date | None = None,
) -> ExportResult:
    """Build the file and record the EXPORT audit entry. Raises CapabilityDenied without EXPORT_PERSONS (the 403
    handler logs it), ExportRefusedError (nothing written, nothing logged) without a valid purpose or format, or
    when no one matches."""
    policy.require_capability(user, policy.Capability.EXPORT_PERSONS)
    if purpose not in AuditPurpose.values:
        raise ExportRefusedError(str(PURPOSE_REQUIRED_MESSAGE))
    if export_format not in ExportFormat.values:
        raise ExportRefusedError(str(FORMAT_REQUIRED_MESSAGE))
    today = today or today_jst()
    level = EXPORT_LEVEL
    persons = list(exportable_persons(user=user, filters=filters).select_related("household"))
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
