"""The persons API: authentication, the access policy and audit through the API, input errors, the schema."""

import datetime
import json

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from tsunagu.audit.models import AuditAction, AuditChannel, AuditEntry
from tsunagu.core.api import AUTHENTICATION_FAILED_MESSAGE, NOT_AUTHENTICATED_MESSAGE, NOT_FOUND_MESSAGE, ApiDocsView
from tsunagu.core.wareki import FUTURE_DATE_MESSAGE, INVALID_DATE_MESSAGE, NONEXISTENT_DATE_MESSAGE, format_wareki
from tsunagu.people.models import ResidentStatus
from tsunagu.registry.serializers import (
    BIRTH_TOO_LONG_MESSAGE,
    BOOLEAN_MESSAGE,
    CONTROL_CHARACTER_MESSAGE,
    ID_MESSAGE,
    PAGE_MESSAGE,
    PAGE_SIZE_MESSAGE,
    QUERY_TOO_LONG_MESSAGE,
    UNKNOWN_DISTRICT_MESSAGE,
    UNKNOWN_TOWN_MESSAGE,
    PersonDetailCommunitySerializer,
    PersonDetailFullSerializer,
    PersonListCommunitySerializer,
    PersonListFullSerializer,
)
from tsunagu.testing.accounts import issued_key
from tsunagu.testing.factories import PersonFactory

LIST_URL = "/api/persons/"


def detail_url(person_id: object) -> str:
    return f"/api/persons/{person_id}/"


def token_client(user) -> Client:
    return Client(headers={"Authorization": f"Token {issued_key(user)}"})


def last_audit() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


def result_ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# -- Authentication ---------------------------------------------------------------------------------------


def test_token_authentication_lists_the_users_residents(ward):
    response = token_client(ward.association_member).get(LIST_URL)

    assert response.status_code == 200
    assert result_ids(response) == {ward.people.a1_agreed.pk, ward.people.a2_agreed.pk}


def test_wrong_token_is_refused_with_a_japanese_message(ward):
    before = AuditEntry.objects.count()

    response = Client(headers={"Authorization": "Token not-a-real-key"}).get(LIST_URL)

    assert response.status_code in (401, 403)
    assert response.json() == {"detail": AUTHENTICATION_FAILED_MESSAGE}
    assert AuditEntry.objects.count() == before


def test_token_of_a_deactivated_user_is_refused(ward):
    client = token_client(ward.ward_officer)
    ward.ward_officer.is_active = False
    ward.ward_officer.save(update_fields=["is_active"])

    response = client.get(LIST_URL)

    assert response.status_code in (401, 403)
    assert response.json() == {"detail": AUTHENTICATION_FAILED_MESSAGE}


def test_session_authentication_works_for_staff(ward, verified_client):
    response = verified_client(ward.ward_officer).get(LIST_URL)

    assert response.status_code == 200
    assert response.json()["count"] == 7


@pytest.mark.parametrize("url", [LIST_URL, detail_url(1)])
def test_anonymous_requests_are_refused_and_reveal_nothing(ward, client, url):
    before = AuditEntry.objects.count()

    response = client.get(url)

    assert response.status_code in (401, 403)
    assert response.json() == {"detail": NOT_AUTHENTICATED_MESSAGE}
    assert AuditEntry.objects.count() == before


# -- The access policy through the API ---------------------------------------------------------------------

EVERYONE = {"a1_agreed", "a1_refused", "a2_unanswered", "a2_agreed", "b1_agreed", "b1_unanswered", "b1_refused"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ward_officer", EVERYONE),
        ("ward_clerk", set()),
        ("shakyo_coordinator", {"a1_agreed", "a1_refused", "a2_unanswered", "a2_agreed"}),
        ("care_plaza_worker", {"b1_agreed", "b1_unanswered", "b1_refused"}),
        ("commissioner", {"b1_agreed", "b1_unanswered"}),
        ("association_member", {"a1_agreed", "a2_agreed"}),
        ("unagreed_member", set()),
        ("outsider", set()),
    ],
)
def test_policy_matrix_holds_through_the_api(ward, persona, expected):
    response = token_client(getattr(ward, persona)).get(LIST_URL)

    assert response.status_code == 200
    assert result_ids(response) == {getattr(ward.people, name).pk for name in expected}
    assert response.json()["count"] == len(expected)
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.LIST, AuditChannel.API, persona)
    assert set(entry.target_ids) == result_ids(response)


