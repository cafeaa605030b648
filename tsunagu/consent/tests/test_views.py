import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tsunagu.access import policy
from tsunagu.audit.models import AuditAction, AuditEntry, AuditPurpose
from tsunagu.consent import services
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import Consent, ConsentRequest, ConsentStatus
from tsunagu.testing.factories import ConsentFactory, DistrictFactory, PersonFactory, TownFactory
from tsunagu.testing.personas import list_on_roster

INDEX_URL = reverse("consent:index")
REPLIES_URL = reverse("consent:replies")
TODAY = today_jst()


def person_url(person_or_id):
    return reverse("consent:person", args=[getattr(person_or_id, "pk", person_or_id)])


def confirm(client, checked):
    """The second step of the bulk entry: post the confirmation form the first step showed."""
    assert checked.status_code == 200 and checked.context["batch"].rows
    return client.post(REPLIES_URL, {"token": checked.context["token"]})


def letters_data(ward, **overrides):
    data = {
        "district": ward.districts.a.pk,
        "sent_on": TODAY.isoformat(),
        "reply_days": "21",
        "sender": "大正区長",
        "contact": "大正区役所 保健福祉課",
        "purpose": AuditPurpose.DISASTER_PREP,
    }
    return {**data, **overrides}


class TestIndexAndLetters:
    def test_ward_sees_the_mode_and_the_unanswered_per_district(self, ward, verified_client, settings):
        settings.TSUNAGU_ROSTER_CONSENT_MODE = "presumed"

        response = verified_client(ward.ward_officer).get(INDEX_URL)

        assert response.status_code == 200
        counts = {row.district.code: row.unanswered for row in response.context["counts"]}
        assert counts == {"A": 1, "B": 1}
        assert str(services.ConsentMode.PRESUMED.label) in response.content.decode()

    @pytest.mark.parametrize("persona", ["shakyo_coordinator", "association_member", "ward_clerk"])
    def test_others_are_refused(self, ward, verified_client, persona):
        logged_in = verified_client(getattr(ward, persona))

        assert logged_in.get(INDEX_URL).status_code == 403
        assert logged_in.post(INDEX_URL, letters_data(ward)).status_code == 403
        assert not ConsentRequest.objects.exists()
        assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()

    def test_posting_returns_the_letters_pdf_and_records_the_requests(self, ward, verified_client):
        response = verified_client(ward.ward_officer).post(INDEX_URL, letters_data(ward))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        request = ConsentRequest.objects.get()
        assert (request.person, request.reply_due_on) == (ward.people.a2_unanswered, TODAY + datetime.timedelta(21))
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
        assert (entry.target_ids, entry.purpose) == ([ward.people.a2_unanswered.pk], AuditPurpose.DISASTER_PREP)

    def test_a_district_without_unanswered_persons_is_said_so(self, ward, verified_client):
        client = verified_client(ward.ward_officer)
        ConsentFactory(person=ward.people.a2_unanswered, status=ConsentStatus.REFUSED)

        response = client.post(INDEX_URL, letters_data(ward))

        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [str(services.NO_UNANSWERED_MESSAGE)]
        assert not ConsentRequest.objects.exists()

    def test_query_count_does_not_grow_with_districts_and_persons(
        self, ward, verified_client, django_assert_max_num_queries
    ):
        client = verified_client(ward.ward_officer)
        with CaptureQueriesContext(connection) as few:
            client.get(INDEX_URL)
        district_type = ward.districts.a.district_type
        more = []
        for n in range(4):
            district = DistrictFactory(district_type=district_type, code=f"X{n}", name=f"第{n}小学校区")
            town = TownFactory(code=f"09{n:05d}", name=f"町{n}", in_districts=[district])
            more += [PersonFactory(town=town) for _ in range(3)]
        list_on_roster([*vars(ward.people).values(), *more], number=2)

        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(INDEX_URL)

        assert sum(row.unanswered for row in response.context["counts"]) == 2 + 12


