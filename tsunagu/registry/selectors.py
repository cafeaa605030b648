"""Reads of residents. Pages, htmx fragments, exports and the API all come through here, so the access
policy (tsunagu.access.policy) and the audit log are applied once, in one place."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.japanese import query_keys
from tsunagu.core.paging import PageWindow, take_page
from tsunagu.people.models import Consent, Person, ResidencyEvent

SEARCH_MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class PersonFilters:
    query: str = ""
    town_id: int | None = None
    district_id: int | None = None
    birth_from: datetime.date | None = None
    birth_to: datetime.date | None = None
    include_former: bool = False


def _filtered(qs: QuerySet[Person], filters: PersonFilters, *, by_resident_number: bool) -> QuerySet[Person]:
    query = filters.query.strip()
    if query:
        name_key, kana_key = query_keys(query)
        match = Q(name_key__contains=name_key) if name_key else Q(pk__in=[])
        if kana_key:
            match |= Q(kana_key__contains=kana_key)
        if by_resident_number and query.isdigit():
            match |= Q(resident_number=query)
        qs = qs.filter(match)
    if filters.town_id:
        qs = qs.filter(town_id=filters.town_id)
    if filters.district_id:
        qs = qs.filter(town__town_districts__district_id=filters.district_id)
    if filters.birth_from:
        qs = qs.filter(birth_date__gte=filters.birth_from)
    if filters.birth_to:
        qs = qs.filter(birth_date__lte=filters.birth_to)
    if not filters.include_former:
        qs = qs.filter(status="resident")
    return qs


def person_queryset(
    *,
    user,  # noqa: ANN001
    filters: PersonFilters | None = None,
    level: policy.DetailLevel | None = None,
) -> QuerySet[Person]:
    """The policy-scoped, filtered residents, not yet audited: for callers that page and then call
    `person_page_audited`, or for counts that reveal no one. With `level` FULL, only the persons the user sees
    in full (under professional grants)."""
    viewer = policy.viewer_for(user)
    grants = viewer.full_grants() if level == policy.DetailLevel.FULL else None
    qs = policy.visible_persons(viewer, grants=grants)
    # 宛名番号 is internal: only those who may see it may search by it.
    full = viewer.is_professional
    return (
        _filtered(qs, filters or PersonFilters(), by_resident_number=full)
        .select_related("town")
        .order_by("kana_key", "resident_number")
    )


@dataclass(kw_only=True)
class PersonPage(PageWindow):
    persons: list[Person]


def person_search(
    *,
    user,  # noqa: ANN001
    filters: PersonFilters,
    page: int = 1,
    page_size: int = 50,
    request: HttpRequest | None = None,
    past_end_is_last: bool = True,
) -> PersonPage:
    """One page of matching residents. Records a search (or list) entry naming exactly the persons shown.
    A page past the end is the last one, or (``past_end_is_last=False``, the API) empty: see take_page."""
    persons, window = take_page(
        person_queryset(user=user, filters=filters),
        page=page,
        page_size=page_size,
        max_page_size=SEARCH_MAX_PAGE_SIZE,
        past_end_is_last=past_end_is_last,
    )
    audit_record(
        actor=user,
        action=AuditAction.SEARCH if filters.query else AuditAction.LIST,
        target_type="person",
        target_ids=[p.pk for p in persons],
        query=describe_filters(filters),
        detail={"total": window.total, "page": window.page},
        request=request,
    )
    return PersonPage(persons=persons, total=window.total, page=window.page, page_size=window.page_size)


def describe_filters(filters: PersonFilters) -> str:
    """The filters as the audit log's query text, the same for searches and exports."""
    parts = []
    if filters.query:
        parts.append(f"q={filters.query}")
    for name in ("town_id", "district_id", "birth_from", "birth_to"):
        value = getattr(filters, name)
        if value:
            parts.append(f"{name}={value}")
    if filters.include_former:
        parts.append("include_former")
    return " ".join(parts)


@dataclass
class PersonDetail:
    person: Person
    level: policy.DetailLevel
    grants: list[policy.Grant]
    events: list[ResidencyEvent]
    consents: list[Consent]
    household_members: list[Person]

    @property
    def is_full(self) -> bool:
        return self.level == policy.DetailLevel.FULL

    @property
    def fields(self) -> frozenset[str]:
        """The person fields this page may show (tsunagu.access.policy.DETAIL_FIELDS of the level)."""
        return policy.DETAIL_FIELDS[self.level]


def person_detail(*, user, person_id: object, request: HttpRequest | None = None) -> PersonDetail:  # noqa: ANN001
    """One person, if the user may see them. Out of scope or unknown: Http404, and the attempt is logged
    (a guessed URL must not reveal whether the person exists)."""
    person = policy.person_or_deny(user, person_id, request=request, related=("town", "household"))
    grants = policy.grants_explaining(user, person)
    full = any(g.level == policy.DetailLevel.FULL for g in grants)
    level = policy.DetailLevel.FULL if full else policy.DetailLevel.COMMUNITY
    events = list(person.events.order_by("occurred_on", "id")) if full else []
    consents = list(person.consents.latest_first()) if full else []
    audit_record(actor=user, action=AuditAction.VIEW, target_type="person", target_ids=[person.pk], request=request)
    members = _household_members(user=user, person=person, request=request) if full else []
    return PersonDetail(
        person=person, level=level, grants=grants, events=events, consents=consents, household_members=members
    )


def _household_members(*, user, person: Person, request: HttpRequest | None) -> list[Person]:  # noqa: ANN001
    """The other members of the person's household that the user may see, logged as a list of them."""
    if person.household_id is None:
        return []
    members = list(
        policy.visible_persons(user)
        .filter(household_id=person.household_id)
        .exclude(pk=person.pk)
        .select_related("town")
        .order_by("birth_date", "pk")
    )
    if members:
        audit_record(
            actor=user,
            action=AuditAction.LIST,
            target_type="person",
            target_ids=[m.pk for m in members],
            query=f"household_of={person.pk}",
            request=request,
        )
    return members
