"""Our own API tokens: only a hash is stored, they expire, they can be read-only, a staff user's token needs a
registered authenticator (to be issued and on every use), and no route makes or removes one without an audit row."""

import datetime
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.authentication import (
    TOKEN_EXPIRED_MESSAGE,
    TOKEN_READ_ONLY_MESSAGE,
    TOKEN_TWO_FACTOR_MISSING_MESSAGE,
)
from tsunagu.accounts.models import ApiToken
from tsunagu.accounts.selectors import api_key_hash
from tsunagu.accounts.services import (
    API_KEY_MARKER,
    TOKEN_NEEDS_TWO_FACTOR_MESSAGE,
    TOKEN_USER_INACTIVE_MESSAGE,
    api_token_issue,
)
from tsunagu.audit.models import AuditAction, AuditEntry
from tsunagu.core.api import AUTHENTICATION_FAILED_MESSAGE, METHOD_NOT_ALLOWED_MESSAGE
from tsunagu.testing.accounts import audit_rows, confirmed_device, issued_key
from tsunagu.testing.factories import UserFactory

TOKENS = "/accounts/tokens/"
PERSONS = "/api/persons/"


def api(key: str) -> Client:
    return Client(headers={"Authorization": f"Token {key}"})


# -- What is stored ------------------------------------------------------------------------------------------


def test_only_a_hash_of_the_key_is_stored_and_a_prefix_identifies_it(ward):
    issued = api_token_issue(user=ward.association_member)

    token = ApiToken.objects.get(user=ward.association_member)
    assert issued.key.startswith(API_KEY_MARKER) and len(issued.key) == len(API_KEY_MARKER) + 43
    assert token.key_hash == api_key_hash(issued.key) and len(token.key_hash) == 64
    assert token.prefix == issued.key[:12]
    stored = json.dumps(list(ApiToken.objects.values()), default=str)
    assert issued.key not in stored and issued.key[12:] not in stored
    assert api(issued.key).get(PERSONS).status_code == 200


def test_keys_differ_each_time_and_a_key_is_not_its_hash(ward):
    first = api_token_issue(user=ward.association_member).key
    second = api_token_issue(user=ward.association_member).key

    assert first != second
    assert api(api_key_hash(second)).get(PERSONS).status_code == 403  # the stored hash is no key


# -- Expiry --------------------------------------------------------------------------------------------------


@override_settings(TSUNAGU_API_TOKEN_DAYS=7)
def test_a_token_expires_after_the_configured_days(ward):
    before = timezone.now()
    key = issued_key(ward.association_member)
    token = ApiToken.objects.get(user=ward.association_member)

    assert before + datetime.timedelta(days=7) <= token.expires_at <= timezone.now() + datetime.timedelta(days=7)
    assert api(key).get(PERSONS).status_code == 200
    [row] = audit_rows(AuditAction.CREATE)
    assert row.detail == {"replaced": False, "read_only": False, "days": 7}

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    audited = AuditEntry.objects.count()
    response = api(key).get(PERSONS)
    assert response.status_code == 403
    assert response.json() == {"detail": str(TOKEN_EXPIRED_MESSAGE)}
    assert AuditEntry.objects.count() == audited  # nothing was read


def test_the_default_lifetime_is_ninety_days(settings):
    assert settings.TSUNAGU_API_TOKEN_DAYS == 90


def test_the_tokens_page_shows_the_expiry_and_marks_an_expired_token(ward, verified_client):
    client = verified_client(ward.ward_officer)
    client.post(TOKENS)
    token = ApiToken.objects.get(user=ward.ward_officer)
    shown = timezone.localtime(token.expires_at).strftime("%Y年%-m月%-d日 %H:%M")

    html = client.get(TOKENS).content.decode()
    assert f"<dd>{shown}</dd>" in html
    assert f'<code translate="no">{token.prefix}…</code>' in html
    assert "まだ使われていません" in html
    assert "期限切れ" not in html

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    assert "（期限切れ：このトークンはもう使えません）" in client.get(TOKENS).content.decode()


# -- Read-only tokens ----------------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_may_not_change_anything(ward):
    read_only = issued_key(ward.ward_officer, read_only=True)

    assert api(read_only).get(PERSONS).status_code == 200
    assert api(read_only).head(PERSONS).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api(read_only), method)(PERSONS)
        assert response.status_code == 403, method
        assert response.json() == {"detail": str(TOKEN_READ_ONLY_MESSAGE)}, method

    # A token that may write gets as far as the view, which has no POST.
    writer = issued_key(ward.ward_officer, read_only=False)
    response = api(writer).post(PERSONS)
    assert response.status_code == 405
    assert response.json() == {"detail": METHOD_NOT_ALLOWED_MESSAGE.format(method="POST")}


def test_the_page_offers_read_only_first_and_issues_what_was_chosen(ward, verified_client):
    client = verified_client(ward.ward_officer)
    html = client.get(TOKENS).content.decode()
    assert re.search(r'<input type="checkbox" name="read_only"[^>]* checked>', html)

    client.post(TOKENS, {"read_only": "on"})
    assert ApiToken.objects.get(user=ward.ward_officer).read_only is True
    assert "読み取り専用（参照だけ）" in client.get(TOKENS).content.decode()

    client.post(TOKENS, {})
    assert ApiToken.objects.get(user=ward.ward_officer).read_only is False
    assert [r.detail for r in audit_rows(AuditAction.CREATE)] == [
        {"replaced": False, "read_only": True, "days": 90},
        {"replaced": True, "read_only": False, "days": 90},
    ]


# -- Staff tokens and the second factor ----------------------------------------------------------------------


