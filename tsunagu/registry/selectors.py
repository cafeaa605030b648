"""Reads of residents. Pages, htmx fragments, exports and the API all come through here, so the access
policy (tsunagu.access.policy) and the audit log are applied once, in one place."""

import datetime
from dataclasses import dataclass

from django.db import connections
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Collate
from django.http import HttpRequest

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.paging import PageWindow, take_page
from tsunagu.people.models import Consent, Person, ResidencyEvent
from tsunagu.registry.search import QueryKind, classify_query, term_q

SEARCH_MAX_PAGE_SIZE = 200
# A search page counts its matches up to this many and then says "1,000人以上": counting every one of 80,000
# 「タ…」 costs more than the page itself. Exports and the API count exactly.
SEARCH_COUNT_LIMIT = 1000


@dataclass(frozen=True)
class PersonFilters:
    query: str = ""
    town_id: int | None = None
    district_id: int | None = None
    birth_from: datetime.date | None = None
    birth_to: datetime.date | None = None
    include_former: bool = False


def _filtered(qs: QuerySet[Person], filters: PersonFilters) -> QuerySet[Person]:
    """The filters other than the search box."""
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


# The folded keys as the search compares and orders them: aliases, so that a prefix condition and the order
# name the same expression as the index (on PostgreSQL the key in the "C" collation, migration people 0006).
_KANA = "_kana_c"
_NAME = "_name_c"


def _is_postgres(qs: QuerySet) -> bool:
    return connections[qs.db].vendor == "postgresql"


def _with_keys(qs: QuerySet[Person]) -> QuerySet[Person]:
    if _is_postgres(qs):
        return qs.alias(**{_KANA: Collate("kana_key", "C"), _NAME: Collate("name_key", "C")})
    return qs.alias(**{_KANA: F("kana_key"), _NAME: F("name_key")})


def _kana_order(qs: QuerySet[Person], *, indexed: bool) -> list:
    """Kana key (code point order, which is 五十音順 for the folded katakana), then 宛名番号.

    On PostgreSQL `indexed` orders in the "C" collation of the index person_kana_order: a list without a name
    condition, or a kana prefix (one range of that index), reads the index in order and stops after the page.
    Otherwise the rows are ordered in "ucs_basic", which sorts exactly as "C" does (by code point) but which no
    index carries, so PostgreSQL sorts the rows that the kind's own index matched instead of walking the order
    index from 「ア」 hoping to meet fifty matches soon (the rows matching 「ヤマダ」 or 「田」 sit together in kana
    order, far from its start: 345 ms for 「ヤマダ」 over 100,000 residents, against 2 ms). SQLite compares text
    by code point."""
    if not _is_postgres(qs):
        return ["kana_key", "resident_number"]
    return [_KANA if indexed else Collate("kana_key", "ucs_basic"), "resident_number"]


@dataclass(frozen=True)
class _Search:
    base: QuerySet[Person]  # visible and filtered, keys aliased, no search box condition yet
    kind: QueryKind | None
    match: Q
    starts: Q  # for a kana query of three characters or more: the reading starts with it


def _search(*, user, filters: PersonFilters, level: policy.DetailLevel | None) -> _Search:  # noqa: ANN001
    viewer = policy.viewer_for(user)
    grants = viewer.full_grants() if level == policy.DetailLevel.FULL else None
    base = _filtered(_with_keys(policy.visible_persons(viewer, grants=grants)), filters).select_related("town")
    term = classify_query(filters.query)
    if term is None:
        return _Search(base=base, kind=None, match=Q(), starts=Q())
    # 宛名番号 is internal: only those who may see it may search by it.
    match = term_q(term, by_resident_number=viewer.is_professional, kana_lookup=_KANA, name_lookup=_NAME)
    return _Search(base=base, kind=term.kind, match=match, starts=Q(**{f"{_KANA}__startswith": term.value}))


