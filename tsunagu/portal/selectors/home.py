"""The home page: what a user's memberships and agreements open to them, and the ward's figures.

The figures are counts: they name no one, so they write no audit entries."""

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Case, Count, Q, QuerySet, Value, When

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import District
from tsunagu.consent.selectors import unanswered_listed_persons
from tsunagu.core import figures
from tsunagu.core.db import reports
from tsunagu.organisations.models import (
    CITY_KINDS,
    STAFF_KINDS,
    Agreement,
    DataScope,
    Organisation,
    OrganisationKind,
)
from tsunagu.people.models import CareLevel, ImportBatch, Person, ResidentStatus
from tsunagu.roster.models import RosterBuild, listed_in_build

RECENT_IMPORTS = 5
CARE_3_OR_MORE = (CareLevel.CARE_3, CareLevel.CARE_4, CareLevel.CARE_5)


class AgreementState(StrEnum):
    IN_FORCE = "in_force"
    NOT_STARTED = "not_started"
    EXPIRED = "expired"
    REVOKED = "revoked"


def agreement_state(agreement: Agreement, day: datetime.date) -> AgreementState:
    if agreement.revoked_at is not None:
        return AgreementState.REVOKED
    if day < agreement.valid_from:
        return AgreementState.NOT_STARTED
    if day > agreement.valid_to:
        return AgreementState.EXPIRED
    return AgreementState.IN_FORCE


@dataclass(frozen=True)
class AgreementSummary:
    agreement: Agreement
    state: AgreementState
    districts: list[District]
    data_scopes: list[str]  # display labels
    visible_count: int | None  # residents this agreement opens today; None unless in force

    @property
    def in_force(self) -> bool:
        return self.state == AgreementState.IN_FORCE


@dataclass(frozen=True)
class DistrictCount:
    district: District
    residents: int


@dataclass(frozen=True)
class MembershipSummary:
    organisation: Organisation
    role_label: str
    narrowed_to: list[District]  # the membership's 担当区域; empty means the organisation's whole scope
    service_districts: list[DistrictCount] = field(default_factory=list)  # 社協・地域包括
    agreements: list[AgreementSummary] = field(default_factory=list)  # agreement holders

    @property
    def is_ward_welfare(self) -> bool:
        return self.organisation.kind == OrganisationKind.WARD_WELFARE

    @property
    def is_district_staff(self) -> bool:
        return self.organisation.kind in (OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA)

    @property
    def is_agreement_holder(self) -> bool:
        return self.organisation.kind not in STAFF_KINDS


@dataclass(frozen=True)
class WardCounts:
    residents: int
    care_3_or_more: int
    consent_unanswered: int
    former: int  # moved out or deceased, still kept for the ward


@dataclass(frozen=True)
class WardFigure:
    """One ward's figures for the city's roles: counts, never a person."""

    ward: str
    residents: int
    listed: int  # in the ward's current roster build


@dataclass(frozen=True)
class AccessOverview:
    memberships: list[MembershipSummary]
    grant_labels: list[str]
    visible_residents: int
    ward_counts: WardCounts | None
    can_view_audit_log: bool
    can_change_people: bool
    recent_imports: list[ImportBatch]
    contact: Organisation | None  # whom a user without access should ask
    city_figures: list[WardFigure] = field(default_factory=list)  # 市 福祉局・危機管理室: each ward's counts

    @property
    def has_access(self) -> bool:
        return bool(self.grant_labels)


def _ward_counts(user, visible: QuerySet) -> WardCounts:  # noqa: ANN001
    resident = Q(status=ResidentStatus.RESIDENT)
    scope = reports(visible)
    totals = figures.kept_figure(
        "ward_counts",
        scope,
        lambda: scope.aggregate(
            residents=Count("pk", filter=resident),
            care=Count("pk", filter=resident & Q(care_level__in=CARE_3_OR_MORE)),
            former=Count("pk", filter=~resident),
        ),
    )
    return WardCounts(
        residents=totals["residents"],
        care_3_or_more=totals["care"],
        # Consent is asked of persons on the roster: the same persons the consent page counts per district.
        consent_unanswered=figures.count(reports(unanswered_listed_persons(user=user))),
        former=totals["former"],
    )


