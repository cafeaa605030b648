from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.access.policy import CAPABILITIES, Capability, CapabilityDenied
from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.shelters.models import Shelter
from tsunagu.shelters.services import shelter_set_welfare

WELFARE_NOT_ALLOWED_MESSAGE = CAPABILITIES[Capability.MANAGE_SHELTERS].refusal


def make_shelter(code, name, **fields):
    defaults = {"address": "大阪府大阪市大正区泉尾", "latitude": Decimal("34.66"), "longitude": Decimal("135.47")}
    return Shelter.objects.create(code=code, name=name, **{**defaults, **fields})


@pytest.fixture
def shelters(db):
    return [
        make_shelter("S1", "泉尾東小学校", hazard_flood=True, hazard_earthquake=True, capacity=1200),
        make_shelter("S2", "千島公園", hazard_fire=True, address="大阪府大阪市大正区千島"),
        make_shelter("S3", "大正区老人福祉センター", hazard_earthquake=True, is_welfare_shelter=True),
        make_shelter("S4", "位置未登録の広場", latitude=None, longitude=None),
    ]


def names(response):
    return [shelter.name for shelter, _hazards in response.context["rows"]]


def test_any_signed_in_user_sees_the_list_and_search_and_hazard_filter_narrow_it(ward, client, shelters):
    client.force_login(ward.outsider)

    everything = client.get(reverse("shelters:list"))
    by_word = client.get(reverse("shelters:list"), {"q": "千島"})
    by_hazard = client.get(reverse("shelters:list"), {"hazard": "hazard_earthquake"})
    welfare = client.get(reverse("shelters:list"), {"welfare_only": "on"})

    assert everything.status_code == 200
    assert names(everything) == ["位置未登録の広場", "千島公園", "大正区老人福祉センター", "泉尾東小学校"]
    assert names(by_word) == ["千島公園"]
    assert names(by_hazard) == ["大正区老人福祉センター", "泉尾東小学校"]
    assert names(welfare) == ["大正区老人福祉センター"]
    assert "洪水・地震" in everything.content.decode()
    # Shelters are public places, not personal data: no audit entry.
    assert AuditEntry.objects.count() == 0


def test_signed_out_visitors_are_sent_to_the_login_page(client, shelters):
    response = client.get(reverse("shelters:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_list_takes_the_same_number_of_queries_for_more_shelters(ward, client, shelters):
    client.force_login(ward.association_member)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("shelters:list"))
    for n in range(30):
        make_shelter(f"X{n}", f"架空公園{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("shelters:list"))
    assert len(response.context["rows"]) == 34
    assert len(many) == len(few)


def test_detail_shows_the_shelter_and_the_welfare_switch_only_to_ward_staff(ward, client, verified_client, shelters):
    url = reverse("shelters:detail", args=[shelters[0].pk])
    client.force_login(ward.association_member)
    community = client.get(url)
    assert community.status_code == 200
    assert "泉尾東小学校" in community.content.decode()
    assert community.context["can_mark_welfare"] is False
    assert "福祉避難所に指定する" not in community.content.decode()

    staff = verified_client(ward.ward_officer).get(url)
    assert staff.context["can_mark_welfare"] is True
    assert "福祉避難所に指定する" in staff.content.decode()


def test_an_unknown_shelter_is_not_found(ward, client):
    client.force_login(ward.outsider)
    assert client.get(reverse("shelters:detail", args=[999])).status_code == 404


def test_ward_staff_mark_and_unmark_a_welfare_shelter_with_an_audit_entry(ward, verified_client, shelters):
    client = verified_client(ward.ward_officer)
    url = reverse("shelters:welfare", args=[shelters[0].pk])

    response = client.post(url, {"is_welfare_shelter": "on"})

    assert response.status_code == 302
    shelters[0].refresh_from_db()
    assert shelters[0].is_welfare_shelter is True
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert (entry.target_type, entry.target_ids, entry.actor_username) == ("shelter", [shelters[0].pk], "ward_officer")
    assert entry.detail == {"is_welfare_shelter": [False, True]}

    client.post(url, {})
    shelters[0].refresh_from_db()
    assert shelters[0].is_welfare_shelter is False
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 2


@pytest.mark.parametrize("persona", ["association_member", "shakyo_coordinator", "ward_clerk", "outsider"])
def test_others_cannot_mark_a_welfare_shelter(ward, verified_client, shelters, persona):
    client = verified_client(getattr(ward, persona))

    response = client.post(reverse("shelters:welfare", args=[shelters[0].pk]), {"is_welfare_shelter": "on"})

    assert response.status_code == 403
    assert str(WELFARE_NOT_ALLOWED_MESSAGE) in response.content.decode()  # on the one Japanese 403 page
    shelters[0].refresh_from_db()
    assert shelters[0].is_welfare_shelter is False
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 0
    [denied] = AuditEntry.objects.filter(action=AuditAction.DENIED)
    assert (denied.actor_username, denied.target_type) == (persona, "shelter")


def test_the_service_refuses_without_a_ward_welfare_membership(ward, shelters):
    with pytest.raises(CapabilityDenied):
        shelter_set_welfare(user=ward.care_plaza_worker, shelter=shelters[0], is_welfare_shelter=True)


def test_the_welfare_switch_takes_only_post(ward, verified_client, shelters):
    client = verified_client(ward.ward_officer)
    assert client.get(reverse("shelters:welfare", args=[shelters[0].pk])).status_code == 405


def test_the_map_page_and_its_data_show_every_shelter_with_coordinates(ward, client, shelters, settings):
    settings.TSUNAGU_MAP_TILE_URL = "https://tiles.example.invalid/{z}/{x}/{y}.png"
    client.force_login(ward.outsider)

    page = client.get(reverse("shelters:map"))
    data = client.get(reverse("shelters:map_data")).json()

    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/leaflet/leaflet.js" in html
    assert "https://tiles.example.invalid/{z}/{x}/{y}.png" in html
    assert "unpkg.com" not in html and "cdn" not in html.lower()
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert sorted(by_name) == ["千島公園", "大正区老人福祉センター", "泉尾東小学校"]
    assert by_name["泉尾東小学校"]["geometry"]["coordinates"] == [135.47, 34.66]
    assert by_name["泉尾東小学校"]["properties"]["hazards"] == ["洪水", "地震"]
    assert by_name["大正区老人福祉センター"]["properties"]["welfare"] is True


@pytest.mark.browser
@pytest.mark.usefixtures("audit_triggers_off_for_flush")
def test_the_shelter_map_and_detail_page_draw_their_markers(ward, shelters, live_server, settings):
    from playwright.sync_api import expect

    from tsunagu.testing.browser import ARTIFACTS, TIMEOUT_MS, chromium, sign_in

    settings.TSUNAGU_MAP_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"  # no network in tests
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        page = browser.new_page(locale="ja-JP", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page.set_default_timeout(TIMEOUT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in(page, live_server.url, "outsider")
        page.goto(f"{live_server.url}/shelters/map/")
        markers = page.locator(".tsunagu-map path.leaflet-interactive")
        expect(markers).to_have_count(3)  # the fourth shelter has no coordinates
        page.goto(f"{live_server.url}/shelters/{shelters[0].pk}/")
        expect(page.locator(".tsunagu-map path.leaflet-interactive")).to_have_count(3)
        page.screenshot(path=str(ARTIFACTS / "shelter-detail-phone.png"), full_page=True)
        assert errors == []
