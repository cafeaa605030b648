"""Case fixtures: the small ward plus a 自立相談支援機関 and a 障害者相談支援事業所, each with a worker, and a case
opened at the care plaza for a resident of district B."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tsunagu.cases.models import ConsentDecision, Domain, Route
from tsunagu.cases.services import case_open, consent_record
from tsunagu.organisations.models import MembershipRole, OrganisationKind
from tsunagu.testing.factories import MembershipFactory, OrganisationFactory, UserFactory


def intake(**overrides):
    data = {
        "route": Route.VISIT_WINDOW,
        "urgency": "normal",
        "domains": [Domain.ELDERLY, Domain.POVERTY],
        "chief_complaint": "家賃を滞納していて、母の介護もある",
    }
    data.update(overrides)
    return data


@pytest.fixture
def agencies(ward) -> SimpleNamespace:
    def agency(name, kind, username):
        org = OrganisationFactory(name=name, kind=kind)
        user = UserFactory(username=username)
        MembershipFactory(user=user, organisation=org, role=MembershipRole.STAFF)
        return org, user

    self_reliance, self_reliance_worker = agency("大正区自立相談支援機関", OrganisationKind.SELF_RELIANCE, "jiritsu")
    disability, disability_worker = agency(
        "大正区障害者相談支援センター", OrganisationKind.DISABILITY_SUPPORT, "shogai"
    )
    return SimpleNamespace(
        self_reliance=self_reliance,
        self_reliance_worker=self_reliance_worker,
        disability=disability,
        disability_worker=disability_worker,
    )


@pytest.fixture
def case(ward, agencies):
    return case_open(ward.care_plaza_worker, data=intake(client_id=ward.people.b1_agreed.pk))


@pytest.fixture
def consented(ward, agencies, case):
    """The client agreed to share with the 自立相談支援機関."""
    consent_record(
        ward.care_plaza_worker,
        case,
        decision=ConsentDecision.GIVEN,
        decided_on=timezone.localdate() - datetime.timedelta(days=1),
        agencies=[agencies.self_reliance],
        given_by="本人",
        method="署名",
    )
    return case


@pytest.fixture
def escalation(ward):
    """The commissioner's 気になる about a watched resident of district B, routed to the care plaza."""
    from tsunagu.organisations.models import DataScope
    from tsunagu.people.models import ConsentStatus
    from tsunagu.testing.factories import ConsentFactory
    from tsunagu.watch.models import EscalationRoute, VisitMethod, VisitOutcome, WatchAssignment
    from tsunagu.watch.services import visit_record

    person = ward.people.b1_agreed
    ConsentFactory(person=person, scope=DataScope.WATCH, status=ConsentStatus.AGREED)
    WatchAssignment.objects.create(person=person, organisation=ward.orgs.minsei, watcher=ward.commissioner)
    EscalationRoute.objects.create(organisation=ward.orgs.care_plaza)
    result = visit_record(
        user=ward.commissioner,
        person_id=person.pk,
        method=VisitMethod.VISIT,
        outcome=VisitOutcome.CONCERN,
        concerns=["money"],
        note="郵便受けに督促状",
    )
    return result.escalation
