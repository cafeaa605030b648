import pytest
from django.test import override_settings

from tsunagu.accounts.permissions import TWO_FACTOR_REQUIRED_API_MESSAGE
from tsunagu.testing.accounts import issued_key, sign_in

PROBE = "/api/probe/"
pytestmark = pytest.mark.urls("tsunagu.accounts.tests.probe_urls")


def test_staff_session_without_second_factor_is_refused(client, ward):
    sign_in(client, "ward_officer")
    response = client.get(PROBE)
    assert response.status_code == 403
    assert response.json() == {"detail": str(TWO_FACTOR_REQUIRED_API_MESSAGE)}


def test_staff_session_after_second_factor_passes(ward, verified_client):
    response = verified_client(ward.ward_officer).get(PROBE)
    assert response.status_code == 200
    assert response.json() == {"user": "ward_officer"}


def test_staff_token_passes_without_a_session(client, ward):
    key = issued_key(ward.ward_officer)  # with the confirmed authenticator a staff token requires
    response = client.get(PROBE, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json() == {"user": "ward_officer"}


def test_community_session_needs_no_second_factor(client, ward):
    sign_in(client, "association_member")
    assert client.get(PROBE).status_code == 200


@override_settings(TSUNAGU_REQUIRE_2FA=False)
def test_staff_session_passes_when_two_factor_is_switched_off(client, ward):
    sign_in(client, "ward_officer")
    assert client.get(PROBE).status_code == 200


@pytest.mark.django_db
def test_anonymous_is_refused_as_not_signed_in(client):
    response = client.get(PROBE)
    assert response.status_code == 403
    assert response.json() != {"detail": str(TWO_FACTOR_REQUIRED_API_MESSAGE)}
