import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.events.models import Event, EventTranslation, audiences_for

pytestmark = pytest.mark.django_db


def _form(ward, **overrides):
    start = timezone.localtime() + datetime.timedelta(days=10)
    data = {
        "kind": "course",
        "title": "やさしいスマホ講座",
        "body": "スマホの使い方",
        "easy_title": "",
        "easy_body": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": "",
        "place": "区民センター",
        "place_address": "",
        "cost": "無料",
        "capacity": "20",
        "signups_open": "on",
        "waiting_list": "on",
        "district": ward.districts.a.pk,
        "audiences": [a.pk for a in audiences_for(["elderly", "foreign_roots"])],
        "organisation": ward.orgs.shakyo.pk,
        "organiser_name": "",
        "contact": "",
        "is_published": "on",
        "published_at": "",
        "unpublish_at": "",
    }
    data.update(overrides)
    return data


def test_organiser_staff_create_their_event(verified_client, ward):
    client = verified_client(ward.shakyo_coordinator)
    answer = client.post(reverse("events:create"), _form(ward))
    assert answer.status_code == 302, answer.content.decode()
    event = Event.objects.get()
    assert event.organisation == ward.orgs.shakyo and event.published_at is not None
    assert sorted(a.code for a in event.audiences.all()) == ["elderly", "foreign_roots"]


def test_organiser_cannot_publish_as_another_organisation(verified_client, ward):
    client = verified_client(ward.shakyo_coordinator)
    answer = client.post(reverse("events:create"), _form(ward, organisation=ward.orgs.care_plaza.pk))
    assert answer.status_code == 400 and not Event.objects.exists()


def test_end_before_start_is_a_clear_error(verified_client, ward):
    client = verified_client(ward.ward_officer)
    start = timezone.localtime() + datetime.timedelta(days=10)
    answer = client.post(
        reverse("events:create"),
        _form(ward, ends_at=(start - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert answer.status_code == 400 and "終了日時は開始日時より後にしてください" in answer.content.decode()


def test_a_member_without_an_office_cannot_manage(client, ward):
    client.force_login(ward.commissioner)
    assert client.get(reverse("events:manage")).status_code == 403


def test_translation_in_any_language(verified_client, ward):
    client = verified_client(ward.ward_officer)
    client.post(reverse("events:create"), _form(ward))
    event = Event.objects.get()
    client.post(reverse("events:translation", args=[event.pk]), {"language": "vi", "title": "Lớp học", "body": ""})
    client.post(reverse("events:translation", args=[event.pk]), {"language": "JA", "title": "x", "body": ""})
    assert list(EventTranslation.objects.values_list("language", flat=True)) == ["vi"]
