"""Reads of consent: who on the roster has not answered yet (per district, for the letters), and one person's
consent history for those who see the person in full. Counts name no one and write no audit entry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import HttpRequest

from tsunagu.access import policy
from tsunagu.access.policy import Capability
from tsunagu.areas.models import District
from tsunagu.audit.models import AuditAction, AuditTarget
from tsunagu.audit.services import audit_record
from tsunagu.core.db import reports
from tsunagu.organisations.models import DataScope
from tsunagu.people.models import Consent, ConsentRequest, Person, ResidentStatus
from tsunagu.roster.models import RosterBuild, listed_in_build


def unanswered_listed_persons(
    *,
    user,  # noqa: ANN001
    district: District | None = None,
    scope: str = DataScope.ROSTER,
) -> QuerySet[Person]:
    """Residents on the latest roster build whose consent is 未回答 (no row, or an UNANSWERED row), within
    what the user may see; optionally of one district. Ordered as letters are posted: by 町丁目 and address."""
    qs = (
        policy.visible_persons(user, scope=scope)
        .filter(status=ResidentStatus.RESIDENT)
        .filter(listed_in_build(RosterBuild.current_ids()))
        .without_consent_answer(scope)
    )
    if district is not None:
        qs = qs.filter(town__town_districts__district=district)
    return qs.select_related("town").order_by("town__code", "address", "address_extra", "kana_key", "pk")


@dataclass(frozen=True)
class DistrictCount:
    district: District
    unanswered: int


def unanswered_counts_by_district(*, user, scope: str = DataScope.ROSTER) -> list[DistrictCount]:  # noqa: ANN001
    """How many 未回答 listed persons each district has (one query, whatever the number of districts)."""
    persons = unanswered_listed_persons(user=user, scope=scope)
    counts = dict(
        reports(persons)
        .order_by()
        .values("town__town_districts__district")
        .annotate(n=Count("pk", distinct=True))
        .values_list("town__town_districts__district", "n")
    )
    districts = District.objects.select_related("district_type").order_by("district_type__sort_order", "code")
    return [DistrictCount(d, counts.get(d.pk, 0)) for d in districts]


@dataclass
class ConsentPage:
    person: Person
    history: list[Consent]
    current: Consent | None
    requests: list[ConsentRequest]
    can_record: bool


def consent_page(*, user, person_id: object, request: HttpRequest | None = None) -> ConsentPage:  # noqa: ANN001
    """One person's consent history, for users who see the person in full (ward, 社協, 包括). Anyone else, or
    an unknown id: Http404 and a DENIED audit entry."""
    person = policy.person_or_deny(user, person_id, request=request, level=policy.DetailLevel.FULL)
    history = list(
        person.consents.filter(scope=DataScope.ROSTER).select_related("recorded_by", "consent_request").latest_first()
    )
    requests = list(person.consent_requests.filter(scope=DataScope.ROSTER).order_by("-sent_on", "-id"))
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        target_type=AuditTarget.PERSON,
        target_ids=[person.pk],
        detail={"consent": "history"},
        request=request,
    )
    return ConsentPage(
        person=person,
        history=history,
        current=history[0] if history else None,
        requests=requests,
        can_record=policy.can(user, Capability.MANAGE_CONSENT),
    )
