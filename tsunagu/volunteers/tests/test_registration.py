import datetime

import pytest
from django.urls import reverse

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.volunteers.models import Volunteer, VolunteerStatus
from tsunagu.volunteers.services.volunteers import REGISTRATIONS_PER_HOUR, TOO_MANY

pytestmark = pytest.mark.django_db


def _form(ward, **overrides):
    data = {
        "kind": "person",
        "name": "大正 学",
        "name_kana": "たいしょう まなぶ",
        "relation": "student",
        "affiliation": "大正高校",
        "phone": "０６－６５５５－０１２３",
        "email": "",
        "wishes": "週末に買い物の手伝いをしたい",
        "interests": ["shopping", "event"],
        "skills": ["physical"],
        "languages": ["ja", "en"],
        "districts": [ward.districts.a.pk],
        "weekly_slots": ["sat_am", "sun_pm"],
        "one_off_dates": "2027-05-03 2027-05-05",
        "insurance_expires_on": "2027-03-31",
        "consents_to_contact": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_anyone_registers_on_the_public_form_and_waits_for_the_centre(client, ward):
    response = client.post(reverse("volunteers:register"), _form(ward))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.status == VolunteerStatus.PENDING
    # The phone as stored everywhere (half-width); the kana folded for search apart from the name as written.
    assert volunteer.phone == "06-6555-0123"
    assert volunteer.name_kana == "たいしょう まなぶ"
    assert volunteer.name_key
    assert volunteer.one_off_dates == ["2027-05-03", "2027-05-05"]
    assert volunteer.weekly_slots == ["sat_am", "sun_pm"]
    assert list(volunteer.districts.all()) == [ward.districts.a]
    assert volunteer.insurance_expires_on == datetime.date(2027, 3, 31)
    entry = AuditEntry.objects.get(target_type=AuditTarget.VOLUNTEER)
    assert entry.action == AuditAction.CREATE and entry.target_ids == [volunteer.pk]


def test_the_form_needs_consent_to_be_contacted_and_a_way_to_contact(client, ward):
    response = client.post(reverse("volunteers:register"), _form(ward, consents_to_contact="", phone=""))
    assert response.status_code == 400
    assert "連絡への同意がないと、活動をご紹介できません。" in response.content.decode()
    assert "電話番号かメールアドレスのどちらかを入れてください。" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_filled_hidden_field_is_answered_as_usual_but_stores_nothing(client, ward):
    response = client.post(reverse("volunteers:register"), _form(ward, website="http://spam.example"))
    assert response.status_code == 302
    assert not Volunteer.objects.exists()


def test_registrations_from_one_address_are_limited_per_hour(client, ward):
    for _ in range(REGISTRATIONS_PER_HOUR):
        assert client.post(reverse("volunteers:register"), _form(ward)).status_code == 302
    response = client.post(reverse("volunteers:register"), _form(ward))
    assert response.status_code == 400
    assert str(TOO_MANY) in response.content.decode()
    assert Volunteer.objects.count() == REGISTRATIONS_PER_HOUR


def test_the_public_form_opens_without_signing_in(client, ward):
    response = client.get(reverse("volunteers:register"))
    assert response.status_code == 200
    assert ward.districts.a.name in response.content.decode()
