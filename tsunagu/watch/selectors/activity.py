"""Reads of the commissioners' monthly activity records: a commissioner's own record of a month (saved, or
prefilled from their visit log and not yet saved), their months, and the 民児協's totals per 小学校区.

The totals are counts of the commissioners' activities (訪問回数, 相談・支援件数 …), never a list of persons, and
they are read by ward welfare, 社協 and care-plaza staff (Capability.MANAGE_WATCH) and the 民児協's managers. No
small-cell suppression is applied: the numbers count what commissioners did, not residents, and a 小学校区 with
one commissioner shows that commissioner's own report, which the 民児協 receives by name anyway. The prefill
reads the persons visited only to classify the commissioner's own visits (tsunagu.watch.activity), and shows
nothing of them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability, Refused
from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.db import reports
from tsunagu.core.output import OutputFilename, output_filename
from tsunagu.core.wareki import today_jst
from tsunagu.organisations.models import Membership, MembershipRole, Organisation, OrganisationKind

from ..activity import (
    GROUPS,
    MANUAL_CODES,
    TOTALLED_GROUPS,
    Category,
    CategoryGroup,
    empty_counts,
    group_total,
    month_bounds,
    month_key,
    month_label,
    prefill,
    previous_month,
)
from ..activity_pdf import render_activity_pdf
from ..activity_xlsx import render_activity_xlsx, render_totals_xlsx
from ..models import ActivityRecord
from ..services.activity import SCHOOL_DISTRICT_TYPE, commissioner_district, require_commissioner

TOTALS_REFUSED_MESSAGE = _(
    "民児協の活動記録の集計は、区役所・社会福祉協議会・地域包括支援センターの職員と、民児協の代表者が見られます。"
)
NO_DISTRICT_LABEL = _("担当地区なし")
WARD_TOTAL_LABEL = _("区の合計")
GROUP_TOTAL_LABEL = _("計")

PDF_CONTENT_TYPE = "application/pdf"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------------------
# One commissioner's record


@dataclass(frozen=True)
class CategoryRow:
    category: Category
    value: int
    from_log: int | None  # what the visit log gives (None: entered by hand only)


@dataclass(frozen=True)
class GroupRows:
    group: CategoryGroup
    rows: list[CategoryRow]
    total: int | None  # the 計 of the group (None: the group has no total)


@dataclass
class ActivityRecordPage:
    """A commissioner's record of a month as the form shows it: the saved numbers, or — before the first save
    — the numbers the visit log gives; `from_log` is always the visit log's, for comparison."""

    commissioner_name: str
    organisation_name: str
    month: datetime.date
    record: ActivityRecord | None
    counts: dict[str, int]
    from_log: dict[str, int]
    district: District | None
    note: str = ""

    @property
    def saved(self) -> bool:
        return self.record is not None

    @property
    def submitted(self) -> bool:
        return self.record is not None and self.record.submitted_at is not None

    @property
    def key(self) -> str:
        return month_key(self.month)

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def district_name(self) -> str:
        return self.district.name if self.district else ""

    def groups(self) -> list[GroupRows]:
        def row(c: Category) -> CategoryRow:
            return CategoryRow(c, self.counts.get(c.code, 0), None if c.code in MANUAL_CODES else self.from_log[c.code])

        return [
            GroupRows(
                group,
                [row(c) for c in group.categories],
                group_total(group, self.counts) if group.code in TOTALLED_GROUPS else None,
            )
            for group in GROUPS
        ]

    @property
    def totals_differ(self) -> bool:
        """The 分野 and 内容 totals of 相談・支援 differ (on the report they are the same consultations)."""
        fields, contents = GROUPS[0], GROUPS[1]
        return group_total(fields, self.counts) != group_total(contents, self.counts)


