"""The disaster API that the supporter's phone uses: the events, an event's persons (nearest first from the phone)
with their current status, recording a safety report (idempotent on the phone's client_id) and the reports since a
moment; through the disaster scope and with the same audit entries as the pages (purpose 災害時の提供, channel
API). A report the server refuses for its content is a 400 with the Japanese reason; a person out of the event or
of the user's area is a 404 and a denied row."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tsunagu.access.policy import DETAIL_FIELDS, DetailLevel
from tsunagu.audit.models import AuditAction, AuditChannel, AuditEntry, AuditTarget
from tsunagu.core.api import NOT_FOUND_MESSAGE
from tsunagu.disaster.models import DisasterEvent, DisasterKind, SafetyCurrent, SafetyReport
from tsunagu.disaster.serializers import NEAR_MESSAGE, OBSERVED_AT_MESSAGE, PERSON_FIELDS, SINCE_MESSAGE
from tsunagu.disaster.services import DISASTER_ACCESS, event_declare, event_end, safety_report_record
from tsunagu.disaster.services.events import BAD_STATUS_MESSAGE, CLIENT_ID_TAKEN_MESSAGE, EVENT_NOT_ACTIVE_MESSAGE
from tsunagu.testing.accounts import last_audit, token_client
from tsunagu.testing.personas import build_city

EVENTS_URL = "/api/disaster/events/"
REPORTS_URL = "/api/disaster/reports/"
# 泉尾一丁目 (大阪市大正区): where the supporter stands in the ordering tests.
HERE = (Decimal("34.665000"), Decimal("135.473000"))


def persons_url(event_id: object) -> str:
    return f"/api/disaster/events/{event_id}/persons/"


def sync_url(event_id: object) -> str:
    return f"/api/disaster/events/{event_id}/reports/"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def report_body(event, person, **overrides):
    return {
        "event_id": event.pk,
        "person_id": person.pk,
        "status": "safe",
        "client_id": str(uuid.uuid4()),
        **overrides,
    }


@pytest.fixture
def event(ward):
    """A heavy-rain event over district A, in force for five hours."""
    return event_declare(
        user=ward.ward_officer,
        name="大雨",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.a],
        started_at=timezone.now() - datetime.timedelta(hours=5),
    )


def listed_in_a(ward) -> set[int]:
    p = ward.people
    return {p.a1_agreed.pk, p.a1_refused.pk, p.a2_unanswered.pk, p.a2_agreed.pk}


def place(person, latitude: str | None, longitude: str | None) -> None:
    person.latitude = Decimal(latitude) if latitude else None
    person.longitude = Decimal(longitude) if longitude else None
    person.save(update_fields=["latitude", "longitude"])


# -- Events ---------------------------------------------------------------------------------------------------


def test_the_events_of_the_users_ward_in_force_and_recent_and_who_is_asking(ward, event):
    long_ago = event_declare(
        user=ward.ward_officer,
        name="昨年の台風",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.b],
        started_at=timezone.now() - datetime.timedelta(days=400),
    )
    DisasterEvent.objects.filter(pk=long_ago.pk).update(ended_at=timezone.now() - datetime.timedelta(days=390))
    city = build_city(ward)
    event_declare(user=city.ward_officer, name="港区の地震", kind=DisasterKind.EARTHQUAKE, districts=[city.districts.a])
    client = token_client(ward.association_member)
    before = AuditEntry.objects.count()

    response = client.get(EVENTS_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["user_id"] == ward.association_member.pk
    assert [(e["id"], e["name"], e["is_active"], e["disaster_kind"]) for e in body["results"]] == [
        (event.pk, "大雨", True, "storm_flood")
    ]
    assert [d["id"] for d in body["results"][0]["districts"]] == [ward.districts.a.pk]
    assert AuditEntry.objects.count() == before  # names and dates only


# -- The persons of an event ------------------------------------------------------------------------------------


def test_a_supporter_lists_every_listed_person_of_the_event_consent_or_not_logged_as_disaster_access(ward, event):
    response = token_client(ward.association_member).get(persons_url(event.pk))

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["pages"], body["nearest_first"]) == (4, 1, False)
    rows = body["results"]
    assert {row["person_id"] for row in rows} == listed_in_a(ward)  # refused and unanswered consent too
    assert [row["family_name_kana"] + row["given_name_kana"] for row in rows] == sorted(
        row["family_name_kana"] + row["given_name_kana"] for row in rows
    )
    first = next(row for row in rows if row["person_id"] == ward.people.a1_agreed.pk)
    assert (first["family_name"], first["town"]["name"]) == ("髙橋", "泉尾一丁目")
    assert (first["safety_status"], first["status_label"], first["observed_at"]) == ("unconfirmed", "未確認", None)
    assert first["distance_m"] is None
    # Only the community level's items: nothing internal such as 宛名番号 or 要介護度.
    assert "resident_number" not in first and "care_level" not in first
    assert PERSON_FIELDS <= DETAIL_FIELDS[DetailLevel.COMMUNITY]
    entry = last_audit()
    assert (entry.action, entry.channel, entry.target_type, entry.purpose) == (
        AuditAction.LIST,
        AuditChannel.API,
        AuditTarget.SAFETY_REPORT,
        DISASTER_ACCESS,
    )
    assert set(entry.target_ids) == listed_in_a(ward)
    assert entry.detail == {"event": event.pk, "page": 1, "nearest_first": False}


def test_the_list_shows_each_persons_current_status(ward, event):
    person = ward.people.a2_agreed
    safety_report_record(
        user=ward.association_member, event_id=event.pk, person_id=person.pk, status="evacuated", place="泉尾小学校"
    )

    rows = token_client(ward.association_member).get(persons_url(event.pk)).json()["results"]

    row = next(row for row in rows if row["person_id"] == person.pk)
    assert (row["safety_status"], row["status_label"], row["has_conflict"]) == ("evacuated", "避難済", False)
    assert row["observed_at"] is not None


def test_with_the_phones_location_the_nearest_come_first_and_those_without_a_location_last(ward, event):
    p = ward.people
    place(p.a2_agreed, "34.665900", "135.473000")  # about 100 m north
    place(p.a1_refused, "34.670000", "135.480000")  # about 900 m
    place(p.a1_agreed, "34.665000", "135.473500")  # about 46 m east
    place(p.a2_unanswered, None, None)  # the address could not be located

    response = token_client(ward.association_member).get(persons_url(event.pk), {"near": "34.665,135.473"})

    assert response.status_code == 200
    body = response.json()
    assert body["nearest_first"] is True
    rows = body["results"]
    assert [row["person_id"] for row in rows] == [p.a1_agreed.pk, p.a2_agreed.pk, p.a1_refused.pk, p.a2_unanswered.pk]
    distances = [row["distance_m"] for row in rows]
    assert distances[0] == pytest.approx(46, abs=2)
    assert distances[1] == pytest.approx(100, abs=2)
    assert 800 < distances[2] < 1000
    assert distances[3] is None
    assert (rows[0]["latitude"], rows[0]["longitude"]) == (34.665, 135.4735)
    # The list is logged; where the supporter stood is not.
    entry = last_audit()
    assert (entry.purpose, entry.detail["nearest_first"]) == (DISASTER_ACCESS, True)
    assert "34.665" not in json.dumps(entry.detail)


def test_the_list_comes_in_pages_and_a_page_past_the_end_is_empty_and_not_logged(ward, event):
    client = token_client(ward.association_member)

    first = client.get(persons_url(event.pk), {"page_size": 3}).json()
    second = client.get(persons_url(event.pk), {"page_size": 3, "page": 2}).json()
    before = AuditEntry.objects.count()
    past = client.get(persons_url(event.pk), {"page_size": 3, "page": 3}).json()

    assert (first["count"], first["pages"], len(first["results"]), len(second["results"])) == (4, 2, 3, 1)
    assert {r["person_id"] for r in first["results"] + second["results"]} == listed_in_a(ward)
    assert past["results"] == []
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("near", ["", "34.665", "91,135", "34.6,181", "34.6, 135.4", "1e1,135", "北,東"])
def test_a_location_that_is_not_latitude_comma_longitude_is_400_with_our_message(ward, event, near):
    response = token_client(ward.association_member).get(persons_url(event.pk), {"near": near})

    assert response.status_code == 400
    assert response.json()["errors"] == {"near": [str(NEAR_MESSAGE)]}


def test_when_the_event_ends_the_supporter_lists_nobody(ward, event):
    event_end(user=ward.ward_officer, event_id=event.pk)

    body = token_client(ward.association_member).get(persons_url(event.pk)).json()

    assert (body["count"], body["results"]) == (0, [])


@pytest.mark.parametrize("which", ["other_ward", "unknown", "not-a-number"])
def test_another_wards_event_or_an_unknown_id_is_404_and_a_denied_row(ward, which):
    if which == "other_ward":
        city = build_city(ward)
        event_id = str(
            event_declare(
                user=city.ward_officer, name="港区の地震", kind=DisasterKind.EARTHQUAKE, districts=[city.districts.a]
            ).pk
        )
    else:
        event_id = {"unknown": "999999", "not-a-number": "not-a-number"}[which]

    response = token_client(ward.association_member).get(persons_url(event_id))

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}
    entry = last_audit()
    assert (entry.action, entry.channel, entry.target_type, entry.detail["requested_id"]) == (
        AuditAction.DENIED,
        AuditChannel.API,
        AuditTarget.DISASTER_EVENT,
        event_id,
    )


# -- Recording a report ---------------------------------------------------------------------------------------


def test_a_report_is_201_and_the_same_report_resent_is_200_with_the_stored_one(ward, event):
    client = token_client(ward.association_member)
    person = ward.people.a1_refused  # refused consent: reachable only because of the event
    observed = timezone.localtime() - datetime.timedelta(minutes=20)
    body = report_body(event, person, status="needs_help", observed_at=observed.isoformat(), note="足を痛めている")

    first = post(client, REPORTS_URL, body)
    again = post(client, REPORTS_URL, {**body, "status": "safe"})  # the same id: the same report, as stored

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    stored = SafetyReport.objects.get()
    assert str(stored.client_id) == body["client_id"]
    assert (stored.status, stored.note, stored.reported_by) == ("needs_help", "足を痛めている", ward.association_member)
    assert stored.observed_at == observed.replace(microsecond=stored.observed_at.microsecond)
    answer = first.json()
    assert (answer["id"], answer["safety_status"], answer["status_label"], answer["client_id"]) == (
        stored.pk,
        "needs_help",
        "要救助・要支援",
        body["client_id"],
    )
    assert answer["reported_by"] == str(ward.association_member)
    assert SafetyCurrent.objects.get(event=event, person=person).status == "needs_help"
    entries = AuditEntry.objects.filter(target_type=AuditTarget.SAFETY_REPORT, action=AuditAction.CREATE)
    assert [(e.channel, e.purpose, e.target_ids) for e in entries] == [(AuditChannel.API, DISASTER_ACCESS, [person.pk])]


def test_a_status_after_the_event_ended_is_400_with_the_japanese_reason(ward, event):
    event_end(user=ward.ward_officer, event_id=event.pk)
    # The ward's welfare section still sees the person (its own ward, event or not): the refusal is the event's.
    response = post(token_client(ward.ward_officer), REPORTS_URL, report_body(event, ward.people.a1_agreed))

    assert response.status_code == 400
    message = str(EVENT_NOT_ACTIVE_MESSAGE)
    assert response.json() == {"detail": message, "errors": {"non_field_errors": [message]}}
    assert not SafetyReport.objects.exists()


def test_a_report_sent_again_after_the_event_ended_is_still_the_stored_one(ward, event):
    client = token_client(ward.association_member)
    body = report_body(event, ward.people.a1_agreed)
    post(client, REPORTS_URL, body)
    event_end(user=ward.ward_officer, event_id=event.pk)

    again = post(client, REPORTS_URL, body)  # the phone never heard the first answer

    assert again.status_code == 200
    assert SafetyReport.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "person"),
    [
        ("association_member", "b1_agreed"),  # outside the 町会's area (and the event's districts)
        ("ward_officer", "b1_agreed"),  # the ward sees district B, but the event does not cover it
        ("unagreed_member", "a1_agreed"),  # a 町会 without an area
        ("outsider", "a1_agreed"),  # no ward at all: the event itself is out of reach
    ],
)
def test_a_person_outside_the_event_or_the_users_area_is_404_and_a_denied_row(ward, event, persona, person):
    target = getattr(ward.people, person)
    client = token_client(getattr(ward, persona))
    before = AuditEntry.objects.count()

    response = post(client, REPORTS_URL, report_body(event, target))

    assert response.status_code == 404
    assert response.json() == {"detail": NOT_FOUND_MESSAGE}
    assert not SafetyReport.objects.exists()
    assert AuditEntry.objects.count() == before + 1
    entry = last_audit()
    assert (entry.action, entry.channel, entry.actor_username) == (AuditAction.DENIED, AuditChannel.API, persona)
    assert entry.detail["requested_id"] in (str(target.pk), str(event.pk))


def test_a_read_only_token_cannot_report(ward, event):
    response = post(
        token_client(ward.association_member, read_only=True), REPORTS_URL, report_body(event, ward.people.a1_agreed)
    )

    assert response.status_code == 403
    assert not SafetyReport.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"status": "unconfirmed"}, "status", BAD_STATUS_MESSAGE),
        ({"status": "fine"}, "status", BAD_STATUS_MESSAGE),
        ({"observed_at": "2026-06-01T14:30:00"}, "observed_at", OBSERVED_AT_MESSAGE),
    ],
)
def test_a_bad_field_is_400_with_our_message_and_nothing_is_stored(ward, event, change, field, message):
    response = post(
        token_client(ward.association_member), REPORTS_URL, report_body(event, ward.people.a1_agreed, **change)
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [str(message)]}
    assert not SafetyReport.objects.exists()


def test_another_users_record_id_is_refused(ward, event):
    body = report_body(event, ward.people.a1_agreed)
    post(token_client(ward.association_member), REPORTS_URL, body)

    response = post(token_client(ward.ward_officer), REPORTS_URL, body)

    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [str(CLIENT_ID_TAKEN_MESSAGE)]}


def test_the_phone_page_reports_with_its_session_and_the_csrf_token(ward, event):
    """What phone.js does: the signed-in session's cookie and the CSRF cookie's token in X-CSRFToken."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(ward.association_member)
    client.get(f"/disaster/events/{event.pk}/phone/")  # sets the CSRF cookie, as the page does
    body = report_body(event, ward.people.a1_agreed)

    without = post(client, REPORTS_URL, body)
    token = client.cookies["csrftoken"].value
    with_token = client.post(REPORTS_URL, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token)

    assert without.status_code == 403
    assert with_token.status_code == 201
    assert SafetyReport.objects.count() == 1