def test_list_rows_carry_the_level_the_policy_grants(ward):
    staff_rows = token_client(ward.shakyo_coordinator).get(LIST_URL).json()["results"]
    community_rows = token_client(ward.association_member).get(LIST_URL).json()["results"]

    assert {row["detail_level"] for row in staff_rows} == {"full"}
    assert all(set(row) == set(PersonListFullSerializer.Meta.fields) for row in staff_rows)
    assert {row["detail_level"] for row in community_rows} == {"community"}
    assert all(set(row) == set(PersonListCommunitySerializer.Meta.fields) for row in community_rows)
    assert all("resident_number" not in row for row in community_rows)


def test_in_scope_detail_is_shown_and_audited_as_an_api_view(ward):
    person = ward.people.a1_agreed

    response = token_client(ward.association_member).get(detail_url(person.pk))

    assert response.status_code == 200
    assert response.json()["family_name"] == "髙橋"
    entry = last_audit()
    assert (entry.action, entry.channel, entry.target_ids) == (AuditAction.VIEW, AuditChannel.API, [person.pk])
    assert entry.path == detail_url(person.pk)


@pytest.mark.parametrize("persona", ["association_member", "outsider", "care_plaza_worker"])
def test_out_of_scope_detail_is_404_and_audited_as_denied(ward, persona):
    # a1_refused refused consent: the association may not see them, the outsider and district B's plaza neither.
    person = ward.people.a1_refused

    response = token_client(getattr(ward, persona)).get(detail_url(person.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.DENIED, AuditChannel.API, persona)
    assert entry.detail == {"requested_id": str(person.pk)}


@pytest.mark.parametrize("requested", ["999999", "abc", "-1", "1.5", "99999999999999999999999999"])
def test_unknown_or_malformed_id_is_404_like_an_out_of_scope_one(ward, requested):
    response = token_client(ward.ward_officer).get(detail_url(requested))

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}
    entry = last_audit()
    assert (entry.action, entry.channel, entry.detail) == (
        AuditAction.DENIED,
        AuditChannel.API,
        {"requested_id": requested[:64]},
    )


def test_nul_in_an_id_is_recorded_readably(ward):
    response = token_client(ward.ward_officer).get(detail_url("12%00"))

    assert response.status_code == 404
    assert last_audit().detail == {"requested_id": "12\ufffd"}


def test_community_detail_omits_resident_number_household_and_history(ward):
    person = ward.people.a2_agreed

    data = token_client(ward.association_member).get(detail_url(person.pk)).json()

    assert set(data) == set(PersonDetailCommunitySerializer.Meta.fields)
    for internal in ("resident_number", "household", "events", "consents", "status"):
        assert internal not in data
    for support in ("care_level", "physical_disability_grade", "intractable_disease", "lives_alone"):
        assert support not in data  # item 7 of issue 6: the support attributes are not roster items
    assert data["detail_level"] == "community"
    assert data["phone"] == person.phone
    assert data["grants"] == ["泉尾第一町会（" + ward.agreements.association.document_reference + "）"]


def test_full_detail_includes_resident_number_household_and_history(ward):
    person = ward.people.a2_agreed

    data = token_client(ward.shakyo_coordinator).get(detail_url(person.pk)).json()

    assert set(data) == set(PersonDetailFullSerializer.Meta.fields)
    assert data["detail_level"] == "full"
    assert data["resident_number"] == person.resident_number
    assert data["household"] == {"id": person.household.pk, "number": person.household.number}
    assert [c["consent_status"] for c in data["consents"]] == ["agreed"]
    assert data["events"] == []


