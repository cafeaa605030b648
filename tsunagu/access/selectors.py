"""Reads about access itself that need the policy: the audit log search and its chain check. Both are
themselves recorded, because the log holds who looked at whom."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest

from tsunagu.access.policy import Capability, require_capability, viewer_for
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.selectors import AuditFilters, AuditProblem, audit_entry_queryset, audit_verify
from tsunagu.audit.services import audit_record
from tsunagu.core.paging import page_number
from tsunagu.organisations.models import Membership, OrganisationKind

AUDIT_PAGE_SIZE = 50


def audit_log_page(*, user, filters: AuditFilters, page: object = 1, request: HttpRequest | None = None) -> Page:  # noqa: ANN001
    """One page of the audit log, for those the policy allows; the viewing is itself recorded."""
    require_capability(user, Capability.VIEW_AUDIT_LOG)
    paginator = Paginator(audit_entry_queryset(filters=filters).filter(_own_wards_entries(user)), AUDIT_PAGE_SIZE)
    result = paginator.get_page(page_number(page))
    # Read the rows now: a lazy page would be read after the entry below and show it.
    result.object_list = list(result.object_list)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.AUDIT,
        query=filters.describe(),
        detail={"total": paginator.count, "page": result.number},
        request=request,
    )
    return result


def _own_wards_entries(user) -> Q:  # noqa: ANN001
    """In an instance of several wards, a ward's staff read the entries of their own ward's users (and the
    system's): another ward's entries name its residents' ids and the searches its staff typed. A single-ward
    instance reads every entry, as before (known from the memberships, no query)."""
    viewer = viewer_for(user)
    welfare = [m for m in viewer.memberships if m.organisation.kind == OrganisationKind.WARD_WELFARE]
    if all(getattr(m, "ward_holds_every_town", True) for m in welfare):
        return Q()
    ward_users = Membership.objects.filter(organisation__municipality_id__in=viewer.municipality_ids)
    return Q(actor_id_value__in=ward_users.values("user_id")) | Q(actor_id_value__isnull=True)


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    problems: list[AuditProblem]


def audit_log_check(*, user, request: HttpRequest | None = None) -> ChainCheck:  # noqa: ANN001
    """Walk the hash chain for those who may read the log. Recorded after the walk, so the check never covers
    its own entry."""
    require_capability(user, Capability.VIEW_AUDIT_LOG)
    checked, problems = audit_verify()
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        target_type=AuditTarget.AUDIT_VERIFY,
        detail={"checked": checked, "problems": len(problems)},
        request=request,
    )
    return ChainCheck(checked=checked, problems=problems)
