"""Reads of individual evacuation plans. Scope is the person's: whoever may see a person (the access policy)
may see the person's plan. Every read that shows a person writes an audit entry; counts do not.

要更新 is derived, not stored: a plan marked 作成済 whose next review day has passed is shown and counted as
要更新 from that day on, with no scheduled job and no second copy of the status to keep in step."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.areas.models import District, TownDistrict
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.paging import PageWindow, take_page
from tsunagu.core.wareki import today_jst
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, PlanSupporter, Priority
from tsunagu.evacuation.services import can_edit_plan
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild, RosterEntry, RosterEntryReason, listed_in_build

PROGRESS_DISTRICT_TYPE = "school"  # 小学校区
PLAN_LIST_MAX_PAGE_SIZE = 200
NO_DISTRICT_LABEL = _("地区未設定")
NO_PRIORITY_LABEL = _("未設定（計画なし）")


def effective_status(plan: EvacuationPlan | None, today: datetime.date | None = None) -> str:
    """The status to show: 未着手 without a plan, 要更新 for a finished plan past its review day."""
    if plan is None:
        return PlanStatus.NOT_STARTED
    today = today or today_jst()
    if plan.status == PlanStatus.DONE and plan.next_review_on is not None and plan.next_review_on < today:
        return PlanStatus.NEEDS_UPDATE
    return plan.status


def _with_plan_status(qs: QuerySet[Person], today: datetime.date) -> QuerySet[Person]:
    """The same rule as effective_status, as SQL, so lists filter and reports count by it."""
    return qs.annotate(
        plan_status=Case(
            When(evacuation_plan__isnull=True, then=Value(PlanStatus.NOT_STARTED)),
            When(
                evacuation_plan__status=PlanStatus.DONE,
                evacuation_plan__next_review_on__lt=today,
                then=Value(PlanStatus.NEEDS_UPDATE),
            ),
            default=F("evacuation_plan__status"),
        ),
        plan_priority=F("evacuation_plan__priority"),
    )


def latest_build(user=None) -> RosterBuild | None:  # noqa: ANN001
    """The build in force in the user's ward (shown as the list's 版)."""
    return RosterBuild.current(policy.viewer_for(user).ward_id if user is not None else None)


def _listed(qs: QuerySet[Person], build: RosterBuild | None = None) -> QuerySet[Person]:
    """Persons listed in the current build of their ward (every ward's current build: the policy keeps the
    viewer to their own), or in `build` when one is named."""
    return qs.filter(listed_in_build(build.pk if build else RosterBuild.current_ids()))


def _status_label(value: str) -> str:
    return str(dict(PlanStatus.choices).get(value, value))


# --- one person's plan ------------------------------------------------------------------------------------


@dataclass
class PlanDetail:
    person: Person
    plan: EvacuationPlan | None
    supporters: list[PlanSupporter]
    reasons: list[str]
    can_edit: bool
    status: str  # effective status
    created_at: datetime.datetime | None = None

    @property
    def status_label(self) -> str:
        return _status_label(self.status)

    @property
    def is_overdue(self) -> bool:
        return self.status == PlanStatus.NEEDS_UPDATE and self.plan is not None


def latest_reasons(person: Person) -> list[str]:
    """避難支援等を必要とする事由 as recorded in the latest roster build that lists the person."""
    build_id = (
        RosterEntry.objects.filter(person=person).order_by("-build__number").values_list("build_id", flat=True).first()
    )
    if build_id is None:
        return []
    return list(
        RosterEntryReason.objects.filter(build_id=build_id, person=person)
        .order_by("rule__sort_order", "rule_id")
        .values_list("label", flat=True)
    )


def plan_detail(
    *,
    user,  # noqa: ANN001
    person_id: object,
    request: HttpRequest | None = None,
    audit: bool = True,
) -> PlanDetail:
    """A person's plan (or None when none is made yet) with what the page and the PDF show."""
    person = policy.person_or_deny(user, person_id, request=request)
    plan = EvacuationPlan.objects.select_related("shelter", "updated_by").filter(person=person).first()
    supporters = list(plan.supporters.order_by("pk")) if plan else []
    if audit:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            target_type="person",
            target_ids=[person.pk],
            detail={"plan": True},
            request=request,
        )
    return PlanDetail(
        person=person,
        plan=plan,
        supporters=supporters,
        reasons=latest_reasons(person),
        can_edit=can_edit_plan(user, person),
        status=effective_status(plan),
        created_at=plan.created_at if plan else None,
    )


# --- the list of listed persons with their plan status ----------------------------------------------------


@dataclass(frozen=True)
class PlanFilters:
    status: str = ""
    priority: int | None = None
    district_id: int | None = None


@dataclass
class PlanRow:
    person: Person
    status: str
    priority: int | None

    @property
    def status_label(self) -> str:
        return _status_label(self.status)

    @property
    def priority_label(self) -> str:
        return str(dict(Priority.choices).get(self.priority, "—")) if self.priority else "—"


@dataclass(kw_only=True)
class PlanPage(PageWindow):
    rows: list[PlanRow]
    build: RosterBuild | None