def test_dates_are_iso_with_wareki_and_age(ward):
    person = ward.people.a1_agreed

    data = token_client(ward.ward_officer).get(detail_url(person.pk)).json()

    assert data["birth_date"] == "1940-05-03"
    assert data["birth_date_wareki"] == "昭和15年5月3日" == format_wareki(person.birth_date)
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=9))).date()
    assert data["age"] == today.year - 1940 - ((today.month, today.day) < (5, 3))
    assert data["town"] == {"id": ward.towns.a1.pk, "code": "0001001", "name": "泉尾一丁目"}


# -- Search and filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["たかはし", "タカハシ", "ﾀｶﾊｼ", "高橋", "髙橋"])
def test_search_finds_takahashi_however_it_is_typed(ward, q):
    response = token_client(ward.ward_officer).get(LIST_URL, {"q": q})

    assert response.status_code == 200
    assert result_ids(response) == {ward.people.a1_agreed.pk}
    entry = last_audit()
    assert (entry.action, entry.channel, entry.query) == (AuditAction.SEARCH, AuditChannel.API, f"q={q}")


def test_search_does_not_widen_the_policy(ward):
    # 髙橋 is in district A; the district B plaza worker must not find them by name.
    response = token_client(ward.care_plaza_worker).get(LIST_URL, {"q": "たかはし"})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_town_and_district_filters(ward):
    client = token_client(ward.ward_officer)

    by_town = client.get(LIST_URL, {"town": ward.towns.a2.pk})
    by_district = client.get(LIST_URL, {"district": ward.districts.b.pk})

    assert result_ids(by_town) == {ward.people.a2_unanswered.pk, ward.people.a2_agreed.pk}
    assert result_ids(by_district) == {
        ward.people.b1_agreed.pk,
        ward.people.b1_unanswered.pk,
        ward.people.b1_refused.pk,
    }


@pytest.mark.parametrize("birth", ["昭和20年8月15日", "S20.8.15", "1945-08-15", "１９４５年８月１５日"])
def test_birth_filter_reads_wareki_and_seireki(ward, birth):
    born_1945 = PersonFactory(town=ward.towns.a1, birth_date=datetime.date(1945, 8, 15))

    response = token_client(ward.ward_officer).get(LIST_URL, {"birth": birth})

    assert response.status_code == 200
    assert result_ids(response) == {born_1945.pk}


def test_former_residents_only_on_request_and_only_for_the_ward(ward):
    moved = PersonFactory(town=ward.towns.a1, status=ResidentStatus.MOVED_OUT)
    officer = token_client(ward.ward_officer)

    assert moved.pk not in result_ids(officer.get(LIST_URL))
    assert moved.pk in result_ids(officer.get(LIST_URL, {"include_former": "true"}))
    assert moved.pk not in result_ids(token_client(ward.shakyo_coordinator).get(LIST_URL, {"include_former": "true"}))


def test_pages(ward):
    client = token_client(ward.ward_officer)

    first = client.get(LIST_URL, {"page_size": 3}).json()
    last = client.get(LIST_URL, {"page_size": 3, "page": 3}).json()
    beyond = client.get(LIST_URL, {"page_size": 3, "page": 4}).json()

    assert (first["count"], first["page"], first["pages"], first["page_size"], len(first["results"])) == (7, 1, 3, 3, 3)
    assert (last["page"], len(last["results"])) == (3, 1)
    assert (beyond["page"], beyond["results"]) == (4, [])


def test_list_query_count_does_not_grow_with_rows(ward):
    client = token_client(ward.ward_officer)
    client.get(LIST_URL)  # warm-up: the first request also looks up the token's content type and so on

    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL, {"town": ward.towns.a1.pk})
    for _ in range(15):
        PersonFactory(town=ward.towns.a1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST_URL, {"town": ward.towns.a1.pk})

    assert len(response.json()["results"]) == 17
    assert len(many) == len(few)