def activity_record(user, month: datetime.date) -> ActivityRecordPage:  # noqa: ANN001
    """The signed-in commissioner's record of `month` (anyone else: the one refusal, 403 and logged)."""
    membership = require_commissioner(user)
    record = ActivityRecord.objects.select_related("district").filter(commissioner=user, month=month).first()
    from_log = prefill(user, month)
    if record is not None:
        counts = {**empty_counts(), **{k: int(v) for k, v in (record.counts or {}).items()}}
        district, note = record.district, record.note
    else:
        counts, district, note = dict(from_log), commissioner_district(membership), ""
    return ActivityRecordPage(
        commissioner_name=str(user),
        organisation_name=membership.organisation.name,
        month=month,
        record=record,
        counts=counts,
        from_log=from_log,
        district=district,
        note=note,
    )


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    record: ActivityRecord | None

    @property
    def key(self) -> str:
        return month_key(self.month)

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def submitted(self) -> bool:
        return self.record is not None and self.record.submitted_at is not None


def my_activity_months(user) -> list[MonthRow]:  # noqa: ANN001
    """The commissioner's saved months, newest first, with this month and last month always offered."""
    require_commissioner(user)
    records = {r.month: r for r in ActivityRecord.objects.filter(commissioner=user)}
    this_month = today_jst().replace(day=1)
    months = set(records) | {this_month, previous_month(this_month)}
    return [MonthRow(m, records.get(m)) for m in sorted(months, reverse=True)]


# ---------------------------------------------------------------------------------------------------------
# The 民児協's totals


def managed_minsei_ids(viewer: policy.Viewer) -> set[int]:
    """The 民児協 the viewer manages (会長・事務局: role manager)."""
    return {
        m.organisation_id
        for m in viewer.memberships
        if m.role == MembershipRole.MANAGER and m.organisation.kind == OrganisationKind.MINSEI
    }


def _totals_organisation_ids(user) -> set[int]:  # noqa: ANN001
    """The 民児協 whose commissioners' records the user may total: every 民児協 of the staff member's ward(s), or
    the 民児協 the user manages. Anyone else: refused."""
    viewer = policy.viewer_for(user)
    ids = managed_minsei_ids(viewer)
    if policy.can(user, Capability.MANAGE_WATCH):
        ids |= set(
            Organisation.objects.filter(
                kind=OrganisationKind.MINSEI, municipality_id__in=viewer.municipality_ids
            ).values_list("pk", flat=True)
        )
    if not ids:
        raise Refused(TOTALS_REFUSED_MESSAGE, target=AuditTarget.ACTIVITY_RECORD)
    return ids


def can_view_activity_totals(user) -> bool:  # noqa: ANN001
    try:
        _totals_organisation_ids(user)
    except Refused:
        return False
    return True


@dataclass(frozen=True)
class TotalsColumn:
    district: District | None
    counts: dict[str, int]
    records: int  # submitted records counted

    @property
    def label(self) -> str:
        return self.district.name if self.district else str(NO_DISTRICT_LABEL)


@dataclass(frozen=True)
class TotalsRow:
    label: str
    values: list[int]  # one per column, then the ward total
    is_total: bool = False


@dataclass(frozen=True)
class TotalsGroup:
    group: CategoryGroup
    rows: list[TotalsRow]


@dataclass
class ActivityTotals:
    month: datetime.date
    columns: list[TotalsColumn]
    total: TotalsColumn
    drafts: int  # records saved but not submitted (not counted)
    groups: list[TotalsGroup] = field(default_factory=list)

    @property
    def key(self) -> str:
        return month_key(self.month)

    @property
    def label(self) -> str:
        return month_label(self.month)


def _records_of(organisation_ids: set[int], month: datetime.date):  # noqa: ANN202
    """The month's records of commissioners who were members of these 民児協 during the month."""
    start, end = month_bounds(month)
    last_day = (end - datetime.timedelta(days=1)).date()
    member = Membership.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start.date()),
        user_id=OuterRef("commissioner_id"),
        role=MembershipRole.COMMISSIONER,
        organisation_id__in=organisation_ids,
        started_on__lte=last_day,
    )
    return reports(ActivityRecord.objects.filter(Exists(member), month=month))


