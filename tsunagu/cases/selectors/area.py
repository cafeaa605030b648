"""Area issues (地域の課題): anonymised counts of the ward's consultations by district and domain, with a monthly
trend, for district meetings (話し合いの場) and the welfare plan.

- Counted: cases opened in the last 12 months (this month included) at an agency of the viewer's ward — all of
  the ward's cases, not only the viewer's teams — so the page is for staff holding VIEW_AREA_FIGURES and shows no
  person, no case and no figure under 5.
- A case with several domains counts once in each (延べ件数); totals are of those counts.
- District: the client's town mapped to a district of the chosen layer (areas.TownDistrict); a case whose client is
  not in the registry (or anonymous), or whose town is in no district of the layer, counts under 「地区不明」.
- Suppression: tsunagu.core.suppression.suppress_linked over the district table and the month table, which share
  their domain totals: every figure under 5 hidden, and complements so that nothing hidden can be worked out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import District, DistrictType, TownDistrict
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.suppression import SuppressedTable, suppress_linked

from ..models import Case, Domain

MONTHS = 12
HIDDEN_MARK = "x"


@dataclass
class AreaIssues:
    district_type: DistrictType | None
    domains: list[tuple[str, str]]  # (value, label)
    districts: list[str]  # row labels of `by_district`
    months: list[datetime.date]  # first days, oldest first
    by_district: SuppressedTable
    by_month: SuppressedTable
    start: datetime.date
    end: datetime.date


def ward_municipality_ids(user) -> frozenset[int]:  # noqa: ANN001
    """The wards whose figures the user's professional memberships cover."""
    viewer = policy.viewer_for(user)
    ids: set[int] = set()
    for m in viewer.memberships:
        if (
            m.organisation.is_active
            and m.organisation.kind in policy.CAPABILITIES[Capability.VIEW_AREA_FIGURES].holders
        ):
            ids |= m.organisation.municipality_ids()
    return frozenset(ids)


def _months(today: datetime.date) -> list[datetime.date]:
    months = []
    year, month = today.year, today.month
    for _i in range(MONTHS):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def district_types() -> QuerySet[DistrictType]:
    return DistrictType.objects.all()


def area_issues(
    user,  # noqa: ANN001
    *,
    district_type_id: object = None,
    request: HttpRequest | None = None,
    export: str = "",
) -> AreaIssues:
    """The two suppressed tables. Refused (403, logged) without VIEW_AREA_FIGURES; the view (or export) is
    logged with no person ids — nobody is named."""
    policy.require_capability(user, Capability.VIEW_AREA_FIGURES)
    wards = ward_municipality_ids(user)
    layer = None
    if district_type_id not in (None, ""):
        layer = (
            DistrictType.objects.filter(pk=str(district_type_id)).first() if str(district_type_id).isdigit() else None
        )
    layer = (
        layer
        or DistrictType.objects.filter(districts__municipality_id__in=wards).order_by("sort_order", "code").first()
    )
    today = timezone.localdate()
    months = _months(today)
    start = months[0]
    since = datetime.datetime(start.year, start.month, 1, tzinfo=timezone.get_current_timezone())
    cases = Case.objects.filter(opening_organisation__municipality_id__in=wards, opened_at__gte=since)
    districts = (
        list(District.objects.filter(district_type=layer, municipality_id__in=wards).order_by("code", "pk"))
        if layer
        else []
    )
    town_district = dict(TownDistrict.objects.filter(district__in=districts).values_list("town_id", "district_id"))
    row_of = {d.pk: i for i, d in enumerate(districts)}
    unknown = len(districts)
    domain_index = {d: j for j, d in enumerate(Domain.values)}
    width = len(Domain.values)
    by_district = [[0] * width for _r in range(len(districts) + 1)]
    by_month = [[0] * width for _m in months]
    month_index = {(m.year, m.month): i for i, m in enumerate(months)}
    for town_id, opened_at, domains in cases.values_list("client__town_id", "opened_at", "domains"):
        row = row_of.get(town_district.get(town_id), unknown) if town_id else unknown
        local = timezone.localtime(opened_at)
        month_row = month_index.get((local.year, local.month))
        for domain in set(domains):
            j = domain_index.get(domain)
            if j is None:
                continue
            by_district[row][j] += 1
            if month_row is not None:
                by_month[month_row][j] += 1
    first, second = suppress_linked(by_district, by_month)
    audit_record(
        actor=policy.viewer_for(user).user,
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        target_type=AuditTarget.CASE,
        detail={"area_issues": layer.pk if layer else None, **({"format": export} if export else {})},
        request=request,
    )
    return AreaIssues(
        district_type=layer,
        domains=[(d, str(label)) for d, label in Domain.choices],
        districts=[d.name for d in districts] + [_("地区不明")],
        months=months,
        by_district=first,
        by_month=second,
        start=start,
        end=today,
    )


def shown(value: int | None) -> int | str:
    return HIDDEN_MARK if value is None else value


def area_rows(issues: AreaIssues) -> tuple[list[str], list[list[int | str]]]:
    """The two tables as one sheet for CSV and Excel: headers and rows, hidden figures as 「x」, with the note."""
    headers = [_("表"), _("区分"), *[label for _v, label in issues.domains], _("計（延べ）")]
    rows: list[list[int | str]] = []
    table = issues.by_district
    for name, cells, total in zip(issues.districts, table.cells, table.row_totals, strict=True):
        rows.append([_("地区別"), name, *map(shown, cells), shown(total)])
    rows.append([_("地区別"), _("計"), *map(shown, table.column_totals), shown(table.total)])
    table = issues.by_month
    for month, cells, total in zip(issues.months, table.cells, table.row_totals, strict=True):
        rows.append(
            [_("月別"), _("%(y)d年%(m)d月") % {"y": month.year, "m": month.month}, *map(shown, cells), shown(total)]
        )
    rows.append([_("月別"), _("計"), *map(shown, table.column_totals), shown(table.total)])
    rows.append([])
    rows.append(
        [
            _(
                "x は5未満の件数、またはそこから5未満の件数が計算できないよう秘匿した件数です。"
                "1件の相談が複数の分野にまたがるときは、それぞれの分野に数えています（延べ件数）。"
            )
        ]
    )
    return headers, rows