# -- Bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page": "abc"}, "page", PAGE_MESSAGE),
        ({"page": "0"}, "page", PAGE_MESSAGE),
        ({"page": "-3"}, "page", PAGE_MESSAGE),
        ({"page": "10001"}, "page", PAGE_MESSAGE),
        ({"page": "9" * 2000}, "page", PAGE_MESSAGE),
        ({"page_size": "ten"}, "page_size", PAGE_SIZE_MESSAGE),
        ({"page_size": "201"}, "page_size", PAGE_SIZE_MESSAGE),
        ({"page_size": "0"}, "page_size", PAGE_SIZE_MESSAGE),
        ({"town": "999999"}, "town", UNKNOWN_TOWN_MESSAGE),
        ({"town": "泉尾"}, "town", ID_MESSAGE),
        ({"town": "99999999999999999999999"}, "town", ID_MESSAGE),
        ({"district": "999999"}, "district", UNKNOWN_DISTRICT_MESSAGE),
        ({"q": "あ" * 101}, "q", QUERY_TOO_LONG_MESSAGE),
        ({"q": "山田\x00"}, "q", CONTROL_CHARACTER_MESSAGE),
        ({"birth": "きのう"}, "birth", INVALID_DATE_MESSAGE),
        ({"birth": "昭和15年2月30日"}, "birth", NONEXISTENT_DATE_MESSAGE),
        ({"birth": "2999-01-01"}, "birth", FUTURE_DATE_MESSAGE),
        ({"birth": "昭和70年1月1日"}, "birth", "昭和は1926年12月25日から1989年1月7日までです"),
        ({"birth": "1" * 41}, "birth", BIRTH_TOO_LONG_MESSAGE),
        ({"include_former": "maybe"}, "include_former", BOOLEAN_MESSAGE),
    ],
)
def test_bad_parameters_get_400_with_the_japanese_message(ward, params, field, message):
    client = token_client(ward.ward_officer)  # issuing the token is audited: before counting
    before = AuditEntry.objects.count()

    response = client.get(LIST_URL, params)

    assert response.status_code == 400
    assert response.json() == {"detail": f"{field}：{message}", "errors": {field: [message]}}
    assert AuditEntry.objects.count() == before  # nothing was read, so nothing is logged


def test_query_of_exactly_100_characters_is_accepted(ward):
    response = token_client(ward.ward_officer).get(LIST_URL, {"q": "あ" * 100})

    assert response.status_code == 200


def test_several_bad_parameters_are_reported_together(ward):
    response = token_client(ward.ward_officer).get(LIST_URL, {"page": "x", "birth": "x"})

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"birth": [INVALID_DATE_MESSAGE], "page": [PAGE_MESSAGE]}
    assert body["detail"] == f"birth：{INVALID_DATE_MESSAGE}／page：{PAGE_MESSAGE}"


def test_non_utf8_percent_escapes_are_refused_clearly(ward):
    # 「たか」 in Shift_JIS, as an old system might send it.
    response = token_client(ward.ward_officer).get(f"{LIST_URL}?q=%82%BD%82%A9")

    assert response.status_code == 400
    assert response.json()["errors"] == {"q": [CONTROL_CHARACTER_MESSAGE]}


ODD_TEXT = [
    "",
    " ",
    "\u3000",
    "a" * 10_000,
    "\x00",
    "%00",
    "\x00" * 50,
    "\r\n",
    "\t",
    "😀",
    "👨‍👩‍👧",
    "𠮷",
    "𠮷田",
    "邉\U000e0100",
    "-1",
    "-9223372036854775809",
    "9223372036854775808",
    "1e308",
    "NaN",
    "Infinity",
    "0x10",
    "1_000",
    "１２",
    "' OR '1'='1",
    "1; DROP TABLE people_person; --",
    '"; SELECT pg_sleep(1); --',
    "%",
    "_",
    "\\",
    "%_\\%",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "true",
    "null",
    "[]",
    "{}",
    "\ud800",
    "\ufffd",
    "\u202e逆",
    "ｱｲｳ",
    "S99.99.99",
    "昭和元年12月25日",
    "R1.4.30",
    "M1.1.1",
    "0000-00-00",
    "9999-12-31",
]
RAW_QUERY_STRINGS = [
    "q=%FF",
    "q=%C0%AF",
    "q=%ED%A0%80",
    "q=%E0%80",
    "q=%",
    "q=%%%",
    "q=%ZZ",
    "birth=%FF%FE",
    "page=%FF",
    "town=%00",
    "q=a&q=b&q=%00",
    "page=1&page=abc",
    "page_size=1&page_size=-1",
    "&&&=&=",
    "q",
    "=",
    "format=xml",
    "format=%00",
]
FUZZED_PARAMETERS = ["q", "town", "district", "birth", "include_former", "page", "page_size"]


