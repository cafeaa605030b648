"""The pages and the API go through the same team check and transitions as the services."""

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.cases.models import Referral, ReferralStatus


def test_the_worker_opens_a_case_and_sees_it_in_the_menu_count(ward, agencies, verified_client):
    client = verified_client(agencies.self_reliance_worker)
    response = client.post(
        "/cases/new/",
        {
            "organisation": agencies.self_reliance.pk,
            "anonymous": "on",
            "client_label": "電話の方",
            "route": "phone",
            "urgency": "normal",
            "domains": ["poverty", "housing"],
            "chief_complaint": "家を失いそう",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "家を失いそう" in page.content.decode()
    mine = client.get("/cases/").content.decode()
    assert "電話の方" in mine and 'class="badge">1</span>' in mine


def test_a_missing_field_is_answered_in_japanese_and_nothing_is_stored(ward, agencies, verified_client):
    client = verified_client(agencies.self_reliance_worker)
    response = client.post("/cases/new/", {"organisation": agencies.self_reliance.pk, "route": "phone"})
    assert response.status_code == 200
    assert "このフィールドは必須です" in response.content.decode() or "必須" in response.content.decode()


def test_an_agency_off_the_team_gets_404_on_page_and_api_and_it_is_logged(ward, agencies, case, verified_client):
    client = verified_client(agencies.disability_worker)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/api/cases/{case.pk}/").status_code == 404
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, target_type=AuditTarget.CASE)
    assert denied.count() == 2


def test_referral_through_the_api_then_accepted_on_the_page(ward, agencies, consented, verified_client):
    sender = verified_client(ward.care_plaza_worker)
    response = sender.post(
        "/api/cases/referrals/",
        {"case": consented.pk, "to_organisation": agencies.self_reliance.pk, "reason": "家計の相談"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    referral_id = response.json()["id"]
    illegal = sender.post(
        f"/api/cases/referrals/{referral_id}/transition/", {"action": "accept"}, content_type="application/json"
    )
    assert illegal.status_code == 400
    receiver = verified_client(agencies.self_reliance_worker)
    page = receiver.post(f"/cases/referrals/{referral_id}/", {"action": "accept", "confidentiality_acknowledged": "on"})
    assert page.status_code == 302
    assert Referral.objects.get(pk=referral_id).status == ReferralStatus.ACCEPTED
    assert receiver.get(f"/cases/{consented.pk}/").status_code == 200  # now on the team


def test_the_schema_lists_the_cases_api(ward, verified_client):
    client = verified_client(ward.ward_officer)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/cases/referrals/{referral_id}/transition/" in schema