def city_figures(viewer: policy.Viewer) -> list[WardFigure]:
    """Each ward's residents and listed persons, for a member of a city-level organisation (the crisis
    management office sees these counts and no person in normal times). One query."""
    wards = frozenset().union(
        *(m.organisation.municipality_ids() for m in viewer.memberships if m.organisation.kind in CITY_KINDS)
    )
    if not wards:
        return []
    rows = (
        reports(Person.objects.filter(status=ResidentStatus.RESIDENT, town__municipality_id__in=wards))
        .values("town__municipality__code", "town__municipality__name")
        .annotate(
            residents=Count("pk"),
            listed=Count("pk", filter=listed_in_build(RosterBuild.current_ids())),
        )
        .order_by("town__municipality__code")
    )
    kept = figures.kept_figure("city_figures", rows, lambda: list(rows))
    return [WardFigure(r["town__municipality__name"], r["residents"], r["listed"]) for r in kept]


def _district_counts(visible: QuerySet, districts: list[District]) -> dict[int, int]:
    rows = (
        reports(visible)
        .filter(status=ResidentStatus.RESIDENT, town__town_districts__district__in=districts)
        .values("town__town_districts__district")
        .annotate(n=Count("pk", distinct=True))
    )
    kept = figures.kept_figure("district_counts", rows, lambda: list(rows))
    return {row["town__town_districts__district"]: row["n"] for row in kept}


def access_overview(*, user, day: datetime.date | None = None) -> AccessOverview:  # noqa: ANN001
    """What the home page shows a user: their memberships, districts and agreements, and counts of the
    residents these open. The number of queries depends on the user's memberships, never on the residents."""
    viewer = policy.viewer_for(user, day=day)
    day = viewer.day
    grants = viewer.grants()
    visible = policy.persons_under(grants, day=day)
    memberships = viewer.memberships

    staff_districts: dict[int, list[District]] = {}
    for m in memberships:
        if m.organisation.kind in (OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA):
            narrowed = {d.pk for d in m.districts.all()}
            staff_districts[m.pk] = [
                d for d in m.organisation.service_districts.all() if not narrowed or d.pk in narrowed
            ]
    all_staff_districts = [d for ds in staff_districts.values() for d in ds]
    district_counts = _district_counts(visible, all_staff_districts) if all_staff_districts and grants else {}

    # Residents each agreement in force opens, counted under that agreement's grant alone.
    # (One grant alone: the same persons as everything the user sees, counted once below.)
    agreement_counts = {
        g.agreement_id: figures.count(reports(policy.persons_under([g], day=day))) for g in grants if g.agreement_id
    }

    summaries = []
    for m in memberships:
        org = m.organisation
        agreements = []
        if org.kind not in STAFF_KINDS:
            scope_labels = dict(DataScope.choices)
            for agreement in org.agreements.all():
                state = agreement_state(agreement, day)
                agreements.append(
                    AgreementSummary(
                        agreement=agreement,
                        state=state,
                        districts=list(agreement.districts.all()),
                        data_scopes=[scope_labels.get(s, s) for s in agreement.data_scopes or []],
                        visible_count=agreement_counts.get(agreement.pk) if state == AgreementState.IN_FORCE else None,
                    )
                )
        summaries.append(
            MembershipSummary(
                organisation=org,
                role_label=m.get_role_display(),
                narrowed_to=list(m.districts.all()),
                service_districts=[
                    DistrictCount(district=d, residents=district_counts.get(d.pk, 0))
                    for d in staff_districts.get(m.pk, [])
                ],
                agreements=agreements,
            )
        )

    is_ward = any(s.is_ward_welfare for s in summaries) and bool(grants)
    ward_counts = _ward_counts(viewer, visible) if is_ward else None
    if ward_counts is not None:
        visible_residents = ward_counts.residents
    else:
        only = list(agreement_counts.values())
        if len(grants) == 1 and len(only) == 1 and not grants[0].include_former:
            visible_residents = only[0]  # one agreement's grant, current residents only: counted just above
        else:
            visible_residents = figures.count(reports(visible).filter(status=ResidentStatus.RESIDENT)) if grants else 0
    return AccessOverview(
        memberships=summaries,
        grant_labels=[g.label for g in grants],
        visible_residents=visible_residents,
        ward_counts=ward_counts,
        can_view_audit_log=is_ward and policy.can(viewer, Capability.VIEW_AUDIT_LOG),
        can_change_people=is_ward and policy.can(viewer, Capability.MANAGE_REGISTRY),
        recent_imports=list(ImportBatch.objects.order_by("-started_at")[:RECENT_IMPORTS]) if is_ward else [],
        contact=None if grants else _welfare_contact(viewer.ward_id),
        city_figures=city_figures(viewer),
    )


def _welfare_contact(ward_id: int | None = None) -> Organisation | None:
    """The welfare section of the user's ward (any ward's when the user has none)."""
    offices = Organisation.objects.filter(kind=OrganisationKind.WARD_WELFARE, is_active=True)
    own = Case(When(municipality_id=ward_id, then=Value(0)), default=Value(1))
    return offices.order_by(own, "name").first()