def activity_totals(user, month: datetime.date) -> ActivityTotals:  # noqa: ANN001
    """The month's submitted records summed per 小学校区 (every 小学校区 of the 民児協's wards, and a column for
    records without a district when there are any) and for the ward."""
    organisation_ids = _totals_organisation_ids(user)
    records = _records_of(organisation_ids, month)
    submitted = list(records.filter(submitted_at__isnull=False).only("district_id", "counts"))
    drafts = records.filter(submitted_at__isnull=True).count()
    wards = set(Organisation.objects.filter(pk__in=organisation_ids).values_list("municipality_id", flat=True))
    districts = list(
        District.objects.filter(municipality_id__in=wards, district_type__code=SCHOOL_DISTRICT_TYPE).order_by(
            "municipality__code", "code"
        )
    )
    # A record's district may be of another layer or ward (a membership changed since): it gets its own column.
    known = {d.pk for d in districts}
    extra = {r.district_id for r in submitted if r.district_id is not None and r.district_id not in known}
    districts += list(District.objects.filter(pk__in=extra).order_by("code"))
    keys: list[int | None] = [d.pk for d in districts]
    if any(r.district_id is None for r in submitted):
        keys.append(None)
    sums = {key: empty_counts() for key in keys}
    numbers = dict.fromkeys(keys, 0)
    for record in submitted:
        numbers[record.district_id] += 1
        for code, value in (record.counts or {}).items():
            if code in sums[record.district_id]:
                sums[record.district_id][code] += int(value)
    by_pk = {d.pk: d for d in districts}
    columns = [TotalsColumn(by_pk.get(key) if key else None, sums[key], numbers[key]) for key in keys]
    ward = empty_counts()
    for column in columns:
        for code, value in column.counts.items():
            ward[code] += value
    total = TotalsColumn(None, ward, len(submitted))
    totals = ActivityTotals(month=month, columns=columns, total=total, drafts=drafts)
    everything = [*columns, total]
    for group in GROUPS:
        rows = [TotalsRow(str(c.label), [col.counts[c.code] for col in everything]) for c in group.categories]
        if group.code in TOTALLED_GROUPS:
            rows.append(TotalsRow(str(GROUP_TOTAL_LABEL), [group_total(group, col.counts) for col in everything], True))
        totals.groups.append(TotalsGroup(group, rows))
    return totals


# ---------------------------------------------------------------------------------------------------------
# Downloads (the audit row of each is written here: views never write one)


@dataclass(frozen=True)
class ActivityOutput:
    content: bytes
    content_type: str
    filename: OutputFilename


def activity_record_export(
    user,  # noqa: ANN001
    month: datetime.date,
    output_format: str,
    *,
    request: HttpRequest | None = None,
) -> ActivityOutput:
    """The commissioner's own record of `month` as the A4 form (pdf) or a workbook (xlsx), logged as an export."""
    page = activity_record(user, month)
    if output_format == "pdf":
        content, content_type = render_activity_pdf(page), PDF_CONTENT_TYPE
    elif output_format == "xlsx":
        content, content_type = render_activity_xlsx(page), XLSX_CONTENT_TYPE
    else:
        raise ValueError(output_format)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target_type=AuditTarget.ACTIVITY_RECORD,
        target_ids=[page.record.pk] if page.record else [],
        detail={"month": page.key, "format": output_format, "saved": page.saved, "submitted": page.submitted},
        request=request,
    )
    filename = output_filename(
        "民生委員活動記録",
        ascii_what="activity-record",
        day=today_jst(),
        extension=output_format,
        number=page.key,
    )
    return ActivityOutput(content, content_type, filename)


def activity_totals_export(
    user,  # noqa: ANN001
    month: datetime.date,
    *,
    request: HttpRequest | None = None,
) -> ActivityOutput:
    """The 民児協's totals of `month` as a workbook, logged as an export."""
    totals = activity_totals(user, month)
    content = render_totals_xlsx(totals)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        target_type=AuditTarget.ACTIVITY_RECORD,
        detail={"month": totals.key, "format": "xlsx", "totals": True, "records": totals.total.records},
        request=request,
    )
    filename = output_filename(
        "民児協活動記録集計", ascii_what="activity-totals", day=today_jst(), extension="xlsx", number=totals.key
    )
    return ActivityOutput(content, XLSX_CONTENT_TYPE, filename)


__all__ = [
    "ActivityOutput",
    "ActivityRecordPage",
    "ActivityTotals",
    "MonthRow",
    "activity_record",
    "activity_record_export",
    "activity_totals",
    "activity_totals_export",
    "can_view_activity_totals",
    "my_activity_months",
]
