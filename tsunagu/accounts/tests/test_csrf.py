import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from django_otp import login as otp_login

from tsunagu.accounts.models import ApiToken
from tsunagu.testing.accounts import confirmed_device, is_signed_in
from tsunagu.testing.factories import PASSWORD

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "accounts"
POST_URLS = [
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/accounts/two-factor/setup/",
    "/accounts/tokens/",
    "/accounts/tokens/revoke/",
]


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _verified_csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    session = client.session
    otp_login(SimpleNamespace(session=session, user=user), confirmed_device(user))
    session.save()
    return client


def test_every_form_template_carries_a_csrf_token():
    templates = sorted(TEMPLATES.rglob("*.html"))
    forms = 0
    for template in templates:
        text = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form\b.*?</form>", text, flags=re.DOTALL):
            forms += 1
            assert 'method="post"' in form, template.name
            assert "{% csrf_token %}" in form, template.name
    assert forms >= 6  # login, two-factor, setup, two token forms, sign-out


@pytest.mark.parametrize("url", POST_URLS)
def test_post_without_csrf_token_is_refused(url, ward):
    client = _verified_csrf_client(ward.ward_officer)
    response = client.post(url, {"username": "ward_officer", "password": "x", "otp_token": "123456"})
    assert response.status_code == 403
    assert is_signed_in(client)
    assert not ApiToken.objects.exists()


def test_login_with_the_pages_csrf_token_works(ward):
    client = Client(enforce_csrf_checks=True)
    token = _csrf_token(client.get("/accounts/login/").content.decode())
    assert client.post("/accounts/login/", {"username": "association_member", "password": "x"}).status_code == 403
    response = client.post(
        "/accounts/login/",
        {"username": "association_member", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert is_signed_in(client)


def test_token_form_with_csrf_token_works(ward):
    client = _verified_csrf_client(ward.ward_officer)
    token = _csrf_token(client.get("/accounts/tokens/").content.decode())
    assert client.post("/accounts/tokens/", {"csrfmiddlewaretoken": token}).status_code == 200
    assert ApiToken.objects.filter(user=ward.ward_officer).exists()
