from django.urls import reverse
from rest_framework.authtoken.models import Token

from tsunagu.accounts.views import NO_TOKEN_MESSAGE, TOKEN_REVOKED_MESSAGE
from tsunagu.audit.models import AuditAction
from tsunagu.testing.accounts import audit_rows, sign_in

TOKENS = "/accounts/tokens/"
SCHEMA = "/api/schema/"
# The schema is open to anyone, but a request that presents a token is authenticated first: an unknown or
# revoked token is refused (403, since session authentication comes first and sends no WWW-Authenticate).


def _issue(client) -> str:
    response = client.post(TOKENS)
    assert response.status_code == 200
    return Token.objects.get(user=response.wsgi_request.user).key


def test_unverified_session_is_sent_to_the_second_factor_and_gets_no_token(client, ward):
    sign_in(client, "ward_officer")
    for response in (client.get(TOKENS), client.post(TOKENS), client.post(reverse("accounts:tokens_revoke"))):
        assert response.status_code == 302
        assert response.url == "/accounts/two-factor/?next=%2Faccounts%2Ftokens%2F"
    assert not Token.objects.exists()
    assert audit_rows(AuditAction.CREATE) == []


def test_community_member_also_needs_a_verified_session_for_a_token(client, ward):
    sign_in(client, "association_member")
    assert client.post(TOKENS).status_code == 302
    assert not Token.objects.exists()


def test_verified_user_gets_a_token_shown_once(ward, verified_client):
    client = verified_client(ward.ward_officer)
    page = client.get(TOKENS)
    assert page.status_code == 200
    assert "トークンは発行されていません。" in page.content.decode()

    response = client.post(TOKENS)
    html = response.content.decode()
    key = Token.objects.get(user=ward.ward_officer).key
    assert f'value="{key}"' in html
    assert '<label for="new-token">新しいトークン</label>' in html
    assert response["Cache-Control"].startswith("max-age=0")
    [row] = audit_rows(AuditAction.CREATE)
    assert (row.target_type, row.detail, row.actor_username) == ("api_token", {"replaced": False}, "ward_officer")
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
    assert [r.detail for r in audit_rows(AuditAction.CREATE)] == [{"replaced": False}, {"replaced": True}]


def test_revoked_token_stops_working(client, ward, verified_client):
    owner = verified_client(ward.ward_officer)
    key = _issue(owner)
    response = owner.post(reverse("accounts:tokens_revoke"), follow=True)
    assert response.redirect_chain == [(TOKENS, 302)]
    assert str(TOKEN_REVOKED_MESSAGE) in response.content.decode()
    assert not Token.objects.exists()
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
    assert Token.objects.exists()
