"""The supporter's phone page and its service worker: the page holds no personal data and no inline script (the
persons come from the API, which logs the access), another ward's event is a 404 and a denied row, and the
service worker is JavaScript served from under the page, so that its scope covers the page."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.disaster.models import DisasterKind
from tsunagu.disaster.services import event_declare
from tsunagu.testing.accounts import last_audit
from tsunagu.testing.personas import build_city


@pytest.fixture
def event(ward):
    return event_declare(
        user=ward.ward_officer,
        name="大雨",
        kind=DisasterKind.STORM_FLOOD,
        districts=[ward.districts.a],
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )


def page_url(event_id: object) -> str:
    return f"/disaster/events/{event_id}/phone/"


def settings_of(response) -> dict:
    match = re.search(r'<script id="phone-settings" type="application/json">(.*?)</script>', response.content.decode())
    return json.loads(match.group(1))


def test_the_page_carries_its_settings_and_no_personal_data_and_no_inline_script(client, ward, event):
    client.force_login(ward.association_member)
    before = AuditEntry.objects.count()

    response = client.get(page_url(event.pk))

    assert response.status_code == 200
    html = response.content.decode()
    settings = settings_of(response)
    assert (settings["eventId"], settings["userId"], settings["eventActive"]) == (
        event.pk,
        ward.association_member.pk,
        True,
    )
    assert settings["createUrl"] == "/api/disaster/reports/"
    assert settings["personsUrl"] == f"/api/disaster/events/{event.pk}/persons/"
    assert settings["serviceWorkerUrl"].startswith(settings["scope"]) and settings["scope"] == page_url(event.pk)
    assert settings["statuses"][0] == {"value": "unconfirmed", "label": "未確認"}
    assert ward.people.a1_agreed.family_name not in html  # the list comes from the API
    assert AuditEntry.objects.count() == before
    # Scripts: files of this site, and the settings as data (not run); no inline code for the CSP to refuse.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " on" not in "".join(re.findall(r"<[^>]+ on[a-z]+=", html))
    assert 'aria-live="polite"' in html


def test_an_ended_event_says_so(client, ward, event):
    event.ended_at = timezone.now()
    event.save(update_fields=["ended_at"])
    client.force_login(ward.association_member)

    response = client.get(page_url(event.pk))

    assert settings_of(response)["eventActive"] is False
    assert "この災害は終了しています" in response.content.decode()


def test_another_wards_event_is_404_and_a_denied_row(client, ward):
    city = build_city(ward)
    other = event_declare(
        user=city.ward_officer, name="港区の地震", kind=DisasterKind.EARTHQUAKE, districts=[city.districts.a]
    )
    client.force_login(ward.association_member)

    for url in (page_url(other.pk), f"{page_url(other.pk)}sw.js"):
        response = client.get(url)
        assert response.status_code == 404
        entry = last_audit()
        assert (entry.action, entry.target_type, entry.detail["requested_id"]) == (
            AuditAction.DENIED,
            AuditTarget.DISASTER_EVENT,
            str(other.pk),
        )


def test_signed_out_the_page_leads_to_the_sign_in(client, ward, event):
    response = client.get(page_url(event.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_service_worker_is_javascript_under_the_page_and_keeps_the_pages_files(client, ward, event):
    client.force_login(ward.association_member)

    response = client.get(f"{page_url(event.pk)}sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*?\});", script).group(1))
    assert config["page"] == page_url(event.pk)
    assert any(url.endswith("disaster/phone.js") for url in config["assets"])
    assert config["cache"].startswith(f"tsunagu-phone-{event.pk}-")
    assert "{{" not in script and "{%" not in script
