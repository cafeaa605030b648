"""The pages and the API go through the same team check and transitions as the services."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tsunagu.audit.models import AuditAction, AuditEntry, AuditTarget
from tsunagu.cases.models import Case, Referral, ReferralStatus


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
            "household-TOTAL_FORMS": "3",
            "household-INITIAL_FORMS": "0",
            "household-0-name": "長男",
            "household-0-relationship": "子",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "家を失いそう" in page.content.decode() and "長男 子" in page.content.decode()
    mine = client.get("/cases/").content.decode()
    assert "電話の方" in mine and 'class="badge">1</span>' in mine


def test_a_missing_field_is_answered_in_japanese_and_nothing_is_stored(ward, agencies, verified_client):
    client = verified_client(agencies.self_reliance_worker)
    response = client.post(
        "/cases/new/",
        {
            "organisation": agencies.self_reliance.pk,
            "route": "phone",
            "client_name": "山田 花子",
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_chief_complaint_error_1"' in html
    assert 'value="山田 花子"' in html  # nothing typed is lost
    assert not Case.objects.exists()


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


def test_an_attachment_goes_to_the_receiver_logged_and_to_nobody_else(ward, agencies, consented, verified_client):
    sender = verified_client(ward.care_plaza_worker)
    response = sender.post(
        f"/cases/{consented.pk}/refer/",
        {
            "to_organisation": agencies.self_reliance.pk,
            "reason": "家計の相談",
            "attachment": SimpleUploadedFile("assessment.pdf", b"%PDF-1.4 synthetic", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    attachment = referral.attachments.get()
    url = f"/cases/referrals/{referral.pk}/attachments/{attachment.pk}/"
    receiver = verified_client(agencies.self_reliance_worker)
    download = receiver.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 synthetic"
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, target_type=AuditTarget.REFERRAL).count() == 1
    outsider = verified_client(agencies.disability_worker)
    assert outsider.get(url).status_code == 404
    # Declined: the receiver goes back to its list and no longer reads the referral. (One test client: sign in again.)
    receiver = verified_client(agencies.self_reliance_worker)
    declined = receiver.post(f"/cases/referrals/{referral.pk}/", {"action": "decline", "reason": "対象外のため"})
    assert declined["Location"] == "/cases/referrals/"
    assert receiver.get(url).status_code == 404


def test_a_refused_transition_shows_the_message_on_the_page(ward, agencies, consented, verified_client):
    sender = verified_client(ward.care_plaza_worker)
    sender.post(f"/cases/{consented.pk}/refer/", {"to_organisation": agencies.self_reliance.pk, "reason": "相談"})
    referral = Referral.objects.get()
    receiver = verified_client(agencies.self_reliance_worker)
    page = receiver.post(f"/cases/referrals/{referral.pk}/", {"action": "decline", "reason": ""})
    assert page.status_code == 400
    assert "「辞退」には理由の入力が必要です。" in page.content.decode()


def test_the_escalation_page_leads_to_the_intake_and_the_commissioner_sees_only_the_status(
    ward, agencies, escalation, verified_client
):
    client = verified_client(ward.care_plaza_worker)
    page = client.get(f"/watch/escalations/{escalation.pk}/").content.decode()
    assert f'href="/cases/from-escalation/{escalation.pk}/"' in page
    response = client.post(
        f"/cases/from-escalation/{escalation.pk}/",
        {
            "organisation": ward.orgs.care_plaza.pk,
            "urgency": "high",
            "domains": ["poverty"],
            "chief_complaint": "督促状がたまっている",
            "household-TOTAL_FORMS": "0",
            "household-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (
        case.raised_by == ward.commissioner and "郵便受けに督促状" in client.get(response["Location"]).content.decode()
    )
    commissioner = verified_client(ward.commissioner)
    assert commissioner.get(f"/cases/{case.pk}/").status_code == 404
    assert commissioner.get("/cases/notices/").status_code == 200
    # A guessed escalation id is 404 (logged by watch); one already opened sends the worker back with the reason.
    assert verified_client(agencies.self_reliance_worker).get("/cases/from-escalation/abc/").status_code == 404
    again = verified_client(ward.care_plaza_worker).get(f"/cases/from-escalation/{escalation.pk}/", follow=True)
    assert "このつなぎからは、すでに相談支援記録が作られています。" in again.content.decode()


def test_a_consultation_agency_worker_has_a_home_page_and_the_case_menu(ward, agencies, verified_client):
    client = verified_client(agencies.disability_worker)
    home = client.get("/")
    assert home.status_code == 200
    assert "依頼中の紹介" in home.content.decode()