def _search_parts(*, user, filters: PersonFilters) -> tuple[list[QuerySet[Person]], bool]:  # noqa: ANN001
    """The matching residents as one or two ordered querysets, each served by one index (registry.search): the
    result is the first's rows, then the second's; person_queryset gives the same rows in the same order. With
    them, whether the page is best read keys first.

    Two for a kana query of three characters or more: those whose reading starts with it (a range of the kana
    order index, read in order), then those whose reading has it further on. Typing 「やまだ」 is nearly always
    looking for a 山田, and the 19,000 of them among 1,000,000 residents are read fifty at a time instead of all
    being sorted for each page. The second part is mostly given names (「けんいち」), and a given name is spread
    evenly over every family name, so PostgreSQL may walk the kana order index (index-only) until it has met a
    page of them, or take the trigram index and sort when they are few; it decides by its statistics. The case
    that misleads it is a piece from the middle of common family names (「まもと」 of ヤマモト: 3% of the rows,
    all together near the end of the order), which people rarely type."""
    search = _search(user=user, filters=filters, level=None)
    base, kind = search.base, search.kind
    # Keys first where the order is read from a covering index alone (see take_page's ids_first).
    ids_first = kind in (QueryKind.KANA_CONTAINS, QueryKind.NAME_PREFIX)
    if kind is None:
        return [base.order_by(*_kana_order(base, indexed=True))], ids_first
    if kind == QueryKind.KANA_CONTAINS:
        return [
            base.filter(search.starts).order_by(*_kana_order(base, indexed=True)),
            base.filter(search.match).exclude(search.starts).order_by(*_kana_order(base, indexed=True)),
        ], ids_first
    order = _kana_order(base, indexed=kind == QueryKind.KANA_PREFIX)
    return [base.filter(search.match).order_by(*order)], ids_first


def person_queryset(
    *,
    user,  # noqa: ANN001
    filters: PersonFilters | None = None,
    level: policy.DetailLevel | None = None,
) -> QuerySet[Person]:
    """The policy-scoped, filtered residents in the search's order, not yet audited: for exports and counts that
    reveal no one. With `level` FULL, only the persons the user sees in full (under professional grants). The
    search box input is read by registry.search.classify_query."""
    search = _search(user=user, filters=filters or PersonFilters(), level=level)
    qs = search.base.filter(search.match)
    order = _kana_order(qs, indexed=search.kind in (None, QueryKind.KANA_PREFIX))
    if search.kind == QueryKind.KANA_CONTAINS:
        # Readings that start with the query first, as the search page shows them (_search_parts).
        order = [Case(When(search.starts, then=Value(0)), default=Value(1)), *_kana_order(qs, indexed=False)]
    return qs.order_by(*order)


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
    exact_total: bool = False,
) -> PersonPage:
    """One page of matching residents. Records a search (or list) entry naming exactly the persons shown.
    A page past the end is the last one, or (``past_end_is_last=False``, the API) empty: see take_page.
    Matches are counted up to SEARCH_COUNT_LIMIT (``total_capped`` past it) unless ``exact_total`` (the API,
    whose clients read every page)."""
    parts, ids_first = _search_parts(user=user, filters=filters)
    persons, window = take_page(
        parts,
        page=page,
        page_size=page_size,
        max_page_size=SEARCH_MAX_PAGE_SIZE,
        past_end_is_last=past_end_is_last,
        count_limit=None if exact_total else SEARCH_COUNT_LIMIT,
        ids_first=ids_first,
    )
    audit_record(
        actor=user,
        action=AuditAction.SEARCH if filters.query else AuditAction.LIST,
        target_type="person",
        target_ids=[p.pk for p in persons],
        query=describe_filters(filters),
        detail={"total": window.total, "page": window.page} | ({"total_capped": True} if window.total_capped else {}),
        request=request,
    )
    return PersonPage(
        persons=persons,
        total=window.total,
        page=window.page,
        page_size=window.page_size,
        total_capped=window.total_capped,
    )


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
