"""The shelters API: public places, for any signed-in user, with no audit entry (as the shelter pages)."""

import pytest

from tsunagu.audit.models import AuditEntry
from tsunagu.core.api import NOT_AUTHENTICATED_MESSAGE, NOT_FOUND_MESSAGE
from tsunagu.core.serializers import BOOLEAN_MESSAGE, CONTROL_CHARACTER_MESSAGE
from tsunagu.shelters.models import Shelter
from tsunagu.shelters.serializers import HAZARD_MESSAGE, QUERY_TOO_LONG_MESSAGE
from tsunagu.testing.accounts import token_client

LIST_URL = "/api/shelters/"


def detail_url(shelter_id: object) -> str:
    return f"/api/shelters/{shelter_id}/"


@pytest.fixture
def shelters(db):
    return {
        "school": Shelter.objects.create(
            code="S1",
            name="泉尾小学校",
            name_kana="イズオショウガッコウ",
            address="大正区泉尾1-1",
            latitude="34.657000",
            longitude="135.476000",
            hazard_flood=True,
            hazard_earthquake=True,
            capacity=300,
        ),
        "centre": Shelter.objects.create(
            code="W1",
            name="大正区老人福祉センター",
            name_kana="タイショウクロウジンフクシセンター",
            is_welfare_shelter=True,
        ),
        "park": Shelter.objects.create(code="P1", name="千島公園", name_kana="チシマコウエン", hazard_fire=True),
    }


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize("persona", ["ward_officer", "association_member", "unagreed_member", "outsider"])
def test_any_signed_in_user_lists_shelters_in_kana_order_with_no_audit_entry(ward, shelters, persona):
    client = token_client(getattr(ward, persona))
    before = AuditEntry.objects.count()

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert names(response) == ["泉尾小学校", "大正区老人福祉センター", "千島公園"]
    assert response.json()["count"] == 3
    assert AuditEntry.objects.count() == before


def test_a_shelter_as_published(ward, shelters):
    response = token_client(ward.association_member).get(detail_url(shelters["school"].pk))

    assert response.status_code == 200
    body = response.json()
    assert (body["latitude"], body["longitude"], body["capacity"]) == (34.657, 135.476, 300)
    assert body["hazards"] == ["hazard_flood", "hazard_earthquake"]
    assert body["hazard_labels"] == ["洪水", "地震"]
    assert (body["is_welfare_shelter"], body["is_designated_shelter"]) == (False, False)


def test_filters(ward, shelters):
    client = token_client(ward.ward_officer)

    assert names(client.get(LIST_URL, {"q": "公園"})) == ["千島公園"]
    assert names(client.get(LIST_URL, {"hazard": "hazard_flood"})) == ["泉尾小学校"]
    assert names(client.get(LIST_URL, {"welfare_only": "true"})) == ["大正区老人福祉センター"]
    assert names(client.get(LIST_URL, {"page_size": 1, "page": 2})) == ["大正区老人福祉センター"]
    assert names(client.get(LIST_URL, {"page": 4, "page_size": 1})) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"hazard": "meteor"}, "hazard", HAZARD_MESSAGE),
        ({"q": "あ" * 101}, "q", QUERY_TOO_LONG_MESSAGE),
        ({"q": "公園\t"}, "q", CONTROL_CHARACTER_MESSAGE),
        ({"welfare_only": "maybe"}, "welfare_only", BOOLEAN_MESSAGE),
    ],
)
def test_bad_parameters_are_400_with_our_message(ward, shelters, params, field, message):
    response = token_client(ward.ward_officer).get(LIST_URL, params)

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}


@pytest.mark.parametrize("guess", ["999999", "abc", "1.0", "-1", "0", "9" * 30])
def test_unknown_or_malformed_ids_are_404(ward, shelters, guess):
    response = token_client(ward.association_member).get(detail_url(guess))

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}


def test_anonymous_requests_are_refused(shelters, client):
    for url in (LIST_URL, detail_url(shelters["school"].pk)):
        response = client.get(url)
        assert response.status_code in (401, 403)
        assert response.json() == {"detail": NOT_AUTHENTICATED_MESSAGE}
