"""Reads of the distribution register: the register itself (ward staff only) and what a distributed copy holds
today — the persons its organisation may still see under the agreement's grant (none once the agreement has
ended or consent was withdrawn)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from tsunagu.access import policy
from tsunagu.audit.models import AuditTarget
from tsunagu.audit.services import audit_denied
from tsunagu.organisations.models import Agreement, DataScope
from tsunagu.people.models import Person

from ..models import Distribution, DistributionForm, RosterEntry


def _require_ward(user) -> None:  # noqa: ANN001
    policy.require_capability(user, policy.Capability.MANAGE_DISTRIBUTIONS)


def _of_users_wards(user) -> Q:  # noqa: ANN001
    """A ward's staff keep the register of their own ward's copies only (a copy's persons are its build's ward's)."""
    return Q(build__municipality_id__in=policy.viewer_for(user).municipality_ids)


def distribution_grant(distribution: Distribution, *, day: datetime.date | None = None) -> policy.Grant | None:
    """The access-policy Grant under which the distribution's organisation sees its copy on `day`: the
    agreement's grant, for the distributed build and districts. None once the agreement no longer allows it."""
    return policy.scope_rule(DataScope.ROSTER).agreement_grant(
        distribution.agreement,
        day=day or policy.today(),
        narrowing=distribution.build_id,
        district_ids={d.pk for d in distribution.districts.all()},
    )


def distribution_persons(
    distribution: Distribution,
    *,
    user,  # noqa: ANN001
    day: datetime.date | None = None,
) -> QuerySet[Person]:
    """The persons of the distribution's build and districts its organisation may see (none once the agreement
    has ended or consent was withdrawn)."""
    grant = distribution_grant(distribution, day=day)
    if grant is None:
        return Person.objects.none()
    return policy.persons_under([grant], day=day or policy.today())


def distribution_entries(
    distribution: Distribution,
    *,
    user,  # noqa: ANN001
    day: datetime.date | None = None,
) -> QuerySet[RosterEntry]:
    persons = distribution_persons(distribution, user=user, day=day)
    return RosterEntry.objects.filter(build_id=distribution.build_id, person__in=persons.values("pk"))


class DistributionStatus:
    ALL = ""
    OUTSTANDING = "outstanding"  # paper or PDF not yet returned or destroyed
    CLOSED = "closed"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class DistributionFilters:
    organisation_id: int | None = None
    build_id: int | None = None
    form: str = ""
    status: str = DistributionStatus.ALL
    number: str = ""


def overdue_q(day: datetime.date) -> Q:
    """Paper copies past their return date with neither a return nor a destruction recorded."""
    return Q(
        form=DistributionForm.PAPER,
        return_due_on__lt=day,
        returned_on__isnull=True,
        destroyed_on__isnull=True,
    )


def distribution_list(
    *,
    user,  # noqa: ANN001
    filters: DistributionFilters | None = None,
    day: datetime.date | None = None,
) -> QuerySet[Distribution]:
    """The register, newest first, filtered. Ward welfare staff only."""
    _require_ward(user)
    filters = filters or DistributionFilters()
    day = day or timezone.localdate()
    qs = (
        Distribution.objects.filter(_of_users_wards(user))
        .select_related("build", "organisation", "agreement", "recorded_by")
        .prefetch_related("districts")
    )
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.build_id:
        qs = qs.filter(build_id=filters.build_id)
    if filters.form:
        qs = qs.filter(form=filters.form)
    if filters.number.strip():
        qs = qs.filter(number__icontains=filters.number.strip())
    if filters.status == DistributionStatus.OVERDUE:
        qs = qs.filter(overdue_q(day))
    elif filters.status == DistributionStatus.OUTSTANDING:
        qs = qs.exclude(form=DistributionForm.SCREEN).filter(returned_on__isnull=True, destroyed_on__isnull=True)
    elif filters.status == DistributionStatus.CLOSED:
        qs = qs.filter(Q(returned_on__isnull=False) | Q(destroyed_on__isnull=False))
    return qs.order_by("-distributed_on", "-id")


def distribution_overdue(*, user, day: datetime.date | None = None) -> QuerySet[Distribution]:  # noqa: ANN001
    """Overdue paper copies, the longest overdue first."""
    day = day or timezone.localdate()
    overdue = distribution_list(user=user, filters=DistributionFilters(status=DistributionStatus.OVERDUE), day=day)
    return overdue.order_by("return_due_on", "id")


def distribution_get(*, user, distribution_id: int, request: HttpRequest | None = None) -> Distribution | None:  # noqa: ANN001
    """One record of the register, or None — an unknown number is logged as a denied attempt."""
    _require_ward(user)
    distribution = (
        Distribution.objects.select_related("build", "organisation", "agreement", "recorded_by")
        .prefetch_related("districts", "agreement__districts")
        .filter(_of_users_wards(user), pk=distribution_id)
        .first()
    )
    if distribution is None:
        audit_denied(
            actor=user, request=request, target_type=AuditTarget.ROSTER_DISTRIBUTION, target_id=distribution_id
        )
    return distribution


def agreements_for_distribution(
    *, day: datetime.date | None = None, municipality_ids: frozenset[int] | None = None
) -> QuerySet[Agreement]:
    """Agreements under which the roster can be handed out today (for the form's choices); with
    `municipality_ids`, those of these wards' organisations only."""
    day = day or timezone.localdate()
    ward = Q(organisation__municipality_id__in=municipality_ids) if municipality_ids is not None else Q()
    return (
        Agreement.objects.filter(
            ward, revoked_at__isnull=True, valid_from__lte=day, valid_to__gte=day, organisation__is_active=True
        )
        .select_related("organisation")
        .prefetch_related("districts")
        .order_by("organisation__name", "-valid_from")
    )
