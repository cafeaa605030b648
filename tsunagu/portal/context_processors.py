"""The navigation of every page: what the menu shows a signed-in user, from the request's one Viewer."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.accounts.selectors import is_verified, two_factor_required
from tsunagu.cases.scope import team_organisation_ids
from tsunagu.cases.selectors import case_counts, outreach_counts, overdue_task_count
from tsunagu.community.selectors import member_forums
from tsunagu.volunteers.scope import volunteer_of
from tsunagu.watch.selectors import managed_minsei_ids
from tsunagu.watch.services import commissioner_membership


@dataclass(frozen=True)
class Navigation:
    display_name: str
    roles: list[str]
    # False while a staff member still has to pass the second factor: the menu then offers sign-out only.
    unlocked: bool
    can_view_audit_log: bool
    # Ward welfare staff manage the roster, consent and distributions; professionals (FULL grants) match supporters.
    can_manage_roster: bool
    can_manage_registry: bool
    is_professional: bool
    can_manage_watch: bool
    can_manage_watch_routes: bool
    # 民生委員: their monthly activity record; 民児協 managers and watch staff: the 民児協's totals.
    is_commissioner: bool
    can_view_activity_totals: bool
    # Workers of case agencies: the case pages, with counts read on each page (never cached, so current).
    on_case_teams: bool
    can_open_case: bool
    case_counts: object
    # Supervisors of case agencies: plans and closings waiting for approval. Everyone on case teams: their
    # conference tasks past due.
    can_approve_case_plan: bool
    overdue_conference_tasks: object
    # The agency's outreach worklist (open and overdue items), and the ward's anonymised area figures.
    can_manage_outreach: bool
    outreach_counts: object
    can_view_area_figures: bool
    # District forums (話し合いの場) the user takes part in, or runs as ward / 社協 staff.
    in_forums: object
    # The ward's sections and the staff of organisations that hold events: the events' staff pages.
    can_manage_events: bool = False
    # The volunteer centre's staff (社協, ward welfare); a volunteer signed in: their own page.
    can_manage_volunteers: bool = False
    is_volunteer: object = False


def _navigation_for(user) -> Navigation:  # noqa: ANN001
    viewer = policy.viewer_for(user)
    unlocked = is_verified(user) or not two_factor_required(user)
    return Navigation(
        display_name=str(user),
        roles=viewer.role_summary,
        unlocked=unlocked,
        can_view_audit_log=unlocked and policy.can(viewer, Capability.VIEW_AUDIT_LOG),
        can_manage_roster=unlocked and policy.can(viewer, Capability.MANAGE_ROSTER),
        can_manage_registry=unlocked and policy.can(viewer, Capability.MANAGE_REGISTRY),
        is_professional=unlocked and viewer.is_professional,
        can_manage_watch=unlocked and policy.can(viewer, Capability.MANAGE_WATCH),
        can_manage_watch_routes=unlocked and policy.can(viewer, Capability.MANAGE_WATCH_ROUTES),
        is_commissioner=unlocked and commissioner_membership(user) is not None,
        can_view_activity_totals=unlocked
        and (policy.can(viewer, Capability.MANAGE_WATCH) or bool(managed_minsei_ids(viewer))),
        on_case_teams=unlocked and bool(team_organisation_ids(viewer)),
        can_open_case=unlocked and policy.can(viewer, Capability.OPEN_CASE),
        case_counts=SimpleLazyObject(lambda: case_counts(viewer)),
        can_approve_case_plan=unlocked and policy.can(viewer, Capability.APPROVE_CASE_PLAN),
        overdue_conference_tasks=SimpleLazyObject(lambda: overdue_task_count(viewer)),
        can_manage_outreach=unlocked and policy.can(viewer, Capability.MANAGE_OUTREACH),
        outreach_counts=SimpleLazyObject(lambda: outreach_counts(viewer)),
        can_view_area_figures=unlocked and policy.can(viewer, Capability.VIEW_AREA_FIGURES),
        in_forums=SimpleLazyObject(lambda: unlocked and member_forums(user).exists()),
        can_manage_events=unlocked and policy.publishes_anything(viewer),
        can_manage_volunteers=unlocked and policy.can(viewer, Capability.MANAGE_VOLUNTEERS),
        # A volunteer's sign-in belongs to no organisation (tsunagu.volunteers.services): the menu of members and
        # staff asks nothing more.
        is_volunteer=SimpleLazyObject(lambda: unlocked and not viewer.memberships and volunteer_of(viewer) is not None),
    )


def navigation(request: HttpRequest) -> dict:
    """`nav` for base.html. Lazy, so htmx fragments and JSON responses that never render the menu pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": None}
    return {"nav": SimpleLazyObject(lambda: _navigation_for(user))}
