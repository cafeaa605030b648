"""The roster list: the latest build as a user may see it, one page at a time, each entry with its reasons and,
for those whose persons can differ in it, the consent decision in force.

Who sees the consent column: a viewer whose persons can be in more than one consent state. Professionals
(ward, 社協, care plaza: no consent needed) see every state, and which recipients a consent names. A community
grant sees only what its consent requirement lets through: under "consent required" everyone shown has
agreed, so the column would say 同意 on every row and is left out; under opt-out or presumed consent the
column tells 同意 from 未回答 / 推定同意 — the status alone, as the roster's why page shows it, never who
decided, when or how."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Exists, OuterRef, QuerySet, TextChoices, Value, When
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.areas.models import District, Town, TownDistrict
from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record
from tsunagu.core.paging import PageWindow, take_page
from tsunagu.core.wareki import format_birth_with_age, today_jst
from tsunagu.organisations.models import ConsentMode, ConsentRequirement, DataScope, consent_mode
from tsunagu.people.models import ConsentStatus

from ..models import RosterBuild, RosterEntry
from .entries import entry_display, entry_support_phrases, latest_build, reasons_by_person

ROSTER_MAX_PAGE_SIZE = 200


class ConsentState(TextChoices):
    """The consent decision in force, as the roster list shows and filters it."""

    AGREED = "agreed", _("同意")
    REFUSED = "refused", _("不同意")  # refused or withdrawn: not to be shared in normal times
    UNANSWERED = "unanswered", _("未回答")
    PRESUMED = "presumed", _("推定同意")  # asked by letter, no answer by the reply date


# The states the persons of a grant can be in, by the consent the grant requires (what the policy's consent
# conditions let through): the filter offers a viewer only states it can find.
_STATES_UNDER = {
    ConsentRequirement.NOT_REQUIRED: frozenset(ConsentState),
    ConsentRequirement.OPT_OUT: frozenset({ConsentState.AGREED, ConsentState.UNANSWERED, ConsentState.PRESUMED}),
    ConsentRequirement.PRESUMED: frozenset({ConsentState.AGREED, ConsentState.PRESUMED}),
    ConsentRequirement.REQUIRED: frozenset({ConsentState.AGREED}),
}


@dataclass(frozen=True)
class ConsentColumn:
    """What the roster list shows this viewer of consent."""

    states: tuple[ConsentState, ...]  # in ConsentState order
    # Whether 推定同意 is a state at all: only where the ordinance or one of the viewer's agreements presumes
    # consent. Elsewhere a letter left unanswered past its date is simply 未回答.
    presumed: bool = False

    @property
    def shown(self) -> bool:
        return len(self.states) > 1


def roster_consent_column(user) -> ConsentColumn:  # noqa: ANN001
    """The consent states this user's roster can show, from the consent each of their grants requires."""
    grants = policy.viewer_for(user).grants(DataScope.ROSTER)
    presumed = consent_mode() == ConsentMode.PRESUMED or any(g.consent == ConsentRequirement.PRESUMED for g in grants)
    reachable: set[ConsentState] = set()
    for grant in grants:
        reachable |= _STATES_UNDER.get(grant.consent, frozenset())
    if not presumed:
        reachable.discard(ConsentState.PRESUMED)
    return ConsentColumn(states=tuple(s for s in ConsentState if s in reachable), presumed=presumed)


def _consent_state(presumed: bool) -> Case:
    """The state over policy.consent_annotations: 推定同意 is the policy's own definition (presumed_consent_q)."""
    whens = [
        When(current_consent_status=ConsentStatus.AGREED, then=Value(ConsentState.AGREED.value)),
        When(
            current_consent_status__in=[ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN],
            then=Value(ConsentState.REFUSED.value),
        ),
    ]
    if presumed:
        whens.append(When(policy.presumed_consent_q(), then=Value(ConsentState.PRESUMED.value)))
    return Case(*whens, default=Value(ConsentState.UNANSWERED.value), output_field=CharField())


@dataclass(frozen=True)
class RosterFilters:
    district_id: int | None = None
    town_id: int | None = None
    consent: str = ""  # a ConsentState value, or "" for every state

    def describe(self) -> str:
        """The filters as the audit log's query text."""
        parts = [
            f"{name}={getattr(self, name)}" for name in ("district_id", "town_id", "consent") if getattr(self, name)
        ]
        return " ".join(parts)


@dataclass(frozen=True)
class RosterAreas:
    """The districts and 町丁目 the filter offers: those the viewer's grants reach (everything for a grant of
    the whole ward)."""

    districts: QuerySet[District]
    towns: QuerySet[Town]


