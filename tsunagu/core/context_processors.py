"""Values every page's chrome needs: the ward's name and, for a signed-in user, what the menu shows."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tsunagu.access import policy


def site(request: HttpRequest) -> dict:
    return {"ward_name": settings.TSUNAGU_WARD_NAME}


@dataclass(frozen=True)
class Navigation:
    display_name: str
    roles: list[str]
    # False while a staff member still has to pass the second factor: the menu then offers sign-out only.
    unlocked: bool
    can_view_audit_log: bool
    # Ward welfare staff manage the roster, consent and distributions; professionals (FULL grants) match supporters.
    can_manage_roster: bool
    is_professional: bool


def _navigation_for(user) -> Navigation:  # noqa: ANN001
    verified = getattr(user, "is_verified", lambda: True)()
    unlocked = verified or not settings.TSUNAGU_REQUIRE_2FA or not policy.requires_two_factor(user)
    return Navigation(
        display_name=str(user),
        roles=policy.role_summary(user),
        unlocked=unlocked,
        can_view_audit_log=unlocked and policy.can_view_audit_log(user),
        can_manage_roster=unlocked and policy.can_change_people(user),
        is_professional=unlocked and policy.is_professional(user),
    )


def navigation(request: HttpRequest) -> dict:
    """`nav` for base.html. Lazy, so htmx fragments and JSON responses that never render the menu pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    return {"nav": SimpleLazyObject(lambda: _navigation_for(user))}
