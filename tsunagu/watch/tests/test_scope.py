"""The WATCH data scope: watchers see the persons they watch (and their household when the watch is the
household's), with the consent the ward's rules require; an agreement covering WATCH opens the watched persons of
its districts; ending a watch ends the access."""

import datetime

import pytest

from tsunagu.access import policy
from tsunagu.organisations.models import DataScope
from tsunagu.people.models import ConsentStatus
from tsunagu.testing.factories import MembershipFactory, UserFactory
from tsunagu.watch.models import WatchAssignment

from .conftest import watch_consent


def seen(user) -> set[int]:
    return set(policy.visible_persons(user, scope=DataScope.WATCH).values_list("pk", flat=True))


def test_a_commissioner_without_a_watch_sees_nobody_under_watch(ward):
    assert seen(ward.commissioner) == set()


def test_a_watcher_sees_exactly_the_persons_watched_and_the_household(ward, watched):
    assert seen(ward.commissioner) == {ward.people.b1_agreed.pk, watched.spouse.pk, ward.people.b1_unanswered.pk}


def test_the_roster_scope_is_not_widened_by_a_watch(ward, watched):
    roster = set(policy.visible_persons(ward.commissioner).values_list("pk", flat=True))
    assert watched.spouse.pk not in roster


def test_without_watch_consent_the_watcher_does_not_see_the_person(ward, watched):
    watch_consent(ward.people.b1_unanswered, status=ConsentStatus.REFUSED)
    assert ward.people.b1_unanswered.pk not in seen(ward.commissioner)


def test_a_roster_consent_does_not_stand_for_watch_consent(ward):
    # a1_agreed agreed to the roster only.
    WatchAssignment.objects.create(
        person=ward.people.a1_agreed, organisation=ward.orgs.minsei, watcher=ward.commissioner
    )
    assert seen(ward.commissioner) == set()


def test_ending_the_watch_ends_the_access(ward, watched):
    WatchAssignment.objects.filter(pk=watched.second.pk).update(ended_on=policy.today() - datetime.timedelta(days=1))
    assert ward.people.b1_unanswered.pk not in seen(ward.commissioner)
    assert ward.people.b1_agreed.pk in seen(ward.commissioner)


def test_another_member_sees_only_watches_without_a_named_watcher(ward, watched):
    colleague = UserFactory(username="colleague")
    MembershipFactory(user=colleague, organisation=ward.orgs.minsei, role="commissioner")
    assert seen(colleague) == set()
    WatchAssignment.objects.filter(pk=watched.second.pk).update(watcher=None)
    assert seen(colleague) == {ward.people.b1_unanswered.pk}


def test_an_agreement_covering_watch_opens_the_watched_persons_of_its_districts(ward, watched):
    agreement = ward.agreements.association  # district A, consent required
    agreement.data_scopes = [DataScope.ROSTER, DataScope.WATCH]
    agreement.save()
    assert seen(ward.association_member) == set()  # nobody of district A is watched
    a2 = ward.people.a2_agreed
    watch_consent(a2)
    WatchAssignment.objects.create(person=a2, organisation=ward.orgs.minsei, watcher=ward.commissioner)
    assert seen(ward.association_member) == {a2.pk}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("shakyo_coordinator", "a"), ("care_plaza_worker", "b"), ("ward_officer", "all"), ("outsider", "none")],
)
def test_staff_see_their_districts_as_in_every_scope(ward, watched, persona, expected):
    b_people = {ward.people.b1_agreed.pk, ward.people.b1_unanswered.pk, ward.people.b1_refused.pk, watched.spouse.pk}
    got = seen(getattr(ward, persona))
    if expected == "b":
        assert got == b_people
    elif expected == "a":
        assert got and not got & b_people
    elif expected == "all":
        assert b_people <= got
    else:
        assert got == set()
