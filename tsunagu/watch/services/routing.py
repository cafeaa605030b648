"""Where a concern goes: the routing table (district × concern → organisation), its edits, and the time an
escalation may wait before it resurfaces."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import District, Town, TownDistrict
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.organisations.models import Organisation, OrganisationKind
from tsunagu.people.models import Person

from ..models import ConcernTag, EscalationRoute, VisitOutcome
from .errors import WatchError

ROUTE_EXISTS_MESSAGE = _("同じ地区・気になることのつなぎ先がすでにあります。その行を変更してください。")
ROUTE_RECEIVER_MESSAGE = _("つなぎ先には、区役所・社会福祉協議会・地域包括支援センターを選んでください。")
ROUTE_OTHER_WARD_MESSAGE = _("この区の地区とつなぎ先を選んでください。")
ROUTE_NOT_COVERED_MESSAGE = _(
    "%(org)sの担当地区に、この地区の一部が含まれていません。つないでも受け取った側が見られないため、担当地区に含まれる地区を選ぶか、別のつなぎ先を選んでください。"
)
NO_WARD_MESSAGE = _("つなぎ先は区ごとに決めます。区の職員として操作してください。")

# When two concerns of one visit route differently, the graver one decides.
CONCERN_PRECEDENCE: tuple[str, ...] = (
    ConcernTag.ABUSE,
    ConcernTag.HEALTH,
    ConcernTag.MEDICATION,
    ConcernTag.MONEY,
    ConcernTag.FORGETFULNESS,
    ConcernTag.MEALS,
    ConcernTag.NEGLECTED_HOME,
    ConcernTag.ISOLATION,
    ConcernTag.MAIL_PILING,
    ConcernTag.OTHER,
)
DEFAULT_ACKNOWLEDGE_HOURS = {VisitOutcome.URGENT: 2, VisitOutcome.CONCERN: 48}


def acknowledge_deadline(urgency: str, raised_at: datetime.datetime) -> datetime.datetime:
    """When an unacknowledged escalation resurfaces (TSUNAGU_WATCH_ACKNOWLEDGE_HOURS)."""
    hours = {**DEFAULT_ACKNOWLEDGE_HOURS, **getattr(settings, "TSUNAGU_WATCH_ACKNOWLEDGE_HOURS", {})}
    return raised_at + datetime.timedelta(hours=hours[urgency])


def route_for(person: Person, concerns: list[str]) -> Organisation | None:
    """The receiving organisation for a concern about this person: the most specific route (district and
    concern, district, concern, default); among districts the smallest; among concerns the gravest. Without a
    route, the ward's own welfare section, so a concern always reaches someone."""
    districts = TownDistrict.objects.filter(town_id=person.town_id).values("district_id")
    routes = list(
        EscalationRoute.objects.filter(municipality_id=person.town.municipality_id)
        .filter(Q(district__isnull=True) | Q(district_id__in=districts))
        .filter(Q(concern="") | Q(concern__in=concerns))
        .filter(organisation__is_active=True)
        .annotate(district_size=Count("district__town_districts", distinct=True))
        .select_related("organisation")
    )

    def specificity(route: EscalationRoute) -> tuple:
        precedence = CONCERN_PRECEDENCE.index(route.concern) if route.concern else len(CONCERN_PRECEDENCE)
        return (route.district_id is None, route.concern == "", route.district_size, precedence)

    if routes:
        return min(routes, key=specificity).organisation
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.WARD_WELFARE, is_active=True, municipality_id=person.town.municipality_id
        )
        .order_by("pk")
        .first()
    )


# Who may receive a concern: the ward's welfare section, 社協 and care plazas.
RECEIVING_KINDS = (OrganisationKind.WARD_WELFARE, OrganisationKind.SHAKYO, OrganisationKind.CARE_PLAZA)


def route_ward_id(user) -> int:  # noqa: ANN001
    """The ward whose routing table this user edits (the one ward of their welfare section)."""
    policy.require_capability(user, Capability.MANAGE_WATCH_ROUTES)
    ward_id = policy.viewer_for(user).ward_id
    if ward_id is None:
        raise WatchError([NO_WARD_MESSAGE])
    return ward_id


def route_save(
    *,
    user,  # noqa: ANN001
    route_id: int | None,
    district: District | None,
    concern: str,
    organisation: Organisation,
    request: HttpRequest | None = None,
) -> EscalationRoute:
    ward_id = route_ward_id(user)
    if organisation.kind not in RECEIVING_KINDS:
        raise WatchError([ROUTE_RECEIVER_MESSAGE])
    if organisation.municipality_id != ward_id or (district is not None and district.municipality_id != ward_id):
        raise WatchError([ROUTE_OTHER_WARD_MESSAGE])
    if organisation.kind != OrganisationKind.WARD_WELFARE:
        # The receiver must see the persons it receives: its service districts cover the route's towns.
        route_towns = set(
            TownDistrict.objects.filter(district=district).values_list("town_id", flat=True)
            if district is not None
            else Town.objects.filter(municipality_id=ward_id).values_list("pk", flat=True)
        )
        served = set(
            TownDistrict.objects.filter(district__in=organisation.service_districts.all()).values_list(
                "town_id", flat=True
            )
        )
        if not route_towns <= served:
            raise WatchError([ROUTE_NOT_COVERED_MESSAGE % {"org": organisation.name}])
    try:
        with transaction.atomic():
            route = (
                EscalationRoute.objects.filter(pk=route_id, municipality_id=ward_id).first()
                if route_id
                else EscalationRoute()
            )
            if route is None:
                route = EscalationRoute()
            route.municipality_id = ward_id
            route.district, route.concern, route.organisation = district, concern, organisation
            route.save()
            audit_record(
                actor=user,
                action=AuditAction.UPDATE if route_id else AuditAction.CREATE,
                target_type=AuditTarget.WATCH_ROUTE,
                target_ids=[route.pk],
                detail={"district": getattr(district, "pk", None), "concern": concern, "organisation": organisation.pk},
                request=request,
            )
    except IntegrityError:
        raise WatchError([ROUTE_EXISTS_MESSAGE]) from None
    return route


def route_delete(*, user, route_id: int, request: HttpRequest | None = None) -> None:  # noqa: ANN001
    ward_id = route_ward_id(user)
    with transaction.atomic():
        deleted, _rows = EscalationRoute.objects.filter(pk=route_id, municipality_id=ward_id).delete()
        if deleted:
            audit_record(
                actor=user,
                action=AuditAction.UPDATE,
                target_type=AuditTarget.WATCH_ROUTE,
                target_ids=[route_id],
                detail={"deleted": True},
                request=request,
            )
