"""The evacuation-plan API: the list of listed persons with their plan status and one plan with its supporters,
needs and shelter, in the same scope and with the same audit as the plan pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.access.policy import DETAIL_FIELDS, DetailLevel
from tsunagu.audit.models import AuditAction, AuditChannel, AuditEntry, AuditTarget
from tsunagu.core.api import NOT_AUTHENTICATED_MESSAGE, NOT_FOUND_MESSAGE
from tsunagu.evacuation.models import EvacuationPlan, PlanStatus, PlanSupporter, Priority
from tsunagu.evacuation.serializers import PRIORITY_MESSAGE, STATUS_MESSAGE
from tsunagu.roster.models import RosterBuild, RosterEntry, RosterEntryReason, RosterRule, RuleKind
from tsunagu.shelters.models import Shelter
from tsunagu.testing.accounts import last_audit, token_client
from tsunagu.testing.factories import PersonFactory
from tsunagu.testing.personas import list_on_roster

LIST_URL = "/api/evacuation/plans/"

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


def detail_url(person_id: object) -> str:
    return f"/api/evacuation/plans/{person_id}/"


def result_ids(response) -> set[int]:
    return {row["person_id"] for row in response.json()["results"]}


@pytest.fixture
def plans(ward):
    """a1_agreed: 作成済・高 with a supporter and a 福祉避難所; b1_agreed: 作成中・低; the others none."""
    shelter = Shelter.objects.create(code="W1", name="大正区老人福祉センター", is_welfare_shelter=True)
    done = EvacuationPlan.objects.create(
        person=ward.people.a1_agreed,
        status=PlanStatus.DONE,
        priority=Priority.HIGH,
        shelter=shelter,
        needs_mobility="車いす",
        hazard_flood_zone=True,
        next_review_on=datetime.date(2099, 4, 1),
    )
    PlanSupporter.objects.create(plan=done, name="泉尾 花子", relation="近所の方", phone="06-6555-1111")
    EvacuationPlan.objects.create(person=ward.people.b1_agreed, status=PlanStatus.IN_PROGRESS, priority=Priority.LOW)
    rule = RosterRule.objects.create(label="要介護3以上", kind=RuleKind.CARE_LEVEL, threshold="care_3")
    RosterEntryReason.objects.create(build=ward.roster, person=ward.people.a1_agreed, rule=rule, label=rule.label)
    return shelter


# -- The list -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_the_list_follows_the_policy_and_is_audited(ward, plans, persona):
    response = token_client(getattr(ward, persona)).get(LIST_URL)

    assert response.status_code == 200
    assert result_ids(response) == {getattr(ward.people, name).pk for name in VISIBLE[persona]}
    assert response.json()["roster_build"] == 1
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.LIST, AuditChannel.API, persona)
    assert (entry.target_type, set(entry.target_ids)) == (AuditTarget.PERSON, result_ids(response))
    assert entry.detail["plan"] is True


def test_rows_carry_the_status_and_priority(ward, plans):
    rows = {r["person_id"]: r for r in token_client(ward.association_member).get(LIST_URL).json()["results"]}

    done, none = rows[ward.people.a1_agreed.pk], rows[ward.people.a2_agreed.pk]
    assert (done["plan_status"], done["priority"]) == ("done", 1)
    assert (none["plan_status"], none["priority"]) == ("not_started", None)
    assert set(done) - {"person_id", "plan_status", "priority"} <= DETAIL_FIELDS[DetailLevel.COMMUNITY]


def test_filters(ward, plans):
    client = token_client(ward.ward_officer)

    assert result_ids(client.get(LIST_URL, {"plan_status": "in_progress"})) == {ward.people.b1_agreed.pk}
    assert result_ids(client.get(LIST_URL, {"priority": 1})) == {ward.people.a1_agreed.pk}
    assert len(result_ids(client.get(LIST_URL, {"plan_status": "not_started", "district": ward.districts.a.pk}))) == 3
    assert last_audit().query == f"plan_status=not_started district_id={ward.districts.a.pk}"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [({"plan_status": "finished"}, "plan_status", STATUS_MESSAGE), ({"priority": "9"}, "priority", PRIORITY_MESSAGE)],
)
def test_bad_filters_are_400_with_our_message(ward, params, field, message):
    client = token_client(ward.ward_officer)
    before = AuditEntry.objects.count()

    response = client.get(LIST_URL, params)

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}
    assert AuditEntry.objects.count() == before


def test_a_page_past_the_end_is_empty(ward, plans):
    body = token_client(ward.ward_officer).get(LIST_URL, {"page": 9, "page_size": 5}).json()

    assert (body["count"], body["page"], body["results"]) == (7, 9, [])


def test_list_query_count_does_not_grow_with_rows(ward, plans):
    client = token_client(ward.ward_officer)
    client.get(LIST_URL)  # warm-up

    with CaptureQueriesContext(connection) as few:
        few_rows = client.get(LIST_URL).json()["results"]
    RosterEntryReason.objects.all().delete()
    RosterEntry.objects.all().delete()
    RosterBuild.objects.all().delete()
    newcomers = PersonFactory.create_batch(15, town=ward.towns.a1)
    for person in newcomers[:5]:
        EvacuationPlan.objects.create(person=person, status=PlanStatus.DONE)
    list_on_roster([*vars(ward.people).values(), *newcomers])
    with CaptureQueriesContext(connection) as many:
        many_rows = client.get(LIST_URL).json()["results"]

    assert (len(few_rows), len(many_rows)) == (7, 22)
    assert len(many) == len(few)


# -- One plan -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ward_officer", "shakyo_coordinator", "association_member"])
def test_a_plan_is_shown_to_whoever_sees_the_person(ward, plans, persona):
    person = ward.people.a1_agreed

    response = token_client(getattr(ward, persona)).get(detail_url(person.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["plan_status"] == "done"
    assert body["plan"]["shelter"] == {"id": plans.pk, "name": "大正区老人福祉センター", "is_welfare_shelter": True}
    assert (body["plan"]["needs_mobility"], body["plan"]["hazard_flood_zone"]) == ("車いす", True)
    assert body["plan"]["next_review_on"] == "2099-04-01"
    assert body["supporters"] == [{"name": "泉尾 花子", "relation": "近所の方", "address": "", "phone": "06-6555-1111"}]
    assert body["person"]["roster_reasons"] == ["要介護3以上"]
    assert body["can_edit"] is (persona != "association_member")
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.VIEW, AuditChannel.API, persona)
    assert (entry.target_ids, entry.detail) == ([person.pk], {"plan": True})


@pytest.mark.parametrize("persona", ["ward_officer", "association_member"])
def test_the_person_beside_a_plan_shows_the_community_levels_items_for_everyone(ward, plans, persona):
    person = token_client(getattr(ward, persona)).get(detail_url(ward.people.a1_agreed.pk)).json()["person"]

    # The community level's items a plan's person carries (its position is the map's business).
    assert set(person) == {"id"} | (DETAIL_FIELDS[DetailLevel.COMMUNITY] - {"latitude", "longitude"})


def test_no_plan_yet_is_not_started_with_no_plan(ward, plans):
    body = token_client(ward.ward_officer).get(detail_url(ward.people.a2_unanswered.pk)).json()

    assert (body["plan_status"], body["plan"], body["supporters"]) == ("not_started", None, [])


@pytest.mark.parametrize(
    ("persona", "person"),
    [
        ("association_member", "b1_agreed"),
        ("association_member", "a1_refused"),  # in district A, but no consent
        ("shakyo_coordinator", "b1_agreed"),
        ("commissioner", "a1_agreed"),
        ("outsider", "a1_agreed"),
    ],
)
def test_out_of_scope_is_404_and_a_denied_row(ward, plans, persona, person):
    target = getattr(ward.people, person)
    client = token_client(getattr(ward, persona))
    before = AuditEntry.objects.count()

    response = client.get(detail_url(target.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}
    assert AuditEntry.objects.count() == before + 1
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.DENIED, AuditChannel.API, persona)
    assert entry.detail["requested_id"] == str(target.pk)


def test_anonymous_requests_are_refused(ward, client):
    for url in (LIST_URL, detail_url(ward.people.a1_agreed.pk)):
        response = client.get(url)
        assert response.status_code in (401, 403)
        assert response.json() == {"detail": NOT_AUTHENTICATED_MESSAGE}