class TestBulkReplies:
    def test_three_bad_rows_are_all_reported_with_their_lines_and_nothing_is_written(self, ward, verified_client):
        a2 = ward.people.a2_unanswered
        lines = "\n".join(
            [
                f"{a2.resident_number},同意,本人,,2026-01-10",
                "999999999,同意,本人,,2026-01-10",
                f"{ward.people.b1_unanswered.resident_number},同意,本人,校長,2026-01-10",
                f"{ward.people.b1_refused.resident_number},不同意,本人,,",
            ]
        )

        response = verified_client(ward.ward_officer).post(REPLIES_URL, {"lines": lines})

        assert response.status_code == 200
        assert [str(e) for e in response.context["errors"]] == [
            "2行目：" + str(services.BULK_UNKNOWN_PERSON_MESSAGE.format(number="999999999")),
            "3行目：" + str(services.UNKNOWN_KIND_MESSAGE.format(kind="校長")),
            "4行目：" + str(services.BULK_DATE_REQUIRED_MESSAGE),
        ]
        body = response.content.decode()
        assert "2行目" in body and "3行目" in body and "4行目" in body
        assert Consent.objects.count() == 5
        assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()

    def test_good_lines_are_recorded(self, ward, verified_client):
        a2 = ward.people.a2_unanswered
        client = verified_client(ward.ward_officer)

        checked = client.post(REPLIES_URL, {"lines": f"{a2.resident_number},同意,本人,,2026-01-10"})
        response = confirm(client, checked)

        assert response.status_code == 302
        assert Consent.objects.current_for(a2).status == ConsentStatus.AGREED
        assert a2.pk in set(policy.visible_persons(ward.association_member).values_list("pk", flat=True))

    def test_csv_upload(self, ward, verified_client):
        b1 = ward.people.b1_unanswered
        content = f"宛名番号,回答,記入者,回答日\n{b1.resident_number},不同意,家族,2026-01-12\n".encode("cp932")
        upload = SimpleUploadedFile("replies.csv", content, content_type="text/csv")

        client = verified_client(ward.ward_officer)
        response = confirm(client, client.post(REPLIES_URL, {"file": upload}))

        assert response.status_code == 302
        current = Consent.objects.current_for(b1)
        assert (current.status, current.given_by) == ("refused", "family")

    def test_others_are_refused(self, ward, verified_client):
        client = verified_client(ward.shakyo_coordinator)

        assert client.get(REPLIES_URL).status_code == 403
        response = client.post(
            REPLIES_URL, {"lines": f"{ward.people.a2_unanswered.resident_number},同意,本人,,2026-01-10"}
        )
        assert response.status_code == 403
        assert Consent.objects.count() == 5


class TestPersonPage:
    def test_history_newest_first_with_an_audit_entry(self, ward, verified_client):
        person = ward.people.a1_agreed
        services.consent_withdraw(
            person=person, decided_on=TODAY, given_by="self", method="電話", recorded_by=ward.ward_officer
        )

        response = verified_client(ward.ward_officer).get(person_url(person))

        assert response.status_code == 200
        assert [c.status for c in response.context["page"].history] == ["withdrawn", "agreed"]
        entry = AuditEntry.objects.filter(action=AuditAction.VIEW).get()
        assert (entry.target_ids, entry.detail) == ([person.pk], {"consent": "history"})

    @pytest.mark.parametrize("persona", ["association_member", "care_plaza_worker"])
    def test_out_of_scope_is_404_and_logged(self, ward, verified_client, persona):
        # The association sees a1_agreed only at community level; the care plaza serves district B only.
        response = verified_client(getattr(ward, persona)).get(person_url(ward.people.a1_agreed))

        assert response.status_code == 404
        denied = AuditEntry.objects.get(action=AuditAction.DENIED)
        assert denied.detail == {"requested_id": str(ward.people.a1_agreed.pk)}
        assert not AuditEntry.objects.filter(action=AuditAction.VIEW).exists()

    def test_unknown_id_is_404_and_logged(self, ward, verified_client):
        response = verified_client(ward.ward_officer).get(person_url("abc"))

        assert response.status_code == 404
        assert AuditEntry.objects.get(action=AuditAction.DENIED).detail == {"requested_id": "abc"}

    def test_ward_records_a_decision(self, ward, verified_client):
        person = ward.people.a2_unanswered
        data = {
            "action": "record",
            "decision-status": "agreed",
            "decision-recipient_kinds": ["neighbourhood", "police"],
            "decision-given_by": "family",
            "decision-method": "訪問",
            "decision-decided_on": TODAY.isoformat(),
        }

        response = verified_client(ward.ward_officer).post(person_url(person), data)

        assert response.status_code == 302
        current = Consent.objects.current_for(person)
        assert (current.status, current.recipient_kinds, current.method) == ("agreed", "|neighbourhood|police|", "訪問")

    def test_ward_records_a_withdrawal_which_hides_the_person_at_once(self, ward, verified_client):
        person = ward.people.a1_agreed
        data = {"action": "withdraw", "withdraw-given_by": "self", "withdraw-method": "電話"}
        data["withdraw-decided_on"] = TODAY.isoformat()

        response = verified_client(ward.ward_officer).post(person_url(person), data)

        assert response.status_code == 302
        assert Consent.objects.current_for(person).status == ConsentStatus.WITHDRAWN
        assert not policy.visible_persons(ward.association_member).filter(pk=person.pk).exists()

    def test_an_invalid_withdrawal_shows_the_reason(self, ward, verified_client):
        data = {"action": "withdraw", "withdraw-given_by": "self", "withdraw-method": "電話"}
        data["withdraw-decided_on"] = TODAY.isoformat()

        response = verified_client(ward.ward_officer).post(person_url(ward.people.a1_refused), data)

        assert response.status_code == 400
        assert response.context["problems"] == [
            str(services.WITHDRAW_WITHOUT_AGREEMENT_MESSAGE.format(status="不同意"))
        ]
        assert Consent.objects.filter(person=ward.people.a1_refused).count() == 1

    def test_shakyo_may_read_but_not_record(self, ward, verified_client):
        person = ward.people.a2_unanswered  # district A: the 社協 serves it
        client = verified_client(ward.shakyo_coordinator)

        page = client.get(person_url(person))
        refused = client.post(person_url(person), {"action": "record", "decision-status": "agreed"})

        assert page.status_code == 200
        assert "意思表示を記録する" not in page.content.decode()
        assert refused.status_code == 403
        assert not Consent.objects.filter(person=person).exists()
