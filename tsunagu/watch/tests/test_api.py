"""The watch-over API: the watcher's list and one person's log, recording a visit from a phone (idempotent on the
phone's client_id), and the professional's inbox with acknowledge and close; in the WATCH scope and with the same
audit entries as the pages (channel API). The watcher who raised a concern sees that it was received and closed,
never the professional's note."""

import datetime
import json
import uuid

import pytest
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditChannel, AuditEntry, AuditTarget
from tsunagu.core.api import NOT_FOUND_MESSAGE
from tsunagu.core.serializers import TEXT_CHARACTER_MESSAGE
from tsunagu.testing.accounts import last_audit, token_client
from tsunagu.watch.models import Escalation, EscalationRoute, WatchVisit
from tsunagu.watch.serializers import OBSERVED_AT_MESSAGE
from tsunagu.watch.services.escalations import ALREADY_CLOSED_MESSAGE
from tsunagu.watch.services.visits import BAD_METHOD_MESSAGE, FUTURE_MESSAGE, NOT_WATCHING_MESSAGE

LIST_URL = "/api/watch/assignments/"
VISITS_URL = "/api/watch/visits/"
INBOX_URL = "/api/watch/escalations/"
CLOSING_NOTE = "長女に連絡し、来週の受診に同行してもらうことになった"


def person_url(person_id: object) -> str:
    return f"/api/watch/persons/{person_id}/visits/"


def acknowledge_url(escalation_id: object) -> str:
    return f"/api/watch/escalations/{escalation_id}/acknowledge/"


def close_url(escalation_id: object) -> str:
    return f"/api/watch/escalations/{escalation_id}/close/"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def visit_body(person, **overrides):
    return {"person_id": person.pk, "method": "visit", "outcome": "fine", **overrides}


@pytest.fixture
def to_care_plaza(ward):
    """Concerns about district B go to its care plaza (without a route they would reach the ward office)."""
    return EscalationRoute.objects.create(district=ward.districts.b, organisation=ward.orgs.care_plaza)


# -- The watch list -------------------------------------------------------------------------------------------


def test_the_watcher_lists_the_persons_watched_and_the_list_is_audited(ward, watched):
    response = token_client(ward.commissioner).get(LIST_URL)

    assert response.status_code == 200
    rows = response.json()["results"]
    watched_ids = {ward.people.b1_agreed.pk, ward.people.b1_unanswered.pk}
    assert {row["person_id"] for row in rows} == watched_ids
    weekly = next(row for row in rows if row["person_id"] == ward.people.b1_unanswered.pk)
    assert weekly["family_name"] == ward.people.b1_unanswered.family_name
    assert weekly["town"]["name"] == "北恩加島一丁目"
    assert (weekly["frequency"], weekly["last_contact_at"], weekly["done_this_period"]) == ("weekly", None, False)
    assert weekly["overdue"] is True  # watched since 2024 and never contacted
    assert weekly["next_target"] == "今週中"
    assert weekly["open_escalation"] is None
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.LIST, AuditChannel.API, "commissioner")
    assert (entry.target_type, set(entry.target_ids)) == (AuditTarget.WATCH_ASSIGNMENT, watched_ids)


def test_someone_who_watches_nobody_gets_an_empty_list_and_no_audit_entry(ward, watched):
    client = token_client(ward.outsider)  # issuing the token is logged
    before = AuditEntry.objects.count()

    response = client.get(LIST_URL)

    assert (response.status_code, response.json()["results"]) == (200, [])
    assert AuditEntry.objects.count() == before


def test_a_visit_shows_in_the_list_as_done_this_period(ward, watched):
    client = token_client(ward.commissioner)
    post(client, VISITS_URL, visit_body(ward.people.b1_unanswered))

    row = next(r for r in client.get(LIST_URL).json()["results"] if r["person_id"] == ward.people.b1_unanswered.pk)

    assert (row["done_this_period"], row["overdue"], row["next_target"]) == (True, False, "来週ごろ")
    assert row["last_contact_at"] is not None


# -- Recording a visit --------------------------------------------------------------------------------------


