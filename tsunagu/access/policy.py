"""The one access policy for personal data.

Every page, search, export and API call asks this module which residents a user may see or change. Nothing
else decides it. The rules (see docs/access-policy.md):

- 区役所の福祉部門 (ward welfare staff): the whole ward, including moved-out and deceased residents.
- 社会福祉協議会 and 地域包括支援センター／地域ケアプラザ staff: current residents of their service districts.
- An organisation with an agreement (協定) for the roster: current residents of the agreement's districts who
  are listed in the latest roster build (避難行動要支援者名簿), only while the
  agreement is valid and not revoked, and only with the consent the agreement requires.
- A membership may narrow its organisation's scope to some districts (a commissioner's 担当区域).
- Anyone else: nobody.
"""

import datetime
from dataclasses import dataclass, replace
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tsunagu.areas.models import TownDistrict
from tsunagu.organisations.models import (
    STAFF_KINDS,
    Agreement,
    ConsentRequirement,
    DataScope,
    Membership,
    OrganisationKind,
)
from tsunagu.people.models import Consent, ConsentRequest, ConsentStatus, Person, ResidentStatus
from tsunagu.roster.models import RosterBuild, RosterEntry


class DetailLevel(StrEnum):
    """How much of a person's record a grant shows."""

    FULL = "full"  # professionals: everything incl. 宛名番号, household and history
    COMMUNITY = "community"  # agreement holders: the roster items and support needs, nothing internal


@dataclass(frozen=True)
class Grant:
    """One reason a user may see some residents."""

    label: str
    level: DetailLevel
    town_ids: frozenset[int] | None  # None: the whole ward
    include_former: bool = False  # moved-out and deceased residents too
    consent: str = ConsentRequirement.NOT_REQUIRED
    recipient_kind: str = ""
    agreement_id: int | None = None
    # Community grants for the roster reach only persons listed in this build (0: no build yet, so nobody).
    roster_build_id: int | None = None


def today() -> datetime.date:
    return timezone.localdate()


def _town_ids(district_ids: set[int]) -> frozenset[int]:
    return frozenset(TownDistrict.objects.filter(district_id__in=district_ids).values_list("town_id", flat=True))


def _narrow(towns: frozenset[int], narrowed_towns: frozenset[int] | None) -> frozenset[int]:
    return towns if narrowed_towns is None else towns & narrowed_towns


def _active_memberships(user, day: datetime.date) -> list[Membership]:  # noqa: ANN001
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    memberships = (
        Membership.objects.filter(user=user, organisation__is_active=True)
        .select_related("organisation")
        .prefetch_related("districts", "organisation__service_districts")
    )
    return [m for m in memberships if m.is_active_on(day)]


def grants_for(user, *, day: datetime.date | None = None, scope: str = DataScope.ROSTER) -> list[Grant]:  # noqa: ANN001
    """Every grant the user holds on `day` for data `scope`. Empty means the user sees no one."""
    day = day or today()
    grants: list[Grant] = []
    for membership in _active_memberships(user, day):
        org = membership.organisation
        # A membership's districts (e.g. a commissioner's 担当区域) may be of another layer than the
        # organisation's or agreement's districts, so narrowing intersects towns, not district ids.
        narrowed = {d.pk for d in membership.districts.all()}
        narrowed_towns = _town_ids(narrowed) if narrowed else None
        if org.kind == OrganisationKind.WARD_WELFARE:
            towns = narrowed_towns
            grants.append(Grant(f"{org.name}（区役所）", DetailLevel.FULL, towns, include_former=True))
        elif org.kind in (OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA):
            towns = _narrow(_town_ids({d.pk for d in org.service_districts.all()}), narrowed_towns)
            grants.append(Grant(f"{org.name}（担当地区）", DetailLevel.FULL, towns))
        elif org.kind in STAFF_KINDS:
            continue  # other ward sections: no personal data without a welfare role
        else:
            agreements = (
                Agreement.objects.filter(
                    organisation=org, revoked_at__isnull=True, valid_from__lte=day, valid_to__gte=day
                )
                .select_related("organisation")
                .prefetch_related("districts")
            )
            for agreement in agreements:
                if not agreement.covers(scope):
                    continue
                roster_build_id = (RosterBuild.current_id() or 0) if scope == DataScope.ROSTER else None
                grant = grant_for_agreement(agreement, day=day, scope=scope, roster_build_id=roster_build_id)
                if grant is not None:
                    grants.append(replace(grant, town_ids=_narrow(grant.town_ids, narrowed_towns)))
    return grants


def grant_for_agreement(
    agreement: Agreement,
    *,
    day: datetime.date,
    scope: str = DataScope.ROSTER,
    roster_build_id: int | None = None,
    district_ids: set[int] | None = None,
) -> Grant | None:
    """What an agreement lets its organisation see on `day`, optionally for some of its districts only and for
    a given roster build (a distributed copy). None when the agreement does not allow sharing that day."""
    org = agreement.organisation
    if not (org.is_active and agreement.is_valid_on(day) and agreement.covers(scope)):
        return None
    districts = {d.pk for d in agreement.districts.all()}
    if district_ids is not None:
        districts &= district_ids
    return Grant(
        f"{org.name}（{agreement.document_reference}）",
        DetailLevel.COMMUNITY,
        _town_ids(districts),
        consent=agreement.consent_requirement,
        recipient_kind=org.kind,
        agreement_id=agreement.pk,
        roster_build_id=roster_build_id,
    )


