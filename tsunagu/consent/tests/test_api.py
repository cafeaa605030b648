"""The consent API: one person's consent history for professionals who see the person in full (404 and a denied
row for everyone else), and the unanswered counts by district for the ward's consent managers (403 and a denied
row for everyone else), with the same selectors, policy and audit as the consent pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tsunagu.access.policy import CAPABILITIES, Capability
from tsunagu.audit.models import AuditAction, AuditChannel, AuditEntry, AuditTarget
from tsunagu.core.api import NOT_AUTHENTICATED_MESSAGE, NOT_FOUND_MESSAGE
from tsunagu.people.models import ConsentRequest, ConsentStatus
from tsunagu.testing.accounts import last_audit, token_client
from tsunagu.testing.factories import ConsentFactory, DistrictFactory, PersonFactory
from tsunagu.testing.personas import list_on_roster

UNANSWERED_URL = "/api/consent/unanswered/"


def person_url(person_id: object) -> str:
    return f"/api/consent/{person_id}/"


# -- One person's history -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "person"),
    [
        ("ward_officer", "b1_refused"),
        ("shakyo_coordinator", "a1_agreed"),
        ("care_plaza_worker", "b1_unanswered"),
    ],
)
def test_professionals_read_the_history_of_persons_they_see_in_full(ward, persona, person):
    target = getattr(ward.people, person)

    response = token_client(getattr(ward, persona)).get(person_url(target.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["person_id"] == target.pk
    assert body["can_record"] is (persona == "ward_officer")
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.VIEW, AuditChannel.API, persona)
    assert (entry.target_type, entry.target_ids) == (AuditTarget.PERSON, [target.pk])
    assert entry.detail == {"consent": "history"}


@pytest.mark.parametrize(
    ("persona", "person"),
    [
        ("association_member", "a1_agreed"),  # seen on the roster, at the community level only
        ("commissioner", "b1_agreed"),  # the same
        ("shakyo_coordinator", "b1_agreed"),  # outside the 社協's districts
        ("care_plaza_worker", "a1_agreed"),
        ("ward_clerk", "a1_agreed"),
        ("outsider", "a1_agreed"),
    ],
)
def test_anyone_else_gets_404_and_a_denied_row(ward, persona, person):
    target = getattr(ward.people, person)
    client = token_client(getattr(ward, persona))
    before = AuditEntry.objects.count()

    response = client.get(person_url(target.pk))

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}
    assert AuditEntry.objects.count() == before + 1
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.DENIED, AuditChannel.API, persona)
    assert entry.detail["requested_id"] == str(target.pk)


@pytest.mark.parametrize("guess", ["999999", "abc", "1%00"])
def test_unknown_or_malformed_ids_are_404_and_denied(ward, guess):
    client = token_client(ward.ward_officer)

    response = client.get(person_url(guess))

    assert response.status_code == 404
    entry = last_audit()
    assert (entry.action, entry.channel) == (AuditAction.DENIED, AuditChannel.API)
    assert "\x00" not in entry.detail["requested_id"]


def test_history_is_newest_first_with_the_current_decision_and_the_letters(ward):
    person = ward.people.a1_agreed  # agreed by the persona ward
    ConsentFactory(person=person, status=ConsentStatus.WITHDRAWN, decided_on=datetime.date(2026, 1, 5))
    ConsentRequest.objects.create(
        person=person, sent_on=datetime.date(2025, 4, 1), reply_due_on=datetime.date(2025, 4, 30), batch_label="第1回"
    )

    body = token_client(ward.ward_officer).get(person_url(person.pk)).json()

    assert [c["consent_status"] for c in body["history"]] == ["withdrawn", "agreed"]
    assert body["current"] == body["history"][0]
    assert body["letters"] == [{"sent_on": "2025-04-01", "reply_due_on": "2025-04-30", "batch_label": "第1回"}]
    assert set(body["current"]) == {
        "id",
        "consent_status",
        "recipient_kinds",
        "given_by",
        "method",
        "decided_on",
        "recorded_at",
        "recorded_by",
    }


def test_never_answered_has_no_current_decision(ward):
    body = token_client(ward.ward_officer).get(person_url(ward.people.a2_unanswered.pk)).json()

    assert (body["current"], body["history"], body["letters"]) == (None, [], [])


# -- Unanswered counts --------------------------------------------------------------------------------------


def test_the_ward_gets_the_unanswered_counts_by_district(ward):
    client = token_client(ward.ward_officer)
    before = AuditEntry.objects.count()

    response = client.get(UNANSWERED_URL)

    assert response.status_code == 200
    counts = {row["district"]["code"]: row["unanswered"] for row in response.json()["results"]}
    assert counts == {"A": 1, "B": 1}  # a2_unanswered, b1_unanswered
    assert response.json()["results"][0]["district"] == {
        "id": ward.districts.a.pk,
        "code": "A",
        "name": "泉尾小学校区",
        "district_type": "小学校区",
    }
    assert AuditEntry.objects.count() == before  # counts name nobody


@pytest.mark.parametrize(
    "persona", ["shakyo_coordinator", "care_plaza_worker", "commissioner", "association_member", "outsider"]
)
def test_others_are_refused_the_counts_as_on_the_page(ward, persona):
    client = token_client(getattr(ward, persona))
    before = AuditEntry.objects.count()

    response = client.get(UNANSWERED_URL)

    assert response.status_code == 403
    assert response.json() == {"detail": str(CAPABILITIES[Capability.MANAGE_CONSENT].refusal)}
    assert AuditEntry.objects.count() == before + 1
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.DENIED, AuditChannel.API, persona)
    assert (entry.target_type, entry.detail["capability"]) == (AuditTarget.CONSENT, "manage_consent")


def test_counts_query_count_does_not_grow_with_districts_or_persons(ward):
    client = token_client(ward.ward_officer)
    client.get(UNANSWERED_URL)  # warm-up

    with CaptureQueriesContext(connection) as few:
        client.get(UNANSWERED_URL)
    for code in ("C", "D", "E"):
        DistrictFactory(district_type=ward.districts.a.district_type, code=code)
    newcomers = PersonFactory.create_batch(10, town=ward.towns.b1)
    list_on_roster([*vars(ward.people).values(), *newcomers], number=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(UNANSWERED_URL)

    counts = {row["district"]["code"]: row["unanswered"] for row in response.json()["results"]}
    assert counts == {"A": 1, "B": 11, "C": 0, "D": 0, "E": 0}
    assert len(many) == len(few)


def test_anonymous_requests_are_refused(ward, client):
    for url in (UNANSWERED_URL, person_url(ward.people.a1_agreed.pk)):
        response = client.get(url)
        assert response.status_code in (401, 403)
        assert response.json() == {"detail": NOT_AUTHENTICATED_MESSAGE}
