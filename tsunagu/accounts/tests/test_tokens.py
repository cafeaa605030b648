import re

from django.urls import reverse

from tsunagu.accounts.models import ApiToken
from tsunagu.accounts.selectors import api_key_hash
from tsunagu.accounts.views import NO_TOKEN_MESSAGE, TOKEN_REVOKED_MESSAGE
from tsunagu.audit.models import AuditAction
from tsunagu.testing.accounts import audit_rows, sign_in

TOKENS = "/accounts/tokens/"
SCHEMA = "/api/schema/"
# The schema is open to anyone, but a request that presents a token is authenticated first: an unknown or
# revoked token is refused (403, since session authentication comes first and sends no WWW-Authenticate).


def _issue(client, data=None) -> str:
    """Issue a token on the page and return the key it shows (once); the database holds only its hash."""
    response = client.post(TOKENS, data or {})
    assert response.status_code == 200
    key = re.search(r'id="new-token" class="token-value" value="([^"]+)"', response.content.decode()).group(1)
    assert ApiToken.objects.get(user=response.wsgi_request.user).key_hash == api_key_hash(key)
    return key


def test_unverified_session_is_sent_to_the_second_factor_and_gets_no_token(client, ward):
    sign_in(client, "ward_officer")
    for response in (client.get(TOKENS), client.post(TOKENS), client.post(reverse("accounts:tokens_revoke"))):
        assert response.status_code == 302
        assert response.url == "/accounts/two-factor/?next=%2Faccounts%2Ftokens%2F"
    assert not ApiToken.objects.exists()
    assert audit_rows(AuditAction.CREATE) == []


def test_community_member_also_needs_a_verified_session_for_a_token(client, ward):
    sign_in(client, "association_member")
    assert client.post(TOKENS).status_code == 302
    assert not ApiToken.objects.exists()


def test_verified_user_gets_a_token_shown_once(ward, verified_client):
    client = verified_client(ward.ward_officer)
    page = client.get(TOKENS)
    assert page.status_code == 200
    assert "トークンは発行されていません。" in page.content.decode()

    response = client.post(TOKENS)
    html = response.content.decode()
    token = ApiToken.objects.get(user=ward.ward_officer)
    key = re.search(r'id="new-token" class="token-value" value="([^"]+)"', html).group(1)
    assert token.key_hash == api_key_hash(key) and key not in token.key_hash  # only the hash is stored
    assert f'value="{key}"' in html
    assert '<label for="new-token">新しいトークン</label>' in html
    assert response["Cache-Control"].startswith("max-age=0")
    [row] = audit_rows(AuditAction.CREATE)
    assert (row.target_type, row.detail, row.actor_username) == (
        "api_token", {"replaced": False, "read_only": False, "days": 90}, "ward_officer"
    )
    assert row.target_ids == [token.pk]
    assert key not in str(row.detail)

    later = client.get(TOKENS).content.decode()
    assert key not in later
    assert "発行済みです" in later


def test_token_authenticates_api_requests_until_replaced(client, ward, verified_client):
    key = _issue(verified_client(ward.ward_officer))
    api = client.__class__()
    assert api.get(SCHEMA, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert api.get(SCHEMA, HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 403

    new_key = _issue(verified_client(ward.ward_officer))
    assert new_key != key
    assert api.get(SCHEMA, HTTP_AUTHORIZATION=f"Token {key}").status_code == 403
    assert api.get(SCHEMA, HTTP_AUTHORIZATION=f"Token {new_key}").status_code == 200
    assert [r.detail for r in audit_rows(AuditAction.CREATE)] == [
        {"replaced": False, "read_only": False, "days": 90},
        {"replaced": True, "read_only": False, "days": 90},
    ]


def test_revoked_token_stops_working(client, ward, verified_client):
    owner = verified_client(ward.ward_officer)
    key = _issue(owner)
    response = owner.post(reverse("accounts:tokens_revoke"), follow=True)
    assert response.redirect_chain == [(TOKENS, 302)]
    assert str(TOKEN_REVOKED_MESSAGE) in response.content.decode()
    assert not ApiToken.objects.exists()
    api = client.__class__()
    assert api.get(SCHEMA, HTTP_AUTHORIZATION=f"Token {key}").status_code == 403
    [row] = audit_rows(AuditAction.UPDATE)
    assert (row.target_type, row.detail) == ("api_token", {"revoked": True})

    again = owner.post(reverse("accounts:tokens_revoke"), follow=True)
    assert str(NO_TOKEN_MESSAGE) in again.content.decode()
    assert len(audit_rows(AuditAction.UPDATE)) == 1


def test_revoke_refuses_get(ward, verified_client):
    client = verified_client(ward.ward_officer)
    _issue(client)
    assert client.get(reverse("accounts:tokens_revoke")).status_code == 405
    assert ApiToken.objects.exists()