def _current_consent(field: str, scope: str) -> Subquery:
    latest = Consent.objects.filter(person=OuterRef("pk"), scope=scope).order_by("-recorded_at", "-id")
    return Subquery(latest.values(field)[:1])


def _grant_q(grant: Grant) -> Q:
    q = Q()
    if grant.town_ids is not None:
        q &= Q(town_id__in=grant.town_ids)
    if not grant.include_former:
        q &= Q(status=ResidentStatus.RESIDENT)
    if grant.consent == ConsentRequirement.REQUIRED:
        kind_ok = Q(_consent_kinds="") | Q(_consent_kinds__contains=f"|{grant.recipient_kind}|")
        q &= Q(_consent_status=ConsentStatus.AGREED) & kind_ok
    elif grant.consent == ConsentRequirement.OPT_OUT:
        # Opt-out: everyone except those who refused or withdrew.
        q &= ~Q(_consent_status__in=[ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN]) | Q(_consent_status__isnull=True)
    elif grant.consent == ConsentRequirement.PRESUMED:
        # 推定同意: consent given, or asked by letter and no answer by the reply date.
        kind_ok = Q(_consent_kinds="") | Q(_consent_kinds__contains=f"|{grant.recipient_kind}|")
        unanswered = Q(_consent_status__isnull=True) | Q(_consent_status=ConsentStatus.UNANSWERED)
        q &= (Q(_consent_status=ConsentStatus.AGREED) & kind_ok) | (unanswered & Q(_asked_and_overdue=True))
    if grant.roster_build_id is not None:
        q &= Q(Exists(RosterEntry.objects.filter(build_id=grant.roster_build_id, person=OuterRef("pk"))))
    return q


def visible_persons(
    user,  # noqa: ANN001
    *,
    day: datetime.date | None = None,
    scope: str = DataScope.ROSTER,
    grants: list[Grant] | None = None,
) -> QuerySet[Person]:
    """The residents this user may see: the base of every read of personal data."""
    grants = grants_for(user, day=day, scope=scope) if grants is None else grants
    if not grants:
        return Person.objects.none()
    qs = Person.objects.all()
    if any(g.consent != ConsentRequirement.NOT_REQUIRED for g in grants):
        qs = qs.annotate(
            _consent_status=_current_consent("status", scope), _consent_kinds=_current_consent("recipient_kinds", scope)
        )
    if any(g.consent == ConsentRequirement.PRESUMED for g in grants):
        overdue = ConsentRequest.objects.filter(person=OuterRef("pk"), scope=scope, reply_due_on__lt=day or today())
        qs = qs.annotate(_asked_and_overdue=Exists(overdue))
    if any(g.town_ids is None and g.include_former for g in grants):
        return qs
    combined = Q(pk__in=[])
    for grant in grants:
        combined |= _grant_q(grant)
    return qs.filter(combined)


def detail_level(user, person: Person, *, day: datetime.date | None = None) -> DetailLevel | None:  # noqa: ANN001
    """The most a user may see of one person, or None when the person is out of their scope."""
    grants = grants_for(user, day=day)
    best: DetailLevel | None = None
    for grant in grants:
        if visible_persons(user, grants=[grant]).filter(pk=person.pk).exists():
            if grant.level == DetailLevel.FULL:
                return DetailLevel.FULL
            best = DetailLevel.COMMUNITY
    return best


def grants_explaining(user, person: Person, *, day: datetime.date | None = None) -> list[Grant]:  # noqa: ANN001
    """The grants under which the user sees this person (shown on the person page: why you may see this)."""
    return [g for g in grants_for(user, day=day) if visible_persons(user, grants=[g]).filter(pk=person.pk).exists()]


def is_professional(user=None, *, grants: list[Grant] | None = None) -> bool:  # noqa: ANN001
    """Whether the user (or these grants) includes professional access (ward, 社協, care plaza: FULL level),
    which the matching, progress reports, candidates' details and 宛名番号 search need."""
    grants = grants_for(user) if grants is None else grants
    return any(g.level == DetailLevel.FULL for g in grants)


def is_ward_welfare(user, *, day: datetime.date | None = None) -> bool:  # noqa: ANN001
    return any(m.organisation.kind == OrganisationKind.WARD_WELFARE for m in _active_memberships(user, day or today()))


def can_change_people(user) -> bool:  # noqa: ANN001
    """Editing and importing the registry is the ward's job alone."""
    return is_ward_welfare(user)


def can_view_audit_log(user) -> bool:  # noqa: ANN001
    return is_ward_welfare(user)


def requires_two_factor(user) -> bool:  # noqa: ANN001
    """Staff roles (ward, 社協, care plaza) sign in with TOTP; community members with a password."""
    if getattr(user, "is_superuser", False):
        return True
    return any(m.organisation.kind in STAFF_KINDS for m in _active_memberships(user, today()))


def role_summary(user) -> list[str]:  # noqa: ANN001
    """Human-readable memberships for the home page and header."""
    return [f"{m.organisation.name}・{m.get_role_display()}" for m in _active_memberships(user, today())]