def test_a_watcher_records_a_visit(ward, watched):
    person = ward.people.b1_unanswered
    observed = timezone.localtime() - datetime.timedelta(days=2)

    response = post(
        token_client(ward.commissioner),
        VISITS_URL,
        visit_body(person, method="phone", observed_at=observed.isoformat(), note="元気そう。\n来週また電話する"),
    )

    assert response.status_code == 201
    body = response.json()
    visit = WatchVisit.objects.get()
    assert body["id"] == visit.pk
    assert (visit.person, visit.recorded_by, visit.method, visit.outcome) == (
        person,
        ward.commissioner,
        "phone",
        "fine",
    )
    assert visit.observed_at == observed.replace(microsecond=visit.observed_at.microsecond)
    assert visit.recorded_at > visit.observed_at + datetime.timedelta(days=1)  # back-dated, recorded now
    assert visit.note == "元気そう。\n来週また電話する"
    assert (body["escalation"], body["escalated_to"], body["warning"]) == (None, None, "")
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.CREATE, AuditChannel.API, "commissioner")
    assert (entry.target_type, entry.target_ids, entry.detail["visit"]) == (
        AuditTarget.WATCH_VISIT,
        [person.pk],
        visit.pk,
    )


def test_a_report_resent_with_the_same_client_id_is_stored_once_and_answered_200(ward, watched):
    client = token_client(ward.commissioner)
    body = visit_body(ward.people.b1_agreed, outcome="concern", concerns=["meals"], client_id=str(uuid.uuid4()))

    first = post(client, VISITS_URL, body)
    again = post(client, VISITS_URL, body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert WatchVisit.objects.count() == 1
    assert Escalation.objects.count() == 1
    assert str(WatchVisit.objects.get().client_id) == body["client_id"]


def test_a_bad_method_is_400_with_our_message_and_nothing_is_stored(ward, watched):
    client = token_client(ward.commissioner)
    before = AuditEntry.objects.count()

    response = post(client, VISITS_URL, visit_body(ward.people.b1_agreed, method="letter"))

    assert response.status_code == 400
    assert response.json()["errors"] == {"method": [str(BAD_METHOD_MESSAGE)]}
    assert not WatchVisit.objects.exists()
    assert AuditEntry.objects.count() == before


def test_what_the_service_refuses_is_400_with_its_message(ward, watched):
    future = timezone.now() + datetime.timedelta(days=1)

    response = post(
        token_client(ward.commissioner), VISITS_URL, visit_body(ward.people.b1_agreed, observed_at=future.isoformat())
    )

    assert response.status_code == 400
    assert response.json() == {"detail": str(FUTURE_MESSAGE), "errors": {"non_field_errors": [str(FUTURE_MESSAGE)]}}
    assert not WatchVisit.objects.exists()


def test_staff_who_see_a_person_nobody_watches_cannot_record_a_visit(ward, watched):
    response = post(token_client(ward.ward_officer), VISITS_URL, visit_body(ward.people.a1_agreed))

    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [str(NOT_WATCHING_MESSAGE)]}


@pytest.mark.parametrize(
    ("observed_at", "why"),
    [
        ("2026-06-01T14:30:00", "no offset"),
        ("昨日", "not a date"),
        ("0001-01-01T00:00:00+14:00", "before year 1 in UTC"),
    ],
)
def test_an_observed_time_without_an_offset_or_unreadable_is_400(ward, watched, observed_at, why):
    response = post(
        token_client(ward.commissioner), VISITS_URL, visit_body(ward.people.b1_agreed, observed_at=observed_at)
    )

    assert response.status_code == 400, why
    assert response.json()["errors"] == {"observed_at": [str(OBSERVED_AT_MESSAGE)]}


def test_a_note_with_a_nul_character_is_refused(ward, watched):
    response = post(token_client(ward.commissioner), VISITS_URL, visit_body(ward.people.b1_agreed, note="メモ\x00"))

    assert response.status_code == 400
    assert response.json()["errors"] == {"note": [str(TEXT_CHARACTER_MESSAGE)]}


@pytest.mark.parametrize(
    ("persona", "person"),
    [("outsider", "b1_agreed"), ("commissioner", "b1_refused"), ("association_member", "a1_agreed")],
)
def test_a_person_out_of_scope_is_404_and_a_denied_row(ward, watched, persona, person):
    target = getattr(ward.people, person)
    client = token_client(getattr(ward, persona))
    before = AuditEntry.objects.count()

    response = post(client, VISITS_URL, visit_body(target))

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}
    assert not WatchVisit.objects.exists()
    assert AuditEntry.objects.count() == before + 1
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.DENIED, AuditChannel.API, persona)
    assert entry.detail["requested_id"] == str(target.pk)


