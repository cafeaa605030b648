"""Watch-over fixtures: the small ward's commissioner watches two residents of district B (one with a household
member living with them), with their consent to share watch-over data."""

from types import SimpleNamespace

import pytest

from tsunagu.organisations.models import DataScope
from tsunagu.people.models import ConsentStatus, Household
from tsunagu.testing.factories import ConsentFactory, PersonFactory
from tsunagu.testing.personas import list_on_roster  # noqa: F401 - re-exported for tests that extend the roster
from tsunagu.watch.models import WatchAssignment, WatchFrequency


def watch_consent(person, status=ConsentStatus.AGREED):
    return ConsentFactory(person=person, scope=DataScope.WATCH, status=status)


@pytest.fixture
def watched(ward) -> SimpleNamespace:
    household = Household.objects.create(number="H-B1-0001")
    b1 = ward.people.b1_agreed
    b1.household = household
    b1.save(update_fields=["household"])
    spouse = PersonFactory(town=ward.towns.b1, household=household, family_name="北村")
    for person in (b1, spouse, ward.people.b1_unanswered):
        watch_consent(person)
    assignment = WatchAssignment.objects.create(
        person=b1,
        organisation=ward.orgs.minsei,
        watcher=ward.commissioner,
        frequency=WatchFrequency.MONTHLY,
        whole_household=True,
        started_on=b1.created_at.date().replace(year=2024),
    )
    second = WatchAssignment.objects.create(
        person=ward.people.b1_unanswered,
        organisation=ward.orgs.minsei,
        watcher=ward.commissioner,
        frequency=WatchFrequency.WEEKLY,
        started_on=assignment.started_on,
    )
    return SimpleNamespace(assignment=assignment, second=second, spouse=spouse, household=household)
