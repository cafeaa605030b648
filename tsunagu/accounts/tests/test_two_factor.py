import base64
import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.forms import CODE_FORMAT_MESSAGE
from tsunagu.accounts.services import (
    INVALID_CODE_MESSAGE,
    THROTTLED_MESSAGE,
    totp_device_start,
)
from tsunagu.accounts.views import SETUP_DONE_MESSAGE
from tsunagu.audit.models import AuditAction
from tsunagu.testing.accounts import audit_rows, code_for, confirmed_device, sign_in, wrong_code_for

TWO_FACTOR = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/setup/"


def _reaches_home(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


def test_first_sign_in_registers_an_authenticator_and_later_sign_ins_use_it(client, ward):
    sign_in(client, "ward_officer")
    assert client.get(TWO_FACTOR).url == SETUP

    page = client.get(SETUP)
    html = page.content.decode()
    [device] = TOTPDevice.objects.filter(user=ward.ward_officer)
    assert device.confirmed is False
    assert re.search(r'<svg role="img" width="(\d+)" height="\1" viewBox="0 0 \1 \1" class="qr-code">', html)
    assert 'class="qr-code"' in html
    assert "<title>認証アプリ用のQRコード</title>" in html
    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html
    assert "tsunagu:ward_officer" in html
    assert page["Cache-Control"].startswith("max-age=0")
    # Reloading keeps the same secret rather than piling up devices.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=ward.ward_officer).count() == 1
    assert not _reaches_home(client)

    response = client.post(SETUP, {"otp_token": code_for(device)}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert str(SETUP_DONE_MESSAGE) in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is True
    assert _reaches_home(client)
    [created] = audit_rows(AuditAction.CREATE)
    assert (created.target_type, created.target_ids) == ("totp_device", [device.pk])
    assert [r.detail for r in audit_rows(AuditAction.LOGIN)] == [{"stage": "password"}, {"stage": "totp"}]

    client.post(reverse("accounts:logout"))
    assert sign_in(client, "ward_officer").url == TWO_FACTOR
    assert not _reaches_home(client)
    page = client.get(TWO_FACTOR)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()
    assert 'inputmode="numeric"' in page.content.decode()
    # The code of the next period: the one used for setup may not be replayed.
    response = client.post(TWO_FACTOR, {"otp_token": code_for(device, steps_ahead=1)})
    assert response.status_code == 302
    assert response.url == "/"
    assert _reaches_home(client)
    assert TOTPDevice.objects.filter(user=ward.ward_officer).count() == 1


def test_a_used_code_cannot_be_replayed(client, ward):
    device = confirmed_device(ward.ward_officer)
    code = code_for(device)
    sign_in(client, "ward_officer")
    assert client.post(TWO_FACTOR, {"otp_token": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "ward_officer")
    response = client.post(TWO_FACTOR, {"otp_token": code})
    assert response.status_code == 200
    assert str(INVALID_CODE_MESSAGE) in response.content.decode()


def test_wrong_code_is_refused_in_japanese_and_audited(client, ward):
    device = confirmed_device(ward.ward_officer)
    sign_in(client, "ward_officer")
    response = client.post(TWO_FACTOR, {"otp_token": wrong_code_for(device)})
    html = response.content.decode()
    assert response.status_code == 200
    assert str(INVALID_CODE_MESSAGE) in html
    assert 'aria-describedby="id_otp_token_helptext id_otp_token_error"' in html
    assert 'id="id_otp_token_error"' in html
    assert not _reaches_home(client)
    [failed] = audit_rows(AuditAction.LOGIN_FAILED)
    assert failed.actor_username == "ward_officer"
    assert failed.actor_id_value == ward.ward_officer.pk
    assert failed.detail == {"stage": "totp"}
    assert [r.detail for r in audit_rows(AuditAction.LOGIN)] == [{"stage": "password"}]


# A minute's delay after one failure (instead of a second) so a slow test run cannot slip past the throttle.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_right_code_right_after_a_wrong_one_waits_for_the_throttle(client, ward):
    device = confirmed_device(ward.ward_officer)
    sign_in(client, "ward_officer")
    client.post(TWO_FACTOR, {"otp_token": wrong_code_for(device)})
    response = client.post(TWO_FACTOR, {"otp_token": code_for(device)})
    assert response.status_code == 200
    assert str(THROTTLED_MESSAGE) in response.content.decode()
    assert audit_rows(AuditAction.LOGIN_FAILED)[-1].detail == {"stage": "totp", "throttled": True}

    # Once the delay has passed, the right code works.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the refused-while-throttled attempt is not counted again
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - datetime.timedelta(minutes=2)
    )
    response = client.post(TWO_FACTOR, {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert _reaches_home(client)


def test_full_width_digits_and_spaces_are_accepted(client, ward):
    device = confirmed_device(ward.ward_officer)
    sign_in(client, "ward_officer")
    code = code_for(device)
    typed = code[:3].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "　" + code[3:]
    assert client.post(TWO_FACTOR, {"otp_token": typed}).status_code == 302
    assert _reaches_home(client)


def test_malformed_code_is_refused_without_spending_an_attempt(client, ward):
    device = confirmed_device(ward.ward_officer)
    sign_in(client, "ward_officer")
    response = client.post(TWO_FACTOR, {"otp_token": "12ab"})
    assert str(CODE_FORMAT_MESSAGE) in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert audit_rows(AuditAction.LOGIN_FAILED) == []


def test_requested_page_follows_the_second_factor_but_only_on_this_site(client, ward):
    device = confirmed_device(ward.ward_officer)
    sign_in(client, "ward_officer", next_url="/people/")
    response = client.post(TWO_FACTOR, {"otp_token": code_for(device), "next": "/people/"})
    assert response.url == "/people/"

    client.post(reverse("accounts:logout"))
    sign_in(client, "ward_officer")
    response = client.post(TWO_FACTOR, {"otp_token": code_for(device, steps_ahead=1), "next": "https://evil.example/"})
    assert response.url == "/"


def test_verified_session_skips_the_code_page(ward, verified_client):
    client = verified_client(ward.ward_officer)
    response = client.get(f"{TWO_FACTOR}?next=/people/")
    assert response.status_code == 302
    assert response.url == "/people/"


@pytest.mark.django_db
def test_code_pages_need_a_password_sign_in_first(client):
    for url in (TWO_FACTOR, SETUP):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_password_alone_cannot_register_a_second_authenticator(client, ward):
    device = confirmed_device(ward.ward_officer)
    sign_in(client, "ward_officer")
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url == TWO_FACTOR
    response = client.post(SETUP, {"otp_token": "123456"})
    assert response.url == TWO_FACTOR
    assert list(TOTPDevice.objects.filter(user=ward.ward_officer)) == [device]
    with pytest.raises(PermissionDenied):
        totp_device_start(user=ward.ward_officer)


def test_verified_user_may_add_another_authenticator(ward, verified_client):
    client = verified_client(ward.ward_officer)
    assert client.get(SETUP).status_code == 200
    assert TOTPDevice.objects.filter(user=ward.ward_officer, confirmed=False).count() == 1


def test_wrong_code_during_setup_leaves_the_device_unconfirmed(client, ward):
    sign_in(client, "ward_officer")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=ward.ward_officer)
    response = client.post(SETUP, {"otp_token": wrong_code_for(device)})
    assert response.status_code == 200
    assert str(INVALID_CODE_MESSAGE) in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert audit_rows(AuditAction.LOGIN_FAILED)[-1].detail == {"stage": "totp_setup"}
    assert audit_rows(AuditAction.CREATE) == []
    assert not _reaches_home(client)


def test_community_member_is_not_asked_but_may_register_one(client, ward):
    assert sign_in(client, "association_member").url == "/"
    assert _reaches_home(client)
    assert client.get(SETUP).status_code == 200


@override_settings(TSUNAGU_REQUIRE_2FA=False)
def test_staff_is_not_stopped_when_two_factor_is_switched_off(client, ward):
    confirmed_device(ward.ward_officer)
    assert sign_in(client, "ward_officer").url == "/"
    assert _reaches_home(client)
