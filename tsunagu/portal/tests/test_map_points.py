"""The roster map at ward and city scale: compact points for the area in view, within the viewer's scope, the
details of one marker on click, and a payload that stays small for a 6,000-person district."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.people.models import Person
from tsunagu.portal.selectors import map_points
from tsunagu.roster.models import RosterEntry, RosterEntryReason, RosterRule, RuleKind
from tsunagu.roster.services import entry_of
from tsunagu.shelters.models import Shelter
from tsunagu.testing.factories import PersonFactory
from tsunagu.testing.personas import list_on_roster

POINTS_URL = "/map/points.json"
# The bounds of the ward's persons below: latitude 34.660 + n/1000 for the n-th person, longitude 135.470.
EVERYWHERE = "135.4,34.6,135.5,34.7"


def marker_url(person):
    return f"/map/persons/{person.pk}.json"


@pytest.fixture
def mapped(ward):
    """Coordinates for every resident but two (a2_agreed, b1_unanswered); reasons of two rules; a shelter."""
    people = ward.people
    for n, person in enumerate(vars(people).values()):
        if person not in (people.a2_agreed, people.b1_unanswered):
            person.latitude, person.longitude = Decimal("34.660") + Decimal(n) / 1000, Decimal("135.470")
            person.save(update_fields=["latitude", "longitude"])
    care = RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3", sort_order=1)
    alone = RosterRule.objects.create(label="75歳以上のひとり暮らし", kind=RuleKind.AGE_LIVING_ALONE, sort_order=2)
    ward.roster.rules = [
        {"id": r.pk, "label": r.label, "kind": r.kind, "threshold": r.threshold} for r in (care, alone)
    ]
    ward.roster.save(update_fields=["rules"])
    RosterEntryReason.objects.bulk_create(
        [
            RosterEntryReason(build=ward.roster, person=people.a1_agreed, rule=alone, label=alone.label),
            RosterEntryReason(build=ward.roster, person=people.a1_agreed, rule=care, label=care.label),
            RosterEntryReason(build=ward.roster, person=people.a2_agreed, rule=care, label=care.label),
            RosterEntryReason(build=ward.roster, person=people.b1_agreed, rule=alone, label=alone.label),
        ]
    )
    Shelter.objects.create(code="S1", name="泉尾東小学校", latitude=Decimal("34.662"), longitude=Decimal("135.476"))
    return ward


def ids(*persons):
    return sorted(p.pk for p in persons)


def point_ids(data):
    return sorted(row[0] for row in data["persons"])


def test_the_first_request_sends_compact_rows_the_unlocated_list_and_the_counts(mapped, verified_client):
    people = mapped.people
    data = verified_client(mapped.ward_officer).get(POINTS_URL, {"unlocated": "1"}).json()

    located = [p for p in vars(people).values() if p not in (people.a2_agreed, people.b1_unanswered)]
    assert point_ids(data) == ids(*located)
    assert data["labels"] == ["要介護3以上", "75歳以上のひとり暮らし"]  # the build's rules, in order
    row = next(r for r in data["persons"] if r[0] == people.a1_agreed.pk)
    a1 = people.a1_agreed
    assert row == [a1.pk, float(a1.latitude), float(a1.longitude), 0]  # first reason: 要介護3以上
    b1 = next(r for r in data["persons"] if r[0] == people.b1_agreed.pk)
    assert b1[3] == 1
    assert all(len(r) == 4 for r in data["persons"])
    assert "髙橋" not in json.dumps(data, ensure_ascii=False)  # names travel only with a marker's details
    assert sorted(p["id"] for p in data["unlocated"]) == ids(people.a2_agreed, people.b1_unanswered)
    assert next(p for p in data["unlocated"] if p["id"] == people.a2_agreed.pk)["reasons"] == ["要介護3以上"]
    assert data["counts"] == {"persons": 7, "located": 5, "unlocated": 2}
    assert [f["properties"]["name"] for f in data["features"]] == ["泉尾東小学校"]
    assert data["build"] == mapped.roster.number and data["tooMany"] is False


def test_only_the_persons_inside_the_bounds_are_sent(mapped, verified_client):
    people = mapped.people
    client = verified_client(mapped.ward_officer)
    a1 = people.a1_agreed  # latitude 34.660, the first person

    near_a1 = client.get(POINTS_URL, {"bbox": "135.46,34.6595,135.48,34.6605", "zoom": "17"}).json()
    nowhere = client.get(POINTS_URL, {"bbox": "139.0,35.0,139.1,35.1", "zoom": "17"}).json()
    everywhere = client.get(POINTS_URL, {"bbox": EVERYWHERE, "zoom": "12"}).json()

    assert point_ids(near_a1) == [a1.pk]
    assert "unlocated" not in near_a1  # listed once, on the first request
    assert nowhere["persons"] == [] and nowhere["features"] == []
    assert len(everywhere["persons"]) == 5
    assert everywhere["features"][0]["properties"]["name"] == "泉尾東小学校"


def test_coordinates_are_as_fine_as_the_zoom_can_show(mapped, verified_client):
    person = mapped.people.a1_agreed
    person.latitude, person.longitude = Decimal("34.661234"), Decimal("135.471234")
    person.save(update_fields=["latitude", "longitude"])
    client = verified_client(mapped.ward_officer)

    def row(zoom):
        data = client.get(POINTS_URL, {"bbox": EVERYWHERE, "zoom": zoom}).json()
        return next(r for r in data["persons"] if r[0] == person.pk)

    assert row("16")[1:3] == [34.66123, 135.47123]
    assert row("11")[1:3] == [34.6612, 135.4712]


def test_an_association_member_gets_only_its_listed_consenting_persons(mapped, client):
    people = mapped.people
    client.force_login(mapped.association_member)

    data = client.get(POINTS_URL, {"unlocated": "1"}).json()
    in_bounds = client.get(POINTS_URL, {"bbox": EVERYWHERE, "zoom": "15"}).json()

    assert point_ids(data) == ids(people.a1_agreed) == point_ids(in_bounds)
    assert [p["id"] for p in data["unlocated"]] == [people.a2_agreed.pk]
    assert data["counts"] == {"persons": 2, "located": 1, "unlocated": 1}
    assert [f["properties"]["kind"] for f in data["features"]] == ["shelter"]  # no supporter candidates


def test_a_person_not_in_the_current_build_is_not_sent(mapped, verified_client):
    list_on_roster([mapped.people.b1_agreed], number=2)

    data = verified_client(mapped.ward_officer).get(POINTS_URL, {"unlocated": "1"}).json()

    assert point_ids(data) == ids(mapped.people.b1_agreed)
    assert data["labels"] == []  # build 2 was made without rules


@pytest.mark.parametrize("persona", ["outsider", "unagreed_member", "ward_clerk"])
def test_users_without_a_grant_get_no_points(mapped, verified_client, persona):
    data = verified_client(getattr(mapped, persona)).get(POINTS_URL, {"unlocated": "1"}).json()

    assert data["persons"] == [] and data["unlocated"] == []
    assert data["counts"] == {"persons": 0, "located": 0, "unlocated": 0}


def test_each_request_is_audited_with_the_ids_it_returned(mapped, client):
    client.force_login(mapped.association_member)

    response = client.get(POINTS_URL, {"bbox": EVERYWHERE, "zoom": "15"})

    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_type, entry.actor_username) == (
        AuditAction.LIST,
        "person",
        "association_member",
    )
    assert entry.target_ids == ids(mapped.people.a1_agreed)
    assert entry.detail["view"] == "roster_map_points" and entry.detail["zoom"] == 15


@pytest.mark.parametrize(
    "query",
    [{"bbox": "1,2,3"}, {"bbox": "a,b,c,d"}, {"bbox": "135.5,34.6,135.4,34.7"}, {"bbox": "nan,1,2,3"}, {"zoom": "99"}],
)
def test_malformed_bounds_or_zoom_are_refused(mapped, verified_client, query):
    response = verified_client(mapped.ward_officer).get(POINTS_URL, query)

    assert response.status_code == 400
    assert AuditEntry.objects.filter(action=AuditAction.LIST).count() == 0


def test_a_view_with_too_many_persons_sends_none_and_asks_to_zoom_in(mapped, verified_client, monkeypatch):
    monkeypatch.setattr(map_points, "MAX_POINTS", 3)

    data = verified_client(mapped.ward_officer).get(POINTS_URL, {"bbox": EVERYWHERE, "zoom": "10"}).json()

    assert data["tooMany"] is True and data["persons"] == [] and data["inView"] == 5
    assert data["extent"] == [34.66, 135.47, 34.666, 135.47]
    assert AuditEntry.objects.get(action=AuditAction.LIST).target_ids == []


def test_a_marker_opened_shows_the_snapshot_and_every_reason_and_is_audited(mapped, client):
    a1 = mapped.people.a1_agreed
    client.force_login(mapped.association_member)

    details = client.get(marker_url(a1)).json()

    assert details["name"].startswith("髙橋")
    assert details["address"] == f"泉尾一丁目{a1.address}"
    assert details["reasons"] == ["要介護3以上", "75歳以上のひとり暮らし"]
    assert details["url"] == f"/people/{a1.pk}/"
    # Only what every detail level may show: no support attributes, no 宛名番号.
    assert set(details) == {"kind", "id", "name", "address", "reasons", "url"}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_ids, entry.detail["view"]) == (AuditAction.VIEW, [a1.pk], "roster_map_marker")


def test_a_marker_out_of_scope_or_not_listed_is_not_found_and_logged(mapped, client, verified_client):
    client.force_login(mapped.association_member)

    out_of_scope = client.get(marker_url(mapped.people.b1_agreed))
    unconsented = client.get(marker_url(mapped.people.a1_refused))
    guessed = client.get("/map/persons/1%20OR%201.json")

    assert out_of_scope.status_code == 404 and unconsented.status_code == 404 and guessed.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED).count() == 3
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()

    unlisted = PersonFactory(town=mapped.towns.a1)
    assert verified_client(mapped.ward_officer).get(marker_url(unlisted)).status_code == 404


def test_signed_out_visitors_get_no_points_and_no_marker(mapped, client):
    assert client.get(POINTS_URL).status_code == 302
    assert client.get(marker_url(mapped.people.a1_agreed)).status_code == 302
    assert AuditEntry.objects.count() == 0


def test_the_number_of_queries_does_not_grow_with_persons(mapped, verified_client):
    client = verified_client(mapped.ward_officer)
    client.get(POINTS_URL)  # the first request also creates the audit chain's head row
    with CaptureQueriesContext(connection) as few:
        client.get(POINTS_URL, {"unlocated": "1"})
    extra = [
        PersonFactory(town=mapped.towns.a1, latitude=Decimal("34.65"), longitude=Decimal("135.46")) for _ in range(15)
    ]
    list_on_roster([*Person.objects.all()], number=2)
    with CaptureQueriesContext(connection) as many:
        data = client.get(POINTS_URL, {"unlocated": "1"}).json()

    assert data["counts"]["persons"] == 7 + len(extra)
    assert len(many) == len(few)


# The measure: a district of 6,000 listed persons, with ids of a million-resident registry.
DISTRICT_PERSONS = 6_000
PAYLOAD_LIMIT = 300 * 1024


def test_a_6000_person_district_is_sent_in_under_300_kb(ward, verified_client):
    rules = [
        RosterRule.objects.create(label=label, kind=RuleKind.INTRACTABLE_DISEASE, sort_order=n)
        for n, label in enumerate(["要介護3以上", "身体障害者手帳1・2級", "75歳以上のひとり暮らし"])
    ]
    template = PersonFactory.build(town=ward.towns.a1, household=None)
    persons = []
    for n in range(DISTRICT_PERSONS):
        person = Person(**{f.attname: getattr(template, f.attname) for f in Person._meta.concrete_fields})
        # About 2 km across, as a 小学校区; ids past a million, as a city's registry has.
        person.pk = 1_000_000 + n
        person.resident_number = f"{500000000 + n}"
        person.latitude = Decimal("34.650000") + Decimal(n * 7919 % 20000) / 1_000_000
        person.longitude = Decimal("135.460000") + Decimal(n * 104729 % 25000) / 1_000_000
        persons.append(person)
    Person.objects.bulk_create(persons, batch_size=1000)
    build = list_on_roster([], number=2)
    build.rules = [{"id": r.pk, "label": r.label} for r in rules]
    build.save(update_fields=["rules"])
    RosterEntry.objects.bulk_create(
        (entry_of(build, p) for p in persons),
        batch_size=1000,
    )
    RosterEntryReason.objects.bulk_create(
        (RosterEntryReason(build=build, person=p, rule=rules[p.pk % 3], label=rules[p.pk % 3].label) for p in persons),
        batch_size=1000,
    )

    response = verified_client(ward.ward_officer).get(POINTS_URL, {"unlocated": "1"})

    data = response.json()
    assert len(data["persons"]) == DISTRICT_PERSONS
    assert len(response.content) < PAYLOAD_LIMIT, len(response.content)
