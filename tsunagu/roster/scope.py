"""The roster's data scope in the access policy: community grants reach only the persons listed in the
current roster build (or, for a distributed copy, in the build that was handed out)."""

from collections.abc import Hashable

from django.db.models import Q

from tsunagu.access.policy import ScopeRule, Viewer, register_scope
from tsunagu.organisations.models import DataScope

from .models import RosterBuild, listed_in_build


class RosterScope(ScopeRule):
    scope = DataScope.ROSTER

    def community_narrowing(self, viewer: Viewer) -> Hashable:
        # The current build of every ward (each grant's towns keep it to its own ward's). Empty when no build
        # exists yet: agreement holders then see nobody.
        return RosterBuild.current_ids()

    def narrowing_q(self, narrowing: Hashable) -> Q:
        if isinstance(narrowing, int):  # a distributed copy: the one build handed out
            return listed_in_build(narrowing)
        return listed_in_build(frozenset(narrowing))  # type: ignore[arg-type]


register_scope(RosterScope())
