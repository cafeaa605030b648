"""The disaster-time grant (災害時の提供) in the access policy, as its own data scope.

In normal times this scope is the staff's only (the ward's welfare section its ward, 社協 and care plazas their
service districts, as every scope). While an event is in force — from its start until it is ended by hand or
its planned end passes, checked on every request — those who must reach people see every person listed on the
current roster in the event's districts, consent or not (災害対策基本法 49条の11 第3項):

- the ward's 防災 section, 消防 and 警察 of the event's ward, and the city's crisis management office: all of the
  event's districts;
- community organisations (町会, 自主防災組織, 民生委員児童委員協議会, NPO supporters): the event's districts
  within their own area (their agreements' districts and service districts), and within a member's own
  districts (a commissioner's 担当区域) where the membership names them.

Agreements never open this scope: only an event does, and ending it closes the access at once."""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import Q, QuerySet
from django.utils import timezone

from tsunagu.access.policy import (
    DetailLevel,
    Grant,
    ScopeRule,
    Viewer,
    register_scope,
    rows_of_visible_persons,
    sees_everyone,
    viewer_for,
)
from tsunagu.access.policy.grants import narrow
from tsunagu.organisations.models import ConsentRequirement, DataScope, OrganisationKind
from tsunagu.roster.models import RosterBuild, listed_in_build

from .in_force import events_not_ended
from .models import DISASTER_SCOPE

# Whose members reach the event's whole area.
AREA_WIDE_KINDS = frozenset(
    {
        OrganisationKind.WARD_DISASTER,
        OrganisationKind.FIRE,
        OrganisationKind.POLICE,
        OrganisationKind.CITY_CRISIS,
    }
)
# Community organisations that support evacuation in their own area.
COMMUNITY_SUPPORT_KINDS = frozenset(
    {
        OrganisationKind.NEIGHBOURHOOD,
        OrganisationKind.DISASTER,
        OrganisationKind.MINSEI,
        OrganisationKind.NPO,
    }
)
DISASTER_RECIPIENT_KINDS = AREA_WIDE_KINDS | COMMUNITY_SUPPORT_KINDS


class DisasterScope(ScopeRule):
    scope = DISASTER_SCOPE
    consent_scope = DataScope.ROSTER

    def agreement_grant(self, agreement, **kwargs: object) -> Grant | None:  # noqa: ANN001
        return None  # no agreement opens the disaster-time grant; an event does

    def narrowing_q(self, narrowing: Hashable) -> Q:
        return listed_in_build(frozenset(narrowing))  # type: ignore[arg-type]

    def extra_grants(self, viewer: Viewer) -> list[Grant]:
        memberships = [m for m in viewer.memberships if m.organisation.kind in DISASTER_RECIPIENT_KINDS]
        if not memberships or not viewer.user.is_authenticated:
            return []
        wards = frozenset().union(*(m.organisation.municipality_ids() for m in memberships))
        now = timezone.now()
        events = [event for event in events_not_ended(wards) if event.is_active_at(now)]
        if not events:
            return []
        listed = RosterBuild.current_ids()
        grants = []
        for event in events:
            event_towns = viewer.towns_of(frozenset(d.pk for d in event.districts.all()))
            for membership in memberships:
                org = membership.organisation
                if not org.is_active or event.municipality_id not in org.municipality_ids():
                    continue
                towns = event_towns
                if org.kind not in AREA_WIDE_KINDS:
                    towns = narrow(towns, _area_towns(org, viewer))
                own = {d.pk for d in membership.districts.all()}
                if own:
                    towns = narrow(towns, viewer.towns_of(frozenset(own)))
                grants.append(
                    Grant(
                        f"{org.name}（{event.name}・災害時の提供）",
                        DetailLevel.COMMUNITY,
                        self.scope,
                        towns,
                        consent=ConsentRequirement.NOT_REQUIRED,
                        recipient_kind=org.kind,
                        narrowing=listed,
                    )
                )
        return grants


def countable_event_rows(rows: QuerySet, user) -> QuerySet:  # noqa: ANN001
    """An event's rows (SafetyCurrent, listed persons only) that the user may count — for figures that name nobody
    (the dashboard's counts and rate). The disaster grants need no consent and open the listed persons of their
    towns, and each row is a listed person with their town: the grants' towns, tested on the rows, decide, without
    reading the registry's million residents (a quarter of a second at city scale). Lists that name persons go
    through rows_of_visible_persons, which reads each person."""
    grants = viewer_for(user).grants(DISASTER_SCOPE)
    if sees_everyone(grants):
        return rows
    if not grants or any(g.consent != ConsentRequirement.NOT_REQUIRED for g in grants):
        return rows_of_visible_persons(rows, user, person_ref="person_id", scope=DISASTER_SCOPE)
    if any(g.town_ids is None for g in grants):
        return rows
    return rows.filter(town_id__in=frozenset().union(*(g.town_ids for g in grants)))


def _area_towns(org, viewer: Viewer) -> frozenset[int]:  # noqa: ANN001
    """A community organisation's own area: the districts of its agreements in force and its service districts."""
    districts = {d.pk for d in org.service_districts.all()}
    for agreement in org.agreements.all():
        if agreement.is_valid_on(viewer.day):
            districts |= {d.pk for d in agreement.districts.all()}
    return viewer.towns_of(frozenset(districts))


register_scope(DisasterScope())
