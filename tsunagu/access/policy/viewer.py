"""The Viewer: what one user may see and do on one day, worked out once.

A request gets one Viewer (RequestViewerMiddleware attaches it to request.user), so the navigation, the page
and its selectors share one reading of the user's memberships and agreements instead of repeating it. Called
outside a request (commands, tests), every policy call makes a fresh Viewer: a change to an agreement or
membership is seen at once.

Across requests, with TSUNAGU_ACCESS_CACHE_SECONDS > 0 (production sets it when the app servers share Redis),
the memberships with their agreements and districts, and the 町丁目 of districts and wards, are kept in the cache
under the ACCESS generation, which every save of a membership, organisation, agreement, district or town moves
on (tsunagu.access.apps) — so a change is still seen by the next request, and a page does not spend five queries
re-reading what has not changed. Grants are still worked out per request: they depend on the day, the roster
build and the disaster events in force. A per-process cache (LocMemCache) would not see another worker's
change, so the setting stays 0 without a shared cache."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from django.conf import settings

from tsunagu.core.generations import ACCESS
from tsunagu.organisations.models import CITY_KINDS, DataScope, Membership
from tsunagu.organisations.selectors import active_memberships

from .grants import DetailLevel, Grant, municipality_town_ids, today, town_ids
from .scopes import scope_rule

_ATTRIBUTE = "_tsunagu_viewer"
T = TypeVar("T")


class Viewer:
    def __init__(self, user, *, day: datetime.date | None = None) -> None:  # noqa: ANN001
        self.user = user
        self.day = day or today()
        self._grants: dict[str, list[Grant]] = {}
        self._towns: dict[frozenset[int], frozenset[int]] = {}
        self._ward_towns: dict[frozenset[int], frozenset[int] | None] = {}

    def __repr__(self) -> str:
        return f"<Viewer {getattr(self.user, 'username', None)!r} {self.day}>"

    @cached_property
    def _generation(self) -> int | None:
        """The ACCESS generation this viewer reads under (None: nothing is kept across requests)."""
        return ACCESS.current() if settings.TSUNAGU_ACCESS_CACHE_SECONDS > 0 else None

    def _kept(self, parts: tuple, compute: Callable[[], T]) -> T:
        """compute(), or what it gave in this ACCESS generation when it was kept."""
        seconds = settings.TSUNAGU_ACCESS_CACHE_SECONDS
        return ACCESS.keep(parts, compute, seconds=seconds, generation=self._generation)

    @cached_property
    def memberships(self) -> list[Membership]:
        user = self.user
        if user is None or not user.is_authenticated or not user.is_active:
            return []
        return self._kept(
            ("memberships", user.pk, self.day.isoformat()),
            lambda: active_memberships(user, self.day, with_agreements=True),
        )

    @cached_property
    def organisation_kinds(self) -> frozenset[str]:
        return frozenset(m.organisation.kind for m in self.memberships)

    @cached_property
    def municipality_ids(self) -> frozenset[int]:
        """The wards this user works in (a city-level organisation's: the city and every ward of it)."""
        ids: set[int] = set()
        for m in self.memberships:
            ids |= m.organisation.municipality_ids()
        return frozenset(ids)

    @cached_property
    def ward_id(self) -> int | None:
        """The one ward this user works in: whose roster build they read and, with a capability, manage. None
        for city-level users, users with memberships in several wards and users without a membership (the
        roster then falls back to the only ward, or the home ward: RosterBuild.current)."""
        wards = {m.organisation.municipality_id for m in self.memberships if m.organisation.kind not in CITY_KINDS}
        return wards.pop() if len(wards) == 1 else None

    @property
    def ward(self):  # noqa: ANN201 - an areas.Municipality or None
        """The Municipality of ward_id (read with the memberships: no query of its own)."""
        for m in self.memberships:
            if m.organisation.municipality_id == self.ward_id:
                return m.organisation.municipality
        return None

    def towns_of_wards(self, municipality_ids: frozenset[int], *, whole: bool | None = None) -> frozenset[int] | None:
        """The 町丁目 of these wards (None: every town of the instance)."""
        if municipality_ids not in self._ward_towns:
            self._ward_towns[municipality_ids] = self._kept(
                ("ward towns", tuple(sorted(municipality_ids)), whole),
                lambda: municipality_town_ids(municipality_ids, whole=whole),
            )
        return self._ward_towns[municipality_ids]

    def towns_of(self, district_ids: frozenset[int]) -> frozenset[int]:
        if district_ids not in self._towns:
            self._towns[district_ids] = self._kept(
                ("district towns", tuple(sorted(district_ids))), lambda: town_ids(district_ids)
            )
        return self._towns[district_ids]

    def grants(self, scope: str = DataScope.ROSTER) -> list[Grant]:
        """Every grant the user holds today for data `scope`. Empty means the user sees no one."""
        if scope not in self._grants:
            self._grants[scope] = scope_rule(scope).grants(self)
        return self._grants[scope]

    def full_grants(self, scope: str = DataScope.ROSTER) -> list[Grant]:
        """The professional (FULL-level) grants among them."""
        return [g for g in self.grants(scope) if g.level == DetailLevel.FULL]

    def sees_former(self, scope: str = DataScope.ROSTER) -> bool:
        """Whether moved-out and deceased residents are in view (the ward's own welfare section)."""
        return any(g.include_former for g in self.grants(scope))

    @property
    def is_professional(self) -> bool:
        """Professional access (ward welfare, 社協, care plaza): 宛名番号 search, candidates' details."""
        return bool(self.full_grants())

    @cached_property
    def role_summary(self) -> list[str]:
        """Human-readable memberships for the home page and header."""
        return [f"{m.organisation.name}・{m.get_role_display()}" for m in self.memberships]


def viewer_for(user, *, day: datetime.date | None = None) -> Viewer:  # noqa: ANN001
    """The request's Viewer when the middleware attached one (and the day is today), else a fresh one."""
    if isinstance(user, Viewer):
        return user
    viewer = getattr(user, _ATTRIBUTE, None)
    if viewer is not None and (day is None or day == viewer.day) and viewer.day == today():
        return viewer
    return Viewer(user, day=day)


def attach_viewer(user) -> None:  # noqa: ANN001
    """Give this (request's) user object its Viewer, shared by every policy call during the request."""
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, _ATTRIBUTE, Viewer(user))
