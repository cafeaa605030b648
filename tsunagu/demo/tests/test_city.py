"""generate_ward --wards N: a city of several wards in one instance (issue 7, item 1)."""

from io import StringIO

import pytest
from django.core.management import call_command

from tsunagu.access.policy import visible_persons
from tsunagu.accounts.models import User
from tsunagu.areas.models import Municipality, Town
from tsunagu.demo.ward import CITY_USERNAMES, generate_ward
from tsunagu.organisations.models import Agreement, Organisation
from tsunagu.people.models import Person
from tsunagu.roster.models import RosterBuild

pytestmark = pytest.mark.django_db

SMALL = 200


def _wards_seen(username: str) -> set[str]:
    user = User.objects.get(username=username)
    return set(visible_persons(user).values_list("town__municipality__name", flat=True).distinct())


def test_a_city_of_three_wards_keeps_each_wards_people_to_its_own_staff():
    summary = generate_ward(size=SMALL, wards=3)

    wards = Municipality.objects.filter(towns__isnull=False).distinct()
    assert sorted(w.name for w in wards) == ["大正区", "港区", "西区"]
    assert {w.parent.name for w in wards} == {"大阪市"}
    assert summary.wards == 3
    assert summary.persons == Person.objects.count()
    # Distinct town codes, each ward with its own build, organisations, agreements and logins.
    assert Town.objects.count() == 3 * Town.objects.filter(municipality=Municipality.home()).count()
    assert RosterBuild.objects.filter(number=1).count() == 3
    for ward in wards:
        assert Organisation.objects.filter(municipality=ward).exists()
        for agreement in Agreement.objects.filter(organisation__municipality=ward):
            assert {d.municipality_id for d in agreement.districts.all()} == {ward.pk}
    assert _wards_seen("ward") == {"大正区"}
    assert _wards_seen("demo_w2_ward") == {"港区"}
    assert _wards_seen("demo_w3_shakyo") == {"西区"}
    assert _wards_seen("demo_w2_chonaikai") <= {"港区"}
    assert _wards_seen("city_welfare") == {"大正区", "港区", "西区"}
    assert _wards_seen("city_crisis") == set()


def test_the_default_stays_one_ward_and_a_replace_clears_the_city_logins():
    generate_ward(size=SMALL, wards=2)
    out = StringIO()
    call_command("generate_ward", "--size", str(SMALL), "--replace", stdout=out)

    assert not User.objects.filter(username__in=CITY_USERNAMES).exists()
    assert not User.objects.filter(username__startswith="demo_w2_").exists()
    assert set(Town.objects.values_list("municipality_id", flat=True)) == {Municipality.home().pk}
    assert RosterBuild.objects.count() == 1


def test_a_city_needs_between_one_and_twenty_four_wards():
    with pytest.raises(ValueError):
        generate_ward(size=SMALL, wards=25)
