"""The roster list: the latest build as a user may see it, one page at a time, each entry with its reasons."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.paging import PageWindow, take_page
from tsunagu.core.wareki import format_birth_with_age, today_jst

from ..models import RosterBuild, RosterEntry
from .entries import entry_display, entry_support_phrases, latest_build, reasons_by_person

ROSTER_MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class RosterFilters:
    district_id: int | None = None
    town_id: int | None = None

    def describe(self) -> str:
        """The filters as the audit log's query text."""
        parts = [f"{name}={getattr(self, name)}" for name in ("district_id", "town_id") if getattr(self, name)]
        return " ".join(parts)


def roster_entries_queryset(
    *,
    user,  # noqa: ANN001
    build: RosterBuild | None,
    filters: RosterFilters | None = None,
) -> QuerySet[RosterEntry]:
    """The entries of `build` whose person the user may see, not yet audited, in 町丁目 and address order."""
    if build is None:
        return RosterEntry.objects.none()
    filters = filters or RosterFilters()
    visible = policy.visible_persons(user).values("pk")
    qs = RosterEntry.objects.filter(build=build, person__in=visible)
    if filters.town_id:
        qs = qs.filter(town_id=filters.town_id)
    if filters.district_id:
        qs = qs.filter(town__town_districts__district_id=filters.district_id)
    return qs.select_related("town").order_by("town__code", "address", "address_extra", "family_name_kana", "pk")


@dataclass
class RosterRow:
    entry: RosterEntry
    reasons: list[str]
    full: bool  # the support attributes may be shown (FULL detail level for this person)

    @property
    def birth_with_age(self) -> str:
        return format_birth_with_age(self.entry.birth_date, today_jst())

    @property
    def sex_label(self) -> str:
        return entry_display(self.entry, "sex")

    @property
    def support(self) -> list[str]:
        """The support attributes the entry has, as short phrases (「要介護3」「身体 1級」「ひとり暮らし」)."""
        return entry_support_phrases(self.entry)


@dataclass(kw_only=True)
class RosterPage(PageWindow):
    build: RosterBuild | None
    rows: list[RosterRow]

    @property
    def any_full(self) -> bool:
        return any(row.full for row in self.rows)


def roster_list(
    *,
    user,  # noqa: ANN001
    filters: RosterFilters | None = None,
    page: int = 1,
    page_size: int = 50,
    request: HttpRequest | None = None,
    past_end_is_last: bool = True,
) -> RosterPage:
    """One page of the latest build as the user may see it, with each person's reasons. One audit entry names
    exactly the persons shown. ``past_end_is_last=False`` (the API) answers a page past the end with no rows
    (see take_page)."""
    filters = filters or RosterFilters()
    build = latest_build()
    entries, window = take_page(
        roster_entries_queryset(user=user, build=build, filters=filters),
        page=page,
        page_size=page_size,
        max_page_size=ROSTER_MAX_PAGE_SIZE,
        past_end_is_last=past_end_is_last,
    )
    ids = [e.person_id for e in entries]
    reasons = reasons_by_person(build, ids) if build is not None and ids else {}
    full_ids = policy.full_level_ids(user, ids)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type="person",
        target_ids=ids,
        query=filters.describe(),
        detail={"roster_build": build.number if build else None, "total": window.total, "page": window.page},
        request=request,
    )
    rows = [RosterRow(entry=e, reasons=reasons.get(e.person_id, []), full=e.person_id in full_ids) for e in entries]
    return RosterPage(build=build, rows=rows, total=window.total, page=window.page, page_size=window.page_size)
