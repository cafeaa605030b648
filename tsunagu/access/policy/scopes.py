"""Data scopes: each kind of personal data (the roster today; watch-over, cases and the disaster-time grant
next) is opened to viewers by a ScopeRule. The domain app that owns the data registers its rule when Django
starts (its AppConfig.ready), so a new scope is added without touching the policy or the other scopes, and
the policy never imports a domain app.

The defaults of ScopeRule are the rules every scope shares (docs/access-policy.md): the ward's welfare section
sees its whole ward (never another ward of the instance; the city's welfare bureau every ward of the city),
社協 and care plazas their service districts, and an organisation with a valid agreement
covering the scope sees the agreement's districts with the consent it requires. A rule narrows or widens this
by overriding its hooks."""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from dataclasses import replace
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from tsunagu.organisations.models import STAFF_KINDS, Agreement, Membership, OrganisationKind

from .grants import DetailLevel, Grant, municipality_town_ids, narrow, town_ids

if TYPE_CHECKING:
    from .viewer import Viewer

_RULES: dict[str, ScopeRule] = {}


class ScopeRule:
    """How one data scope opens persons to viewers. Subclass and register one per scope."""

    scope: str = ""
    # Whose consent decides what community grants reach: a scope may follow the roster's consent.
    consent_scope: str = ""

    def staff_grant(
        self, membership: Membership, narrowed_towns: frozenset[int] | None, viewer: Viewer | None = None
    ) -> Grant | None:
        org = membership.organisation
        if org.kind in (OrganisationKind.WARD_WELFARE, OrganisationKind.CITY_WELFARE):
            # The ward's towns (a city's welfare bureau: every ward of the city), never another ward's.
            wards = org.municipality_ids()
            # A ward's own section: whether its ward is the whole instance came with the membership.
            whole = getattr(membership, "ward_holds_every_town", None) if len(wards) == 1 else None
            if viewer is not None:
                ward_towns = viewer.towns_of_wards(wards, whole=whole)
            else:
                ward_towns = municipality_town_ids(wards, whole=whole)
            suffix = "（区役所）" if org.kind == OrganisationKind.WARD_WELFARE else "（市役所）"
            towns = narrow(ward_towns, narrowed_towns)
            return Grant(f"{org.name}{suffix}", DetailLevel.FULL, self.scope, towns, include_former=True)
        if org.kind in (OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA):
            served = frozenset(d.pk for d in org.service_districts.all())
            towns = narrow(viewer.towns_of(served) if viewer is not None else town_ids(served), narrowed_towns)
            return Grant(f"{org.name}（担当地区）", DetailLevel.FULL, self.scope, towns)
        # Other ward sections, and the city's crisis management office in normal times (counts only): no
        # personal data without a welfare role.
        return None

    def community_narrowing(self, viewer: Viewer) -> Hashable | None:
        """The limit every community grant of this scope carries for this viewer (computed once per viewer)."""
        return None

    def narrowing_q(self, narrowing: Hashable) -> Q:
        """The persons a grant's narrowing lets through (called only when it is not None)."""
        raise ImproperlyConfigured(f"scope {self.scope!r} sets a narrowing but does not say what it means")

    def agreement_grant(
        self,
        agreement: Agreement,
        *,
        day: datetime.date,
        narrowing: Hashable | None = None,
        district_ids: set[int] | None = None,
        viewer: Viewer | None = None,
    ) -> Grant | None:
        """What an agreement lets its organisation see on `day`, optionally for some of its districts only.
        None when the agreement does not allow sharing this scope that day. `viewer`: whose kept towns to use."""
        org = agreement.organisation
        if not (org.is_active and agreement.is_valid_on(day) and agreement.covers(self.scope)):
            return None
        districts = {d.pk for d in agreement.districts.all()}
        if district_ids is not None:
            districts &= district_ids
        return Grant(
            f"{org.name}（{agreement.document_reference}）",
            DetailLevel.COMMUNITY,
            self.scope,
            viewer.towns_of(frozenset(districts)) if viewer is not None else town_ids(districts),
            consent=agreement.consent_requirement,
            recipient_kind=org.kind,
            agreement_id=agreement.pk,
            narrowing=narrowing,
        )

    def extra_grants(self, viewer: Viewer) -> list[Grant]:
        """Grants that do not come from memberships and agreements (e.g. watch assignments, a disaster)."""
        return []

    def grants(self, viewer: Viewer) -> list[Grant]:
        grants: list[Grant] = []
        narrowing = None
        for membership in viewer.memberships:
            # A membership's districts (a commissioner's 担当区域) may be of another layer than the
            # organisation's or agreement's districts, so narrowing intersects towns, not district ids.
            narrowed = {d.pk for d in membership.districts.all()}
            narrowed_towns = viewer.towns_of(frozenset(narrowed)) if narrowed else None
            if membership.organisation.kind in STAFF_KINDS:
                grant = self.staff_grant(membership, narrowed_towns, viewer)
                if grant is not None:
                    grants.append(grant)
                continue
            for agreement in membership.organisation.agreements.all():
                if not (agreement.is_valid_on(viewer.day) and agreement.covers(self.scope)):
                    continue
                if narrowing is None:
                    narrowing = self.community_narrowing(viewer)
                grant = self.agreement_grant(agreement, day=viewer.day, narrowing=narrowing, viewer=viewer)
                if grant is not None:
                    grants.append(replace(grant, town_ids=narrow(grant.town_ids, narrowed_towns)))
        grants.extend(self.extra_grants(viewer))
        return grants


def register_scope(rule: ScopeRule) -> ScopeRule:
    if not rule.scope:
        raise ImproperlyConfigured("a ScopeRule needs its scope")
    rule.consent_scope = rule.consent_scope or rule.scope
    _RULES[rule.scope] = rule
    return rule


def scope_rule(scope: str) -> ScopeRule:
    try:
        return _RULES[scope]
    except KeyError:
        raise ImproperlyConfigured(f"no ScopeRule is registered for data scope {scope!r}") from None