def roster_filter_areas(user) -> RosterAreas:  # noqa: ANN001
    """The districts (of any layer) with at least one 町丁目 the viewer's roster grants reach, and those 町丁目.
    No query is run here: the querysets are read when the form is shown or checked."""
    districts = District.objects.select_related("district_type")
    towns = Town.objects.all()
    grants = policy.viewer_for(user).grants(DataScope.ROSTER)
    if any(g.town_ids is None for g in grants):
        return RosterAreas(districts=districts, towns=towns)
    reached = sorted(set().union(*(g.town_ids for g in grants)))
    touching = TownDistrict.objects.filter(district=OuterRef("pk"), town_id__in=reached)
    return RosterAreas(districts=districts.filter(Exists(touching)), towns=towns.filter(pk__in=reached))


def roster_entries_queryset(
    *,
    user,  # noqa: ANN001
    build: RosterBuild | None,
    filters: RosterFilters | None = None,
    consent: ConsentColumn | None = None,
) -> QuerySet[RosterEntry]:
    """The entries of `build` whose person the user may see, not yet audited, in 町丁目 and address order.
    With `consent`, each entry carries `consent_state` (a ConsentState value), `current_consent_status` and
    `current_consent_kinds`, and the consent filter applies."""
    if build is None:
        return RosterEntry.objects.none()
    filters = filters or RosterFilters()
    viewer = policy.viewer_for(user)
    qs = policy.rows_of_visible_persons(RosterEntry.objects.filter(build=build), viewer, town_ref="person_town_id")
    if filters.town_id:
        qs = qs.filter(town_id=filters.town_id)
    if filters.district_id:
        qs = qs.filter(town__town_districts__district_id=filters.district_id)
    if consent is not None:
        qs = qs.annotate(
            **policy.consent_annotations(day=viewer.day, consent_scope=DataScope.ROSTER, person_ref="person_id")
        ).annotate(consent_state=_consent_state(consent.presumed))
        if filters.consent:
            qs = qs.filter(consent_state=filters.consent)
    return qs.select_related("town").order_by("town__code", "address", "address_extra", "family_name_kana", "pk")


@dataclass
class RosterRow:
    entry: RosterEntry
    reasons: list[str]
    full: bool  # the support attributes may be shown (FULL detail level for this person)
    consent_state: str = ""  # a ConsentState value; "" when the column is not shown
    withdrawn: bool = False
    # The recipient kinds a consent names ("" for every kind). Internal to the ward and its professional
    # partners, as who decided and how: filled only for a person the viewer sees in full.
    consent_kinds: str = ""

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

    @property
    def consent_label(self) -> str:
        if not self.consent_state:
            return ""
        if self.withdrawn:
            return str(_("不同意（撤回）"))
        return str(ConsentState(self.consent_state).label)


@dataclass(kw_only=True)
class RosterPage(PageWindow):
    build: RosterBuild | None
    rows: list[RosterRow]
    consent: ConsentColumn = field(default_factory=lambda: ConsentColumn(states=()))

    @property
    def any_full(self) -> bool:
        return any(row.full for row in self.rows)


def _row(entry: RosterEntry, reasons: list[str], full: bool, consent: ConsentColumn | None) -> RosterRow:
    if consent is None:
        return RosterRow(entry=entry, reasons=reasons, full=full)
    status = entry.current_consent_status
    return RosterRow(
        entry=entry,
        reasons=reasons,
        full=full,
        consent_state=entry.consent_state,
        withdrawn=status == ConsentStatus.WITHDRAWN,
        consent_kinds=(entry.current_consent_kinds or "") if full and status == ConsentStatus.AGREED else "",
    )


def roster_list(
    *,
    user,  # noqa: ANN001
    filters: RosterFilters | None = None,
    page: int = 1,
    page_size: int = 50,
    request: HttpRequest | None = None,
    past_end_is_last: bool = True,
) -> RosterPage:
    """One page of the latest build as the user may see it, with each person's reasons and, when the viewer's
    persons can differ in it, their consent state. One audit entry names exactly the persons shown.
    ``past_end_is_last=False`` (the API) answers a page past the end with no rows (see take_page)."""
    filters = filters or RosterFilters()
    build = latest_build(user)
    column = roster_consent_column(user)
    # The states are worked out when the column is shown, or when asked for (a viewer whose persons have all
    # agreed and who asks for 未回答 gets nobody, not everyone).
    entries, window = take_page(
        roster_entries_queryset(
            user=user, build=build, filters=filters, consent=column if column.shown or filters.consent else None
        ),
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
    consent = column if column.shown else None
    rows = [_row(e, reasons.get(e.person_id, []), e.person_id in full_ids, consent) for e in entries]
    return RosterPage(
        build=build, rows=rows, consent=column, total=window.total, page=window.page, page_size=window.page_size
    )