def plan_queryset(*, user, filters: PlanFilters, today: datetime.date | None = None) -> QuerySet[Person]:  # noqa: ANN001
    """Persons on the latest roster build whom the user may see, with plan_status and plan_priority."""
    today = today or today_jst()
    qs = _with_plan_status(_listed(policy.visible_persons(user)), today)
    if filters.status:
        qs = qs.filter(plan_status=filters.status)
    if filters.priority:
        qs = qs.filter(plan_priority=filters.priority)
    if filters.district_id:
        qs = qs.filter(town__town_districts__district_id=filters.district_id)
    return qs.select_related("town").order_by("town__code", "kana_key", "pk")


def plan_list(
    *,
    user,  # noqa: ANN001
    filters: PlanFilters,
    page: int = 1,
    page_size: int = 50,
    request: HttpRequest | None = None,
    past_end_is_last: bool = True,
) -> PlanPage:
    """One page of the list, logged as a list naming exactly the persons shown. ``past_end_is_last=False`` (the
    API) answers a page past the end with no rows (see take_page)."""
    persons, window = take_page(
        plan_queryset(user=user, filters=filters),
        page=page,
        page_size=page_size,
        max_page_size=PLAN_LIST_MAX_PAGE_SIZE,
        past_end_is_last=past_end_is_last,
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type="person",
        target_ids=[p.pk for p in persons],
        query=" ".join(
            f"{k}={v}"
            for k, v in (
                ("plan_status", filters.status),
                ("priority", filters.priority),
                ("district_id", filters.district_id),
            )
            if v
        ),
        detail={"plan": True, "total": window.total, "page": window.page},
        request=request,
    )
    return PlanPage(
        rows=[PlanRow(p, p.plan_status, p.plan_priority) for p in persons],
        total=window.total,
        page=window.page,
        page_size=window.page_size,
        build=latest_build(user),
    )


# --- completion rates ---------------------------------------------------------------------------------------


@dataclass
class ProgressRow:
    label: str
    listed: int = 0
    done: int = 0
    in_progress: int = 0
    needs_update: int = 0

    @property
    def not_started(self) -> int:
        return self.listed - self.done - self.in_progress - self.needs_update

    @property
    def rate(self) -> float:
        """作成済 ÷ listed persons (0 when nobody is listed)."""
        return self.done / self.listed if self.listed else 0.0

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.1f}"


@dataclass
class Progress:
    build: RosterBuild | None
    by_district: list[ProgressRow] = field(default_factory=list)
    by_priority: list[ProgressRow] = field(default_factory=list)
    total: ProgressRow = field(default_factory=lambda: ProgressRow(label=str(_("合計"))))


def can_view_progress(user) -> bool:  # noqa: ANN001
    return policy.can(user, policy.Capability.VIEW_PLAN_PROGRESS)


def _counts() -> dict[str, Count]:
    return {
        "listed": Count("pk"),
        "done": Count("pk", filter=Q(plan_status=PlanStatus.DONE)),
        "in_progress": Count("pk", filter=Q(plan_status=PlanStatus.IN_PROGRESS)),
        "needs_update": Count("pk", filter=Q(plan_status=PlanStatus.NEEDS_UPDATE)),
    }


def plan_progress(*, user, today: datetime.date | None = None) -> Progress:  # noqa: ANN001
    """Completion rates by 小学校区 and by priority over the latest roster build, within the user's
    professional (FULL-level) scope. Persons without a plan count as 未着手. Aggregate queries only: the
    number of queries does not grow with persons or districts."""
    today = today or today_jst()
    build = latest_build(user)
    viewer = policy.viewer_for(user)
    full_grants = viewer.full_grants()
    progress = Progress(build=build)
    if not full_grants or build is None:
        return progress
    base = _with_plan_status(
        _listed(policy.persons_under(full_grants, day=viewer.day), build if viewer.ward_id else None), today
    )

    school = TownDistrict.objects.filter(
        town_id=OuterRef("town_id"), district_type__code=PROGRESS_DISTRICT_TYPE
    ).values("district_id")[:1]
    by_district = {
        row["school_id"]: row
        for row in base.annotate(school_id=Subquery(school)).order_by().values("school_id").annotate(**_counts())
    }
    districts = District.objects.filter(district_type__code=PROGRESS_DISTRICT_TYPE).order_by("code")
    for district in districts:
        row = by_district.get(district.pk)
        if row:
            progress.by_district.append(_row(district.name, row))
    if None in by_district:
        progress.by_district.append(_row(str(NO_DISTRICT_LABEL), by_district[None]))

    by_priority = {
        row["p"]: row
        for row in base.annotate(p=Coalesce("plan_priority", Value(0))).order_by().values("p").annotate(**_counts())
    }
    for value, label in Priority.choices:
        if value in by_priority:
            progress.by_priority.append(_row(str(label), by_priority[value]))
    if 0 in by_priority:
        progress.by_priority.append(_row(str(NO_PRIORITY_LABEL), by_priority[0]))

    for row in progress.by_priority:
        for name in ("listed", "done", "in_progress", "needs_update"):
            setattr(progress.total, name, getattr(progress.total, name) + getattr(row, name))
    return progress


def _row(label: str, counts: dict) -> ProgressRow:
    return ProgressRow(
        label=label,
        listed=counts["listed"],
        done=counts["done"],
        in_progress=counts["in_progress"],
        needs_update=counts["needs_update"],
    )
