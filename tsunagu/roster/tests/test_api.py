"""The roster API: the current build's entries as each persona may see them (the same policy and audit as the
roster page), at the detail level DETAIL_FIELDS gives, with the reasons; the builds for roster managers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.access.policy import CAPABILITIES, DETAIL_FIELDS, Capability, DetailLevel
from tsunagu.areas.serializers import UNKNOWN_DISTRICT_MESSAGE, UNKNOWN_TOWN_MESSAGE
from tsunagu.audit.models import AuditAction, AuditChannel, AuditEntry, AuditTarget
from tsunagu.core.api import NOT_AUTHENTICATED_MESSAGE, NOT_FOUND_MESSAGE
from tsunagu.core.serializers import ID_MESSAGE, PAGE_SIZE_MESSAGE
from tsunagu.people.models import CareLevel
from tsunagu.roster.models import RosterBuild, RosterEntry, RosterEntryReason, RosterRule, RuleKind
from tsunagu.roster.serializers import RosterEntryCommunitySerializer, RosterEntryFullSerializer
from tsunagu.testing.accounts import last_audit, token_client
from tsunagu.testing.factories import PersonFactory
from tsunagu.testing.personas import list_on_roster

ENTRIES_URL = "/api/roster/entries/"
BUILDS_URL = "/api/roster/builds/"
CURRENT_URL = "/api/roster/builds/current/"

EVERYONE = {"a1_agreed", "a1_refused", "a2_unanswered", "a2_agreed", "b1_agreed", "b1_unanswered", "b1_refused"}
VISIBLE = {
    "ward_officer": EVERYONE,
    "ward_clerk": set(),
    "shakyo_coordinator": {"a1_agreed", "a1_refused", "a2_unanswered", "a2_agreed"},
    "care_plaza_worker": {"b1_agreed", "b1_unanswered", "b1_refused"},
    "commissioner": {"b1_agreed", "b1_unanswered"},
    "association_member": {"a1_agreed", "a2_agreed"},
    "unagreed_member": set(),
    "outsider": set(),
}
LEVEL = {
    "ward_officer": DetailLevel.FULL,
    "shakyo_coordinator": DetailLevel.FULL,
    "care_plaza_worker": DetailLevel.FULL,
    "commissioner": DetailLevel.COMMUNITY,
    "association_member": DetailLevel.COMMUNITY,
}
ENVELOPE = {"person_id", "detail_level"}
# What a roster entry holds: the 49条の10 items, the reasons and the support attributes of the build (a snapshot
# of the registry: no position, which the map takes from the person).
POSITION = {"latitude", "longitude"}
ENTRY_ITEMS = (DETAIL_FIELDS[DetailLevel.COMMUNITY] - POSITION) | {
    "care_level",
    "physical_disability_type",
    "physical_disability_grade",
    "intellectual_disability_grade",
    "mental_disability_grade",
    "intractable_disease",
    "lives_alone",
    "elderly_only_household",
}


def ids_of(ward, names) -> set[int]:
    return {getattr(ward.people, name).pk for name in names}


def result_ids(response) -> set[int]:
    return {row["person_id"] for row in response.json()["results"]}


# -- Entries: who sees whom, at which level ---------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_entries_follow_the_policy_and_are_audited_as_an_api_list(ward, persona):
    response = token_client(getattr(ward, persona)).get(ENTRIES_URL)

    assert response.status_code == 200
    body = response.json()
    assert result_ids(response) == ids_of(ward, VISIBLE[persona])
    assert body["count"] == len(VISIBLE[persona])
    assert body["build"] == {"number": 1, "reference_date": "2024-04-02"}
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.LIST, AuditChannel.API, persona)
    assert (entry.target_type, set(entry.target_ids)) == (AuditTarget.PERSON, result_ids(response))
    assert entry.detail["roster_build"] == 1
    assert entry.path == ENTRIES_URL


@pytest.mark.parametrize("persona", sorted(LEVEL))
def test_each_row_shows_exactly_the_fields_of_its_detail_level(ward, persona):
    rows = token_client(getattr(ward, persona)).get(ENTRIES_URL).json()["results"]
    level = LEVEL[persona]

    assert rows
    for row in rows:
        assert row["detail_level"] == level.value
        assert set(row) - ENVELOPE <= DETAIL_FIELDS[level]
        assert set(row) - ENVELOPE == DETAIL_FIELDS[level] & ENTRY_ITEMS


def test_community_rows_carry_the_legal_items_and_reasons_only(ward):
    row = token_client(ward.association_member).get(ENTRIES_URL).json()["results"][0]

    assert set(row) == ENVELOPE | (DETAIL_FIELDS[DetailLevel.COMMUNITY] - POSITION)
    for withheld in ("care_level", "physical_disability_grade", "intractable_disease", "resident_number"):
        assert withheld not in row


def test_professional_rows_add_the_support_attributes(ward):
    row = token_client(ward.shakyo_coordinator).get(ENTRIES_URL).json()["results"][0]

    assert set(row) == ENVELOPE | ENTRY_ITEMS
    assert "resident_number" not in row  # not a roster item: the person API has it


def test_the_serializers_take_their_fields_from_the_policy():
    assert set(RosterEntryCommunitySerializer().fields) == ENVELOPE | (DETAIL_FIELDS[DetailLevel.COMMUNITY] - POSITION)
    assert set(RosterEntryFullSerializer().fields) == ENVELOPE | (DETAIL_FIELDS[DetailLevel.FULL] & ENTRY_ITEMS)


def test_rows_show_the_builds_snapshot_and_its_reasons(ward):
    person = ward.people.a1_agreed
    rule = RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3")
    RosterEntryReason.objects.create(build=ward.roster, person=person, rule=rule, label="要介護3以上")
    RosterEntry.objects.filter(build=ward.roster, person=person).update(care_level=CareLevel.CARE_4)
    person.phone = "06-0000-9999"  # changed after the build: the roster shows what the build recorded
    person.save(update_fields=["phone"])

    for user, support in ((ward.ward_officer, True), (ward.association_member, False)):
        rows = token_client(user).get(ENTRIES_URL, {"town": ward.towns.a1.pk}).json()["results"]
        [row] = [r for r in rows if r["person_id"] == person.pk]

        assert row["roster_reasons"] == ["要介護3以上"]
        assert row["family_name"] == "髙橋"
        assert row["phone"] == "06-6555-0000"
        assert row["town"] == {"id": ward.towns.a1.pk, "code": "0001001", "name": "泉尾一丁目"}
        assert (row.get("care_level") == CareLevel.CARE_4) is support


def test_blank_and_missing_support_attributes_are_empty_string_and_null(ward):
    row = token_client(ward.ward_officer).get(ENTRIES_URL, {"town": ward.towns.b1.pk}).json()["results"][0]

    assert (row["care_level"], row["physical_disability_type"], row["intellectual_disability_grade"]) == ("", "", "")
    assert (row["physical_disability_grade"], row["mental_disability_grade"]) == (None, None)


# -- Entries: filters, pages, input -------------------------------------------------------------------------


def test_district_and_town_filters(ward):
    client = token_client(ward.ward_officer)

    by_district = client.get(ENTRIES_URL, {"district": ward.districts.b.pk})
    by_town = client.get(ENTRIES_URL, {"town": ward.towns.a2.pk})

    assert result_ids(by_district) == ids_of(ward, {"b1_agreed", "b1_unanswered", "b1_refused"})
    assert result_ids(by_town) == ids_of(ward, {"a2_unanswered", "a2_agreed"})
    assert last_audit().query == f"town_id={ward.towns.a2.pk}"


def test_a_filter_outside_the_users_districts_shows_nobody(ward):
    response = token_client(ward.association_member).get(ENTRIES_URL, {"district": ward.districts.b.pk})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_pages_and_a_page_past_the_end(ward):
    client = token_client(ward.ward_officer)

    first = client.get(ENTRIES_URL, {"page_size": 3}).json()
    last = client.get(ENTRIES_URL, {"page_size": 3, "page": 3}).json()
    past = client.get(ENTRIES_URL, {"page_size": 3, "page": 4}).json()

    assert (first["count"], first["pages"], len(first["results"])) == (7, 3, 3)
    assert len(last["results"]) == 1
    assert (past["page"], past["results"]) == (4, [])
    assert last_audit().target_ids == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"town": "999999"}, "town", UNKNOWN_TOWN_MESSAGE),
        ({"district": "999999"}, "district", UNKNOWN_DISTRICT_MESSAGE),
        ({"town": "abc"}, "town", ID_MESSAGE),
        ({"district": str(2**64)}, "district", ID_MESSAGE),
        ({"page_size": "201"}, "page_size", PAGE_SIZE_MESSAGE),
    ],
)
def test_bad_parameters_are_400_with_our_message(ward, params, field, message):
    client = token_client(ward.ward_officer)
    before = AuditEntry.objects.count()

    response = client.get(ENTRIES_URL, params)

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert AuditEntry.objects.count() == before  # nobody was listed


def test_no_build_yet_is_an_empty_list(db, ward):
    RosterEntryReason.objects.all().delete()
    RosterEntry.objects.all().delete()
    RosterBuild.objects.all().delete()

    body = token_client(ward.ward_officer).get(ENTRIES_URL).json()

    assert (body["build"], body["count"], body["results"]) == (None, 0, [])


def test_anonymous_requests_are_refused(ward, client):
    before = AuditEntry.objects.count()

    for url in (ENTRIES_URL, BUILDS_URL, CURRENT_URL):
        response = client.get(url)
        assert response.status_code in (401, 403)
        assert response.json() == {"detail": NOT_AUTHENTICATED_MESSAGE}
    assert AuditEntry.objects.count() == before


def test_entries_query_count_does_not_grow_with_rows(ward):
    client = token_client(ward.shakyo_coordinator)
    client.get(ENTRIES_URL)  # warm-up: the first request also looks up the token's content type and so on

    with CaptureQueriesContext(connection) as few:
        few_rows = client.get(ENTRIES_URL).json()["results"]
    RosterEntry.objects.all().delete()
    RosterBuild.objects.all().delete()
    list_on_roster([*vars(ward.people).values(), *PersonFactory.create_batch(15, town=ward.towns.a1)])
    with CaptureQueriesContext(connection) as many:
        many_rows = client.get(ENTRIES_URL).json()["results"]

    assert (len(few_rows), len(many_rows)) == (4, 19)
    assert len(many) == len(few)


# -- Builds ---------------------------------------------------------------------------------------------------


def test_roster_managers_get_every_build_newest_first(ward):
    list_on_roster([ward.people.a1_agreed], number=2)

    response = token_client(ward.ward_officer).get(BUILDS_URL)

    assert response.status_code == 200
    body = response.json()
    assert [b["number"] for b in body["results"]] == [2, 1]
    assert set(body["results"][0]) == {"number", "reference_date", "built_at", "built_by", "person_count"}
    assert (body["results"][0]["person_count"], body["results"][0]["built_by"]) == (1, None)
    assert body["count"] == 2


@pytest.mark.parametrize(
    "persona", ["shakyo_coordinator", "care_plaza_worker", "commissioner", "association_member", "outsider"]
)
def test_others_are_refused_the_build_list_as_on_the_page(ward, persona):
    client = token_client(getattr(ward, persona))
    before = AuditEntry.objects.count()

    response = client.get(BUILDS_URL)

    assert response.status_code == 403
    assert response.json() == {"detail": str(CAPABILITIES[Capability.MANAGE_ROSTER].refusal)}
    assert AuditEntry.objects.count() == before + 1
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.DENIED, AuditChannel.API, persona)
    assert (entry.target_type, entry.detail["capability"]) == (AuditTarget.ROSTER, "manage_roster")


@pytest.mark.parametrize("persona", ["ward_officer", "shakyo_coordinator", "association_member", "outsider"])
def test_everyone_signed_in_may_ask_which_build_is_current(ward, persona):
    list_on_roster([ward.people.a1_agreed], number=2)
    client = token_client(getattr(ward, persona))
    before = AuditEntry.objects.count()

    response = client.get(CURRENT_URL)

    assert response.status_code == 200
    assert response.json() == {"number": 2, "reference_date": "2024-04-02"}
    assert AuditEntry.objects.count() == before  # names nobody


def test_no_current_build_is_404(ward):
    RosterEntry.objects.all().delete()
    RosterBuild.objects.all().delete()

    response = token_client(ward.association_member).get(CURRENT_URL)

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}