# -- Keeping a phone in step ------------------------------------------------------------------------------------


def test_the_reports_since_a_moment_by_anyone_about_persons_the_user_sees(ward, event):
    p = ward.people
    safety_report_record(user=ward.ward_officer, event_id=event.pk, person_id=p.a1_agreed.pk, status="safe")
    client = token_client(ward.association_member)

    everything = client.get(sync_url(event.pk))

    assert everything.status_code == 200
    body = everything.json()
    assert [(r["person_id"], r["safety_status"], r["reported_by"]) for r in body["results"]] == [
        (p.a1_agreed.pk, "safe", str(ward.ward_officer))
    ]
    assert body["more"] is False
    entry = last_audit()
    assert (entry.action, entry.channel, entry.purpose, entry.target_ids) == (
        AuditAction.LIST,
        AuditChannel.API,
        DISASTER_ACCESS,
        [p.a1_agreed.pk],
    )

    later = timezone.now() + datetime.timedelta(seconds=1)
    before = AuditEntry.objects.count()
    nothing_new = client.get(sync_url(event.pk), {"since": later.isoformat()})
    assert (nothing_new.status_code, nothing_new.json()["results"]) == (200, [])
    assert AuditEntry.objects.count() == before  # nothing shown, nothing logged

    safety_report_record(user=ward.ward_officer, event_id=event.pk, person_id=p.a2_agreed.pk, status="injured")
    since = body["until"]
    news = client.get(sync_url(event.pk), {"since": since}).json()["results"]
    assert p.a2_agreed.pk in [r["person_id"] for r in news]


