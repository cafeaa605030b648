"""A listed person who moves after the build: the entry keeps the address of the build, its person_town follows
the move (a database trigger, whoever moves them), and the roster pages — which test the viewer's towns on the
entries too, to start from the entries of those towns by index — still show the person to whom the policy opens
them now: the new district's 民生委員, not the old one's."""

from tsunagu.access import policy
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterEntry
from tsunagu.roster.selectors import roster_list
from tsunagu.testing.personas import list_on_roster


def listed_ids(user) -> set[int]:
    return {row.entry.person_id for row in roster_list(user=user, page_size=500).rows}


def test_a_move_is_followed_by_every_entry_of_the_person(ward):
    person = ward.people.a2_unanswered
    older = ward.roster
    newer = list_on_roster([person], number=2)
    person.town = ward.towns.b1
    person.save()
    entries = RosterEntry.objects.filter(person=person)
    assert {e.build_id for e in entries} == {older.pk, newer.pk}
    assert {e.person_town_id for e in entries} == {ward.towns.b1.pk}
    assert {e.town_id for e in entries} == {ward.towns.a2.pk}  # the build's own record is kept


def test_a_set_wise_move_is_followed_too(ward):
    # As the residents import moves people: one UPDATE, no save().
    Person.objects.filter(pk=ward.people.a1_agreed.pk).update(town=ward.towns.b1)
    entry = RosterEntry.objects.get(person=ward.people.a1_agreed, build=ward.roster)
    assert entry.person_town_id == ward.towns.b1.pk


def test_the_new_districts_commissioner_sees_a_moved_person_and_the_old_one_does_not(ward):
    moved = ward.people.a2_unanswered  # district A; the commissioner works in district B
    assert moved.pk not in listed_ids(ward.commissioner)
    moved.town = ward.towns.b1
    moved.save()
    assert moved.pk in listed_ids(ward.commissioner)
    assert ward.people.b1_agreed.pk in listed_ids(ward.commissioner)


def test_an_unmoved_roster_is_the_same_with_and_without_the_town_test(ward):
    for user in (ward.commissioner, ward.association_member, ward.shakyo_coordinator, ward.ward_officer):
        listed = listed_ids(user)
        expected = set(
            RosterEntry.objects.filter(build=ward.roster)
            .filter(person__in=policy.visible_persons(user))
            .values_list("person_id", flat=True)
        )
        assert listed == expected, user
