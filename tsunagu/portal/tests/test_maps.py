from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.evacuation.models import CandidateKind, SupporterCandidate
from tsunagu.people.models import ConsentStatus, Person
from tsunagu.roster.models import RosterEntryReason, RosterRule, RuleKind
from tsunagu.shelters.models import Shelter
from tsunagu.testing.factories import ConsentFactory, PersonFactory
from tsunagu.testing.personas import list_on_roster

DATA_URL = "/map/data.json"


@pytest.fixture
def mapped(ward):
    """Coordinates for every resident but two (a2_agreed, b1_unanswered), reasons, a shelter and candidates."""
    people = ward.people
    for n, person in enumerate(vars(people).values()):
        if person not in (people.a2_agreed, people.b1_unanswered):
            person.latitude, person.longitude = Decimal("34.66") + Decimal(n) / 1000, Decimal("135.47")
            person.save(update_fields=["latitude", "longitude"])
    rule = RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="3", sort_order=1)
    alone = RosterRule.objects.create(label="75歳以上のひとり暮らし", kind=RuleKind.AGE_LIVING_ALONE, sort_order=2)
    RosterEntryReason.objects.bulk_create(
        [
            RosterEntryReason(build=ward.roster, person=people.a1_agreed, rule=alone, label=alone.label),
            RosterEntryReason(build=ward.roster, person=people.a1_agreed, rule=rule, label=rule.label),
            RosterEntryReason(build=ward.roster, person=people.a2_agreed, rule=rule, label=rule.label),
        ]
    )
    Shelter.objects.create(code="S1", name="泉尾東小学校", latitude=Decimal("34.662"), longitude=Decimal("135.476"))
    SupporterCandidate.objects.create(
        kind=CandidateKind.VOLUNTEER,
        name="支援 花子",
        phone="090-0000-0000",
        address="泉尾一丁目",
        latitude=Decimal("34.661"),
        longitude=Decimal("135.471"),
    )
    SupporterCandidate.objects.create(
        kind=CandidateKind.NEIGHBOUR,
        name="休止 次郎",
        latitude=Decimal("34.661"),
        longitude=Decimal("135.471"),
        is_active=False,
    )
    return ward


def features(data, kind):
    return [f["properties"] for f in data["features"] if f["properties"]["kind"] == kind]


def person_ids(data):
    return sorted([p["id"] for p in features(data, "person")] + [p["id"] for p in data["unlocated"]])


def ids(*persons):
    return sorted(p.pk for p in persons)


def test_a_ward_officer_sees_every_listed_person_with_reasons_shelters_and_candidates(mapped, verified_client):
    people = mapped.people
    data = verified_client(mapped.ward_officer).get(DATA_URL).json()

    assert person_ids(data) == ids(*vars(people).values())
    assert data["counts"] == {"persons": 7, "located": 5, "unlocated": 2}
    assert sorted(p["id"] for p in data["unlocated"]) == ids(people.a2_agreed, people.b1_unanswered)
    a1 = next(p for p in features(data, "person") if p["id"] == people.a1_agreed.pk)
    assert a1["name"].startswith("髙橋")
    assert a1["address"] == f"泉尾一丁目{people.a1_agreed.address}"
    assert a1["reasons"] == ["要介護3以上", "75歳以上のひとり暮らし"]  # in the rules' order
    assert [s["name"] for s in features(data, "shelter")] == ["泉尾東小学校"]
    assert [(c["name"], c["phone"]) for c in features(data, "candidate")] == [("支援 花子", "090-0000-0000")]
    assert data["build"] == mapped.roster.number


def test_an_association_member_sees_only_consented_persons_of_its_districts_and_no_candidates(mapped, client):
    people = mapped.people
    client.force_login(mapped.association_member)

    data = client.get(DATA_URL).json()

    assert person_ids(data) == ids(people.a1_agreed, people.a2_agreed)
    assert [p["id"] for p in data["unlocated"]] == [people.a2_agreed.pk]
    assert data["unlocated"][0]["reasons"] == ["要介護3以上"]
    assert features(data, "candidate") == []
    assert "支援 花子" not in str(data)
    assert [s["name"] for s in features(data, "shelter")] == ["泉尾東小学校"]


def test_a_withdrawn_consent_leaves_the_map_at_once(mapped, client):
    ConsentFactory(person=mapped.people.a1_agreed, status=ConsentStatus.WITHDRAWN)
    client.force_login(mapped.association_member)

    data = client.get(DATA_URL).json()

    assert person_ids(data) == ids(mapped.people.a2_agreed)


@pytest.mark.parametrize("persona", ["outsider", "unagreed_member", "ward_clerk"])
def test_users_without_a_grant_see_no_one_and_no_candidates(mapped, verified_client, persona):
    data = verified_client(getattr(mapped, persona)).get(DATA_URL).json()

    assert person_ids(data) == []
    assert data["counts"] == {"persons": 0, "located": 0, "unlocated": 0}
    assert features(data, "candidate") == []
    assert [s["name"] for s in features(data, "shelter")] == ["泉尾東小学校"]  # shelters are public


