"""The case data scope (相談支援記録) in the access policy.

A case is seen by the organisations on its team (TeamMember rows in force) and by nobody else: not by an
agreement, and not by the ward's welfare section by default (it sees a case when it is on the team). The persons
a case names (client and household members) are opened in this scope to the team's members in full, so a team
member of an agency without resident lists (障害者相談支援事業所 …) can open the client's record from the case.

Which cases a user sees is decided by one function, visible_cases_q, used by every page, export and API call
(through tsunagu.cases.selectors.access)."""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import Q

from tsunagu.access.policy import DetailLevel, Grant, ScopeRule, Viewer, register_scope
from tsunagu.organisations.models import CASE_AGENCY_KINDS, Agreement, DataScope, Membership

from .models import Case, HouseholdMember, TeamMember, team_in_force_q


def team_organisation_ids(viewer: Viewer) -> frozenset[int]:
    """The organisations through which this user may sit on case teams: active case agencies they work for."""
    return frozenset(
        m.organisation_id
        for m in viewer.memberships
        if m.organisation.kind in CASE_AGENCY_KINDS and m.organisation.is_active
    )


def visible_cases_q(organisation_ids: frozenset[int], prefix: str = "") -> Q:
    """Cases with one of these organisations on their team (in force): the one team check."""
    teams = TeamMember.objects.filter(team_in_force_q(), organisation_id__in=organisation_ids)
    return Q(**{f"{prefix}pk__in": teams.values("case_id")})


class CaseScope(ScopeRule):
    scope = DataScope.CASE

    def staff_grant(self, membership: Membership, narrowed_towns, viewer=None) -> Grant | None:  # noqa: ANN001
        # Ward staff, 社協 and care plazas see cases as team members only (see the module docstring).
        return None

    def agreement_grant(self, agreement: Agreement, **kwargs) -> Grant | None:  # noqa: ANN003
        # Cases are never shared by agreement.
        return None

    def narrowing_q(self, narrowing: Hashable) -> Q:
        _kind, organisation_ids = narrowing  # type: ignore[misc]
        cases = Case.objects.filter(visible_cases_q(organisation_ids))
        members = HouseholdMember.objects.filter(case__in=cases, person__isnull=False)
        return Q(pk__in=cases.filter(client__isnull=False).values("client_id")) | Q(pk__in=members.values("person_id"))

    def extra_grants(self, viewer: Viewer) -> list[Grant]:
        organisation_ids = team_organisation_ids(viewer)
        if not organisation_ids or not viewer.user.is_authenticated:
            return []
        return [
            Grant(
                "支援チーム",
                DetailLevel.FULL,
                self.scope,
                None,
                include_former=True,
                narrowing=("team", organisation_ids),
            )
        ]


register_scope(CaseScope())


class OutreachScope(ScopeRule):
    """The outreach data scope (アウトリーチ対象者情報): whom an outreach item names.

    - Ward welfare staff, 社協 and care plazas: as every scope, their ward or service districts (they find the
      persons to reach and flag them by hand).
    - The agency owning an open outreach item (any case agency, 障害者相談支援事業所 included): the item's person,
      and the household's current residents for an item about the household, while the item is open. Once
      resolved, the item's history stays on the agency's list but the person is shown only to those who see
      them otherwise.
    - Never by agreement: a 町会 or 民児協 does not see who is to be reached."""

    scope = DataScope.OUTREACH

    def agreement_grant(self, agreement: Agreement, **kwargs) -> Grant | None:  # noqa: ANN003
        return None

    def narrowing_q(self, narrowing: Hashable) -> Q:
        from .models import OPEN_OUTREACH_STATUSES, OutreachItem

        _kind, organisation_ids = narrowing  # type: ignore[misc]
        items = OutreachItem.objects.filter(
            owner_organisation_id__in=organisation_ids, status__in=OPEN_OUTREACH_STATUSES, person__isnull=False
        )
        households = items.filter(whole_household=True, person__household__isnull=False)
        return Q(pk__in=items.values("person_id")) | Q(household_id__in=households.values("person__household_id"))

    def extra_grants(self, viewer: Viewer) -> list[Grant]:
        organisation_ids = team_organisation_ids(viewer)
        if not organisation_ids or not viewer.user.is_authenticated:
            return []
        return [
            Grant(
                "アウトリーチの担当機関",
                DetailLevel.FULL,
                self.scope,
                None,
                include_former=True,
                narrowing=("owner", organisation_ids),
            )
        ]


register_scope(OutreachScope())
