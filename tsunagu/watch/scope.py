"""The watch-over data scope (見守り対象者情報) in the access policy.

- Staff (ward welfare, 社協, care plazas): as every scope, their ward or service districts.
- An organisation whose agreement covers WATCH: the persons of the agreement's districts who are being watched
  (an assignment in force), with the consent the agreement requires.
- A watcher: the persons they watch — assignments in force naming them, or naming their organisation without a
  named member — and, for a household watch, the household's current residents. The consent rule is the
  ward's ordinance mode, or the agreement's when the watcher's organisation holds one covering WATCH.

Consent is read from the WATCH scope's own consent records (a roster consent does not open watch-over data)."""

from __future__ import annotations

import datetime
from collections.abc import Hashable

from django.db.models import Q

from tsunagu.access.policy import DetailLevel, Grant, ScopeRule, Viewer, register_scope
from tsunagu.organisations.models import STAFF_KINDS, DataScope, default_consent_requirement

from .models import WatchAssignment, active_assignments_q

# The narrowing of agreement grants: persons with any assignment in force.
ANY_WATCHED = "any"


class WatchScope(ScopeRule):
    scope = DataScope.WATCH

    def community_narrowing(self, viewer: Viewer) -> Hashable:
        return (ANY_WATCHED, viewer.day)

    def narrowing_q(self, narrowing: Hashable) -> Q:
        kind, day, *rest = narrowing  # type: ignore[misc]
        assignments = WatchAssignment.objects.filter(active_assignments_q(day))
        if kind != ANY_WATCHED:
            user_id, organisation_ids = rest
            assignments = assignments.filter(
                Q(watcher_id=user_id) | Q(watcher__isnull=True, organisation_id__in=organisation_ids)
            )
        direct = Q(pk__in=assignments.values("person_id"))
        households = assignments.filter(whole_household=True, person__household__isnull=False)
        return direct | Q(household_id__in=households.values("person__household_id"))

    def extra_grants(self, viewer: Viewer) -> list[Grant]:
        memberships = [m for m in viewer.memberships if m.organisation.kind not in STAFF_KINDS]
        if not memberships or not viewer.user.is_authenticated:
            return []
        organisation_ids = frozenset(m.organisation_id for m in memberships)
        watched = WatchAssignment.objects.filter(active_assignments_q(viewer.day)).filter(
            Q(watcher_id=viewer.user.pk) | Q(watcher__isnull=True, organisation_id__in=organisation_ids)
        )
        grants = []
        for membership in memberships:
            org = membership.organisation
            if not org.is_active or not watched.filter(organisation_id=org.pk).exists():
                continue
            agreement = next(
                (a for a in org.agreements.all() if a.is_valid_on(viewer.day) and a.covers(self.scope)), None
            )
            grants.append(
                Grant(
                    f"{org.name}（見守りの担当）",
                    DetailLevel.COMMUNITY,
                    self.scope,
                    None,
                    consent=agreement.consent_requirement if agreement else default_consent_requirement(),
                    recipient_kind=org.kind,
                    agreement_id=agreement.pk if agreement else None,
                    narrowing=("watcher", viewer.day, viewer.user.pk, organisation_ids),
                )
            )
        return grants


def watched_by_q(user_id: int, organisation_ids: frozenset[int], day: datetime.date) -> Q:
    """Persons this watcher watches on `day` (the watcher grant's narrowing, for lists that want it alone)."""
    return WatchScope().narrowing_q(("watcher", day, user_id, organisation_ids))


register_scope(WatchScope())
