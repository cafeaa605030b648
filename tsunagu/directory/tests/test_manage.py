"""The staff pages: only MANAGE_DIRECTORY holders edit; 「確認しました」 records who confirmed it and when, apart
from the last edit; entries not confirmed for a year are listed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tsunagu.directory.models import COMMISSIONER_LOCATION_MESSAGE, Service, ServiceKind
from tsunagu.testing.directory import build_directory


@pytest.fixture
def directory(ward):
    return build_directory(ward)


def test_staff_pages_need_the_capability(client, directory, ward):
    url = reverse("directory:manage")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(ward.association_member)
    assert client.get(url).status_code == 403
    assert client.post(reverse("directory:service_check", args=[directory.salon.uuid])).status_code == 403
    directory.salon.refresh_from_db()
    assert directory.salon.last_checked_on is None


def test_a_care_plaza_worker_confirms_an_entry(verified_client, directory, ward):
    client = verified_client(ward.care_plaza_worker)
    old = timezone.localdate() - datetime.timedelta(days=400)
    Service.objects.filter(pk=directory.salon.pk).update(last_checked_on=old)
    Service.objects.filter(pk=directory.general.pk).update(last_checked_on=timezone.localdate())
    page = client.get(reverse("directory:manage")).content.decode()
    stale_section = page.split('id="stale-heading"')[1].split('id="all-heading"')[0]
    assert "泉尾ふれあいサロン" in stale_section  # confirmed 400 days ago
    assert "準備中のサロン" in stale_section  # never confirmed
    assert "区役所 福祉の総合相談" not in stale_section  # confirmed today
    updated_at = Service.objects.get(pk=directory.salon.pk).updated_at
    response = client.post(reverse("directory:service_check", args=[directory.salon.uuid]))
    assert response.status_code == 302
    salon = Service.objects.get(pk=directory.salon.pk)
    assert salon.last_checked_on == timezone.localdate()
    assert salon.last_checked_by == ward.care_plaza_worker
    assert salon.updated_at == updated_at  # confirming is not editing


def test_editing_saves_schedules_and_refuses_a_bad_rule(verified_client, directory, ward):
    client = verified_client(ward.ward_officer)
    url = reverse("directory:service_edit", args=[directory.salon.uuid])
    assert client.get(url).status_code == 200
    data = {
        "organisation": directory.salon.organisation_id, "kind": ServiceKind.SALON, "name": "泉尾ふれあいサロン",
        "description": "お茶会です", "topics": ["loneliness"], "cost_kind": "paid", "status": "active",
        "published": "on", "location": directory.hidden.pk,
        "schedules-TOTAL_FORMS": "2", "schedules-INITIAL_FORMS": "1", "schedules-MIN_NUM_FORMS": "0",
        "schedules-MAX_NUM_FORMS": "1000",
        "schedules-0-id": directory.salon.schedules.get().pk, "schedules-0-rrule": "FREQ=MONTHLY;BYDAY=3TH",
        "schedules-0-opens_at": "10:00", "schedules-0-closes_at": "11:30", "schedules-0-starts_on": "2025-04-01",
        "schedules-1-rrule": "毎週", "schedules-1-opens_at": "10:00", "schedules-1-closes_at": "11:00",
        "schedules-1-starts_on": "2025-04-01",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200  # the bad rule is shown, nothing saved
    assert "繰り返しの指定（RRULE）が読めません" in response.content.decode()
    assert directory.salon.schedules.get().rrule == "FREQ=MONTHLY;BYDAY=2TU"
    data.update(
        {"schedules-1-rrule": "", "schedules-1-opens_at": "", "schedules-1-closes_at": "", "schedules-1-starts_on": ""}
    )
    assert client.post(url, data).status_code == 302
    salon = Service.objects.get(pk=directory.salon.pk)
    assert salon.schedules.get().describe() == "毎月第3木曜 10:00〜11:30"
    assert salon.updated_by == ward.ward_officer
    assert list(salon.locations.all()) == [directory.hidden]


def test_a_commissioner_entry_cannot_have_a_place(verified_client, directory, ward):
    client = verified_client(ward.ward_officer)
    data = {
        "organisation": directory.salon.organisation_id, "kind": ServiceKind.COMMISSIONER, "name": "泉尾地域の民生委員",
        "description": "身近な相談相手です", "cost_kind": "free", "status": "active", "location": directory.office.pk,
        "schedules-TOTAL_FORMS": "0", "schedules-INITIAL_FORMS": "0", "schedules-MIN_NUM_FORMS": "0",
        "schedules-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    response = client.post(reverse("directory:service_create"), data)
    assert response.status_code == 200
    assert str(COMMISSIONER_LOCATION_MESSAGE) in response.content.decode()
    assert not Service.objects.filter(kind=ServiceKind.COMMISSIONER).exists()