def test_staff_without_a_confirmed_authenticator_gets_no_token(ward):
    TOTPDevice.objects.create(user=ward.ward_officer, name="未確認", confirmed=False)

    with pytest.raises(PermissionDenied) as refused:
        api_token_issue(user=ward.ward_officer)

    assert str(refused.value) == str(TOKEN_NEEDS_TWO_FACTOR_MESSAGE)
    assert not ApiToken.objects.exists()
    assert audit_rows(AuditAction.CREATE) == []


def test_a_community_member_needs_no_authenticator_for_a_token(ward):
    key = api_token_issue(user=ward.association_member).key
    assert api(key).get(PERSONS).status_code == 200


def test_an_inactive_user_gets_no_token(ward):
    ward.association_member.is_active = False
    ward.association_member.save(update_fields=["is_active"])

    with pytest.raises(PermissionDenied) as refused:
        api_token_issue(user=ward.association_member)
    assert str(refused.value) == str(TOKEN_USER_INACTIVE_MESSAGE)
    assert not ApiToken.objects.exists()


def test_a_staff_token_stops_working_when_the_authenticator_is_removed(ward):
    device = confirmed_device(ward.shakyo_coordinator)
    key = api_token_issue(user=ward.shakyo_coordinator).key
    assert api(key).get(PERSONS).status_code == 200

    device.delete()
    response = api(key).get(PERSONS)
    assert response.status_code == 403
    assert response.json() == {"detail": str(TOKEN_TWO_FACTOR_MISSING_MESSAGE)}

    # An unconfirmed device (a setup begun, not finished) is not enough either.
    TOTPDevice.objects.create(user=ward.shakyo_coordinator, name="設定中", confirmed=False)
    assert api(key).get(PERSONS).status_code == 403


@override_settings(TSUNAGU_REQUIRE_2FA=False)
def test_with_two_factor_switched_off_for_a_demo_staff_tokens_follow_the_pages(ward):
    key = api_token_issue(user=ward.ward_officer).key
    assert api(key).get(PERSONS).status_code == 200


# -- Last used -----------------------------------------------------------------------------------------------


def test_the_last_use_is_noted_at_most_once_a_minute(ward):
    key = issued_key(ward.association_member)
    token = ApiToken.objects.get(user=ward.association_member)
    assert token.last_used_at is None

    api(key).get(PERSONS)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    api(key).get(PERSONS)
    token.refresh_from_db()
    assert token.last_used_at == first

    earlier = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    api(key).get(PERSONS)
    token.refresh_from_db()
    assert token.last_used_at > earlier + datetime.timedelta(minutes=1)


# -- Malformed headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token \u00e9\u00e9", "token not-a-key"])
def test_a_malformed_or_unknown_token_is_refused_with_the_generic_message(ward, header):
    response = Client(headers={"Authorization": header}).get(PERSONS)

    assert response.status_code == 403
    assert response.json() == {"detail": str(AUTHENTICATION_FAILED_MESSAGE)}


def test_the_schema_documents_the_token_header(db, client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    assert {"tokenAuth": []} in schema["paths"]["/api/persons/"]["get"]["security"]


# -- Every route is audited ----------------------------------------------------------------------------------


def test_no_code_path_can_make_a_token_without_the_issuing_service(ward):
    fields = {
        "user": ward.association_member, "prefix": "tsn_x", "key_hash": "0" * 64,
        "created_at": timezone.now(), "expires_at": timezone.now() + datetime.timedelta(days=1),
    }  # fmt: skip
    with pytest.raises(PermissionError):
        ApiToken.objects.create(**fields)
    with pytest.raises(PermissionError):
        ApiToken(**fields).save()
    with pytest.raises(PermissionError):
        ApiToken.objects.bulk_create([ApiToken(**fields)])
    with pytest.raises(PermissionError):
        ApiToken.objects.get_or_create(user=ward.association_member, defaults=fields)
    assert not ApiToken.objects.exists()


@pytest.fixture
def admin_client(ward, verified_client):
    admin = UserFactory(username="site_admin", is_staff=True, is_superuser=True)
    return verified_client(admin)


def test_the_admin_lists_tokens_but_cannot_add_or_change_one(ward, admin_client):
    key = issued_key(ward.ward_officer)
    token = ApiToken.objects.get(user=ward.ward_officer)

    listing = admin_client.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200
    assert token.prefix in listing.content.decode()
    assert key not in listing.content.decode()
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
    detail = admin_client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"read_only": "on"})
    assert detail.status_code == 403
    token.refresh_from_db()
    assert token.read_only is False
    assert ApiToken.objects.count() == 1


def test_revoking_in_the_admin_is_audited_with_the_owner(ward, admin_client):
    key = issued_key(ward.ward_officer)
    token = ApiToken.objects.get(user=ward.ward_officer)

    response = admin_client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    [row] = audit_rows(AuditAction.UPDATE)
    assert (row.actor_username, row.target_type, row.target_ids, row.detail) == (
        "site_admin", "api_token", [token.pk], {"revoked": True, "user": "ward_officer"}
    )
    assert api(key).get(PERSONS).status_code == 403


def test_revoking_several_in_the_admin_audits_each(ward, admin_client):
    issued_key(ward.ward_officer)
    issued_key(ward.association_member)
    ids = list(ApiToken.objects.order_by("pk").values_list("pk", flat=True))

    response = admin_client.post(
        "/admin/accounts/apitoken/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )

    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    rows = audit_rows(AuditAction.UPDATE)
    assert sorted(r.detail["user"] for r in rows) == ["association_member", "ward_officer"]
    assert sorted(r.target_ids[0] for r in rows) == ids
