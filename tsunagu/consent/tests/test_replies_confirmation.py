"""The bulk reply entry asks for confirmation: the first POST checks every row and shows what will be recorded
(nothing is written); the second records exactly the checked rows, carried by a signed token, all or none; an
altered token is refused."""

import datetime

from django.urls import reverse

from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.consent import services
from tsunagu.core.wareki import today_jst
from tsunagu.people.models import Consent, ConsentStatus

REPLIES_URL = reverse("consent:replies")
DAY = (today_jst() - datetime.timedelta(days=1)).isoformat()


def updates():
    return AuditEntry.objects.filter(action=AuditAction.UPDATE).count()


def test_the_first_post_shows_the_rows_and_records_nothing(ward, verified_client):
    a2, b1 = ward.people.a2_unanswered, ward.people.b1_unanswered
    client = verified_client(ward.ward_officer)
    before = Consent.objects.count()

    response = client.post(
        REPLIES_URL, {"lines": f"{a2.resident_number},同意,家族,民生委員,{DAY}\n{b1.resident_number},不同意,,,{DAY}"}
    )

    assert response.status_code == 200
    assert (Consent.objects.count(), updates()) == (before, 0)
    rows = response.context["batch"].rows
    assert [(r.line, r.person, r.status, r.given_by, r.kinds) for r in rows] == [
        (1, a2, ConsentStatus.AGREED, "family", ("minsei",)),
        (2, b1, ConsentStatus.REFUSED, "self", ()),
    ]
    body = response.content.decode()
    assert a2.full_name in body and b1.full_name in body
    assert 'name="token"' in body and "この内容で登録する" in body
    viewed = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (viewed.target_ids, viewed.detail["consent"]) == ([a2.pk, b1.pk], "replies_check")


def test_the_confirmation_records_exactly_the_checked_rows(ward, verified_client):
    a2, b1 = ward.people.a2_unanswered, ward.people.b1_unanswered
    client = verified_client(ward.ward_officer)
    checked = client.post(REPLIES_URL, {"lines": f"{a2.resident_number},同意,家族,民生委員,{DAY}"})

    # Whatever else arrives with the confirmation, only what the token holds is recorded.
    response = client.post(
        REPLIES_URL, {"token": checked.context["token"], "lines": f"{b1.resident_number},同意,本人,,{DAY}"}
    )

    assert response.status_code == 302
    recorded = Consent.objects.filter(recorded_by=ward.ward_officer)
    assert [(c.person_id, c.status, c.given_by, c.recipient_kinds, c.decided_on.isoformat()) for c in recorded] == [
        (a2.pk, ConsentStatus.AGREED, "family", "|minsei|", DAY)
    ]
    assert updates() == 1
    assert Consent.objects.current_for(b1) is None


def test_an_altered_confirmation_is_refused_and_nothing_is_recorded(ward, verified_client):
    a2 = ward.people.a2_unanswered
    client = verified_client(ward.ward_officer)
    token = client.post(REPLIES_URL, {"lines": f"{a2.resident_number},同意,本人,,{DAY}"}).context["token"]
    before = Consent.objects.count()

    for forged in (token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"), "", "not-a-token"):
        response = client.post(REPLIES_URL, {"token": forged})

        assert response.status_code == 400
        assert str(services.CONFIRMATION_INVALID_MESSAGE) in response.content.decode()
    assert (Consent.objects.count(), updates()) == (before, 0)


def test_another_users_confirmation_is_refused(ward, verified_client, django_user_model):
    a2 = ward.people.a2_unanswered
    token = services.consent_replies_token(user=ward.ward_clerk, rows=[(1, [a2.resident_number, "同意", "", "", DAY])])

    response = verified_client(ward.ward_officer).post(REPLIES_URL, {"token": token})

    assert response.status_code == 400
    assert not Consent.objects.filter(person=a2).exists()


def test_a_decision_recorded_between_the_two_steps_fails_the_whole_batch(ward, verified_client):
    a2, b1 = ward.people.a2_unanswered, ward.people.b1_unanswered
    client = verified_client(ward.ward_officer)
    checked = client.post(
        REPLIES_URL, {"lines": f"{a2.resident_number},同意,本人,,{DAY}\n{b1.resident_number},同意,本人,,{DAY}"}
    )
    newer = services.consent_record(
        person=b1,
        status=ConsentStatus.REFUSED,
        decided_on=today_jst(),
        given_by="self",
        method="電話",
        recipient_kinds=(),
        recorded_by=ward.ward_officer,
    )

    response = client.post(REPLIES_URL, {"token": checked.context["token"]})

    assert response.status_code == 200
    expected = services.OLDER_THAN_CURRENT_MESSAGE.format(date=newer.decided_on, status="不同意")
    assert [str(e) for e in response.context["errors"]] == [f"2行目：{expected}"]
    assert Consent.objects.current_for(a2) is None
    assert Consent.objects.current_for(b1).pk == newer.pk


def test_the_confirmation_needs_the_same_capability(ward, verified_client):
    a2 = ward.people.a2_unanswered
    token = services.consent_replies_token(
        user=ward.shakyo_coordinator, rows=[(1, [a2.resident_number, "同意", "", "", DAY])]
    )

    response = verified_client(ward.shakyo_coordinator).post(REPLIES_URL, {"token": token})

    assert response.status_code == 403
    assert not Consent.objects.filter(person=a2).exists()