def test_reports_about_persons_the_user_does_not_see_are_not_synced(ward):
    both = event_declare(
        user=ward.ward_officer,
        name="地震",
        kind=DisasterKind.EARTHQUAKE,
        districts=[ward.districts.a, ward.districts.b],
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    safety_report_record(user=ward.ward_officer, event_id=both.pk, person_id=ward.people.b1_agreed.pk, status="safe")

    response = token_client(ward.association_member).get(sync_url(both.pk))

    assert response.json()["results"] == []  # district B is outside the 町会's area


@pytest.mark.parametrize("since", ["2026-06-01T14:30:00", "昨日", ""])
def test_a_since_without_an_offset_or_unreadable_is_400(ward, event, since):
    response = token_client(ward.association_member).get(sync_url(event.pk), {"since": since})

    assert response.status_code == 400
    assert response.json()["errors"] == {"since": [str(SINCE_MESSAGE)]}


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_since_at_the_edge_of_time_is_read_as_the_earliest_or_latest_moment(ward, event, since):
    safety_report_record(user=ward.ward_officer, event_id=event.pk, person_id=ward.people.a1_agreed.pk, status="safe")

    response = token_client(ward.association_member).get(sync_url(event.pk), {"since": since})

    assert response.status_code == 200
    assert len(response.json()["results"]) == (1 if since.startswith("0001") else 0)