def test_professionals_with_a_full_grant_see_candidates(mapped, verified_client):
    data = verified_client(mapped.shakyo_coordinator).get(DATA_URL).json()

    assert [c["name"] for c in features(data, "candidate")] == ["支援 花子"]
    assert person_ids(data) == ids(
        mapped.people.a1_agreed, mapped.people.a1_refused, mapped.people.a2_unanswered, mapped.people.a2_agreed
    )


def test_only_the_latest_build_is_shown(mapped, verified_client):
    list_on_roster([mapped.people.b1_agreed], number=2)

    data = verified_client(mapped.ward_officer).get(DATA_URL).json()

    assert person_ids(data) == ids(mapped.people.b1_agreed)
    assert data["build"] == 2


def test_the_data_request_is_audited_with_the_ids_returned(mapped, client):
    client.force_login(mapped.association_member)

    response = client.get(DATA_URL)

    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_type, entry.actor_username) == (
        AuditAction.LIST,
        "person",
        "association_member",
    )
    assert entry.target_ids == ids(mapped.people.a1_agreed, mapped.people.a2_agreed)
    assert entry.detail["unlocated"] == 1


def test_the_page_itself_reveals_no_one_and_loads_leaflet_and_the_tile_setting(mapped, client, settings):
    settings.TSUNAGU_MAP_TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    client.force_login(mapped.association_member)

    response = client.get(reverse("portal:map"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "vendor/leaflet/leaflet.js" in html and "core/map.js" in html
    assert "https://tiles.example.invalid/{z}/{x}/{y}.png" in html
    # The page asks for compact points of the area in view (test_map_points); data.json stays for other clients.
    assert reverse("portal:map_data") == DATA_URL and reverse("portal:map_points") in html
    assert "髙橋" not in html
    assert AuditEntry.objects.count() == 0


def test_signed_out_visitors_get_no_data(mapped, client):
    response = client.get(DATA_URL)
    assert response.status_code == 302
    assert AuditEntry.objects.count() == 0


def test_the_number_of_queries_does_not_grow_with_persons(mapped, verified_client):
    client = verified_client(mapped.ward_officer)
    client.get(DATA_URL)  # the first request also creates the audit chain's head row
    with CaptureQueriesContext(connection) as few:
        client.get(DATA_URL)

    extra = [
        PersonFactory(town=mapped.towns.a1, latitude=Decimal("34.65"), longitude=Decimal("135.46")) for _ in range(15)
    ]
    build = list_on_roster([*Person.objects.exclude(pk__in=[p.pk for p in extra]), *extra], number=2)
    rule = RosterRule.objects.create(label="難病", kind=RuleKind.INTRACTABLE_DISEASE)
    RosterEntryReason.objects.bulk_create(
        RosterEntryReason(build=build, person=p, rule=rule, label=rule.label) for p in extra
    )
    for n in range(10):
        Shelter.objects.create(
            code=f"X{n}", name=f"架空公園{n}", latitude=Decimal("34.65"), longitude=Decimal("135.46")
        )
        SupporterCandidate.objects.create(
            kind=CandidateKind.NEIGHBOUR, name=f"近隣{n}", latitude=Decimal("34.65"), longitude=Decimal("135.46")
        )
    with CaptureQueriesContext(connection) as many:
        data = client.get(DATA_URL).json()

    assert data["counts"]["persons"] == 22
    assert len(many) == len(few)


@pytest.mark.browser
@pytest.mark.usefixtures("audit_triggers_off_for_flush")
def test_a_phone_shows_the_map_with_markers_popups_and_the_unlocated_list(mapped, live_server, settings):
    from playwright.sync_api import expect

    from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, assert_accessible, chromium, sign_in

    # Tiles from this server (missing files): the test must not need the network.
    settings.TSUNAGU_MAP_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, live_server.url, "association_member")
        page.goto(f"{live_server.url}/map/")
        markers = page.locator(".tsunagu-map path.leaflet-interactive")
        expect(markers).to_have_count(2)  # a1_agreed and the shelter (a2_agreed has no coordinates)
        expect(page.locator("#map-unlocated-count")).to_have_text("1")
        expect(page.locator("#map-unlocated")).to_contain_text("要介護3以上")
        markers.first.dispatch_event("click")
        expect(page.locator(".leaflet-popup-content")).to_contain_text("髙橋")
        expect(page.locator(".leaflet-popup-content")).to_contain_text("75歳以上のひとり暮らし")
        page.wait_for_timeout(500)  # let the map finish panning to the popup before the picture
        assert_accessible(page, "roster map on a phone with a popup open")
        page.screenshot(path=str(ARTIFACTS / "roster-map-phone.png"), full_page=True)
        assert errors == []