@pytest.fixture
def officer_client(ward):
    return token_client(ward.ward_officer)


@pytest.mark.parametrize("name", FUZZED_PARAMETERS)
def test_fuzzed_parameters_never_cause_a_server_error(officer_client, name):
    for value in ODD_TEXT:
        try:
            response = officer_client.get(LIST_URL, {name: value})
        except UnicodeEncodeError:
            continue  # a lone surrogate cannot even be put into a URL; no client can send it
        assert response.status_code < 500, (name, value)
        if response.status_code >= 400:
            assert response.json()["detail"], (name, value)


def test_fuzzed_raw_query_strings_never_cause_a_server_error(officer_client):
    for query in RAW_QUERY_STRINGS:
        response = officer_client.get(f"{LIST_URL}?{query}")
        assert response.status_code < 500, query


def test_fuzzed_ids_never_cause_a_server_error(officer_client):
    odd_ids = [*ODD_TEXT[1:], "%FF", "%ED%A0%80", "%00", "1%00", "%2e%2e", "１", "1.0", "1e3"]
    for value in odd_ids:
        if "/" in value or value == "\ud800":
            continue  # a slash is another URL, a lone surrogate cannot be sent
        response = officer_client.get(detail_url(value))
        assert response.status_code < 500, value
        assert response.status_code in (200, 404), value


def test_fuzzed_input_for_a_community_member_never_causes_a_server_error(ward):
    # The community member's query carries the consent subquery; the odd input must not break that either.
    client = token_client(ward.association_member)
    for value in ODD_TEXT:
        try:
            response = client.get(LIST_URL, {"q": value, "birth": value})
        except UnicodeEncodeError:
            continue
        assert response.status_code < 500, value


# -- Schema and documentation ------------------------------------------------------------------------------


def test_schema_documents_the_persons_paths_in_yaml_and_json(db, client):
    yaml_response = client.get("/api/schema/")
    json_response = client.get("/api/schema/", {"format": "json"})

    assert yaml_response.status_code == 200
    text = yaml_response.content.decode()
    assert "/api/persons/:" in text
    assert "/api/persons/{person_id}/:" in text
    schema = json.loads(json_response.content)
    listing = schema["paths"]["/api/persons/"]["get"]
    detail = schema["paths"]["/api/persons/{person_id}/"]["get"]
    assert {p["name"] for p in listing["parameters"]} == set(FUZZED_PARAMETERS)
    assert {"200", "400"} <= set(listing["responses"])
    assert {"200", "404"} <= set(detail["responses"])
    assert "resident_number" not in schema["components"]["schemas"]["PersonDetailCommunity"]["properties"]
    assert "resident_number" in schema["components"]["schemas"]["PersonDetailFull"]["properties"]


def test_offline_docs_page_renders_the_schema_without_external_resources(db):
    request = RequestFactory().get("/api/docs/")

    response = ApiDocsView.as_view()(request)

    assert response.status_code == 200
    html = response.content.decode()
    assert "GET /api/persons/" in html
    assert "GET /api/persons/{person_id}/" in html
    assert "住民の検索・一覧" in html
    assert "<script" not in html
    assert "http://" not in html
    assert "https://" not in html