def test_a_read_only_token_cannot_record(ward, watched):
    response = post(token_client(ward.commissioner, read_only=True), VISITS_URL, visit_body(ward.people.b1_agreed))

    assert response.status_code == 403
    assert not WatchVisit.objects.exists()


# -- One person's log -----------------------------------------------------------------------------------------


def test_the_person_log_shows_the_watches_and_visits_and_is_audited(ward, watched):
    client = token_client(ward.commissioner)
    person = ward.people.b1_agreed
    post(client, VISITS_URL, visit_body(person, method="greeting"))

    response = client.get(person_url(person.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["person"]["id"] == person.pk
    assert body["can_record"] is True
    assert [(w["frequency"], w["whole_household"], w["done_this_period"]) for w in body["watches"]] == [
        ("monthly", True, True)
    ]
    assert [v["method"] for v in body["this_period"]] == ["greeting"]
    assert [v["recorded_by"] for v in body["recent"]] == [str(ward.commissioner)]
    entry = last_audit()
    assert (entry.action, entry.channel, entry.target_type) == (
        AuditAction.VIEW,
        AuditChannel.API,
        AuditTarget.WATCH_VISIT,
    )
    assert entry.target_ids == [person.pk]


@pytest.mark.parametrize("person_id", ["b1_refused", "a1_agreed", "not-a-number"])
def test_the_person_log_of_someone_not_watched_is_404_and_a_denied_row(ward, watched, person_id):
    target = getattr(ward.people, person_id).pk if hasattr(ward.people, person_id) else person_id

    response = token_client(ward.commissioner).get(person_url(target))

    assert response.status_code == 404
    entry = last_audit()
    assert (entry.action, entry.channel, entry.detail["requested_id"]) == (
        AuditAction.DENIED,
        AuditChannel.API,
        str(target),
    )


# -- Escalations ----------------------------------------------------------------------------------------------


def test_an_urgent_visit_reaches_the_receiver_who_acknowledges_and_closes_it(ward, watched, to_care_plaza):
    watcher = token_client(ward.commissioner)
    receiver = token_client(ward.care_plaza_worker)
    person = ward.people.b1_agreed

    recorded = post(watcher, VISITS_URL, visit_body(person, outcome="urgent", concerns=["health", "meals"]))

    assert recorded.status_code == 201
    assert recorded.json()["escalated_to"] == ward.orgs.care_plaza.name
    assert recorded.json()["escalation"]["escalation_status"] == "open"
    assert recorded.json()["escalation"]["handling"] is None  # the watcher is not the receiver
    inbox = receiver.get(INBOX_URL).json()["results"]
    assert [(row["person"]["id"], row["urgency"], row["escalation_status"]) for row in inbox] == [
        (person.pk, "urgent", "open")
    ]
    assert inbox[0]["visit"]["concerns"] == ["meals", "health"]  # in the form's order
    assert inbox[0]["organisation"]["id"] == ward.orgs.care_plaza.pk
    entry = last_audit()
    assert (entry.action, entry.channel, entry.target_type) == (
        AuditAction.LIST,
        AuditChannel.API,
        AuditTarget.WATCH_ESCALATION,
    )
    escalation_id = inbox[0]["id"]

    acknowledged = post(receiver, acknowledge_url(escalation_id))

    assert acknowledged.status_code == 200
    assert acknowledged.json()["escalation_status"] == "acknowledged"
    assert Escalation.objects.get().acknowledged_by == ward.care_plaza_worker
    entry = last_audit()
    assert (entry.action, entry.channel, entry.detail) == (
        AuditAction.UPDATE,
        AuditChannel.API,
        {"escalation": escalation_id, "acknowledged": True},
    )
    seen_by_watcher = watcher.get(person_url(person.pk)).json()["recent"][0]["escalation"]
    assert seen_by_watcher["escalation_status"] == "acknowledged"
    assert seen_by_watcher["acknowledged_at"] is not None

    closed = post(receiver, close_url(escalation_id), {"note": CLOSING_NOTE})

    assert closed.status_code == 200
    assert (closed.json()["escalation_status"], closed.json()["closing_note"]) == ("closed", CLOSING_NOTE)
    assert receiver.get(INBOX_URL).json()["results"] == []
    assert [row["closing_note"] for row in receiver.get(INBOX_URL, {"include_closed": "true"}).json()["results"]] == [
        CLOSING_NOTE
    ]


def test_the_watcher_sees_that_it_was_closed_but_never_the_closing_note(ward, watched, to_care_plaza):
    watcher = token_client(ward.commissioner)
    receiver = token_client(ward.care_plaza_worker)
    person = ward.people.b1_agreed
    post(watcher, VISITS_URL, visit_body(person, outcome="concern", concerns=["forgetfulness"]))
    escalation = Escalation.objects.get()
    post(receiver, close_url(escalation.pk), {"note": CLOSING_NOTE})

    response = watcher.get(person_url(person.pk))

    line = response.json()["recent"][0]["escalation"]
    assert (line["escalation_status"], line["status_label"]) == ("closed", "対応しました")
    assert line["closed_at"] is not None
    assert line["handling"] is None
    assert CLOSING_NOTE not in response.content.decode()
    assert ward.orgs.care_plaza.name not in response.content.decode()
    # The receiver, on the same page, sees the handling.
    handled = receiver.get(person_url(person.pk)).json()["recent"][0]["escalation"]["handling"]
    assert (handled["organisation"]["id"], handled["closing_note"]) == (ward.orgs.care_plaza.pk, CLOSING_NOTE)


def test_the_watchers_list_shows_an_open_escalation_as_its_status_only(ward, watched, to_care_plaza):
    watcher = token_client(ward.commissioner)
    post(watcher, VISITS_URL, visit_body(ward.people.b1_agreed, outcome="concern", concerns=["isolation"]))

    row = next(r for r in watcher.get(LIST_URL).json()["results"] if r["person_id"] == ward.people.b1_agreed.pk)

    assert row["open_escalation"]["escalation_status"] == "open"
    assert row["open_escalation"]["handling"] is None


def test_closing_twice_is_400_with_the_services_message(ward, watched, to_care_plaza):
    post(token_client(ward.commissioner), VISITS_URL, visit_body(ward.people.b1_agreed, outcome="urgent"))
    receiver = token_client(ward.care_plaza_worker)
    escalation = Escalation.objects.get()
    post(receiver, close_url(escalation.pk))

    again = post(receiver, close_url(escalation.pk), {"note": "重ねて"})

    assert again.status_code == 400
    assert again.json()["errors"] == {"non_field_errors": [str(ALREADY_CLOSED_MESSAGE)]}
    escalation.refresh_from_db()
    assert escalation.closing_note == ""


def test_only_the_receiver_may_acknowledge_others_are_refused_and_logged(ward, watched, to_care_plaza):
    post(token_client(ward.commissioner), VISITS_URL, visit_body(ward.people.b1_agreed, outcome="urgent"))
    escalation = Escalation.objects.get()

    response = post(token_client(ward.commissioner), acknowledge_url(escalation.pk))

    assert response.status_code == 403
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is None
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.DENIED, AuditChannel.API, "commissioner")


@pytest.mark.parametrize("escalation_id", ["999999", "abc"])
def test_an_unknown_escalation_is_404_and_a_denied_row(ward, watched, escalation_id):
    response = post(token_client(ward.care_plaza_worker), acknowledge_url(escalation_id))

    assert response.status_code == 404
    entry = last_audit()
    assert (entry.action, entry.channel, entry.detail["requested_id"]) == (
        AuditAction.DENIED,
        AuditChannel.API,
        escalation_id,
    )


def test_the_inbox_of_someone_who_receives_nothing_is_empty(ward, watched, to_care_plaza):
    post(token_client(ward.commissioner), VISITS_URL, visit_body(ward.people.b1_agreed, outcome="urgent"))

    assert token_client(ward.shakyo_coordinator).get(INBOX_URL).json() == {"results": []}


def test_a_bad_inbox_filter_is_400(ward):
    response = token_client(ward.care_plaza_worker).get(INBOX_URL, {"include_closed": "yes"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["include_closed"]
