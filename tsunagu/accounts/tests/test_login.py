import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tsunagu.accounts.forms import (
    FORM_ERRORS_ID,
    INVALID_LOGIN_MESSAGE,
    PASSWORD_REQUIRED_MESSAGE,
    USERNAME_REQUIRED_MESSAGE,
)
from tsunagu.accounts.views import LOCKOUT_MESSAGE, LOGGED_OUT_MESSAGE
from tsunagu.audit.models import AuditAction
from tsunagu.testing.accounts import audit_rows, is_signed_in, sign_in

LOGIN_URL = "/accounts/login/"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "accounts"


# The page itself


@pytest.mark.django_db
def test_login_page_is_japanese_labelled_and_fits_a_phone(client):
    response = client.get(LOGIN_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert '<label for="id_username">ログインID</label>' in html
    assert '<label for="id_password">パスワード</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "ログインする" in html
    assert 'style="' not in html


@pytest.mark.django_db
def test_empty_form_names_each_missing_field_next_to_its_input(client):
    response = client.post(LOGIN_URL, {"username": "", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert str(USERNAME_REQUIRED_MESSAGE) in html
    assert str(PASSWORD_REQUIRED_MESSAGE) in html
    assert 'aria-describedby="id_username_error"' in html
    assert 'id="id_username_error"' in html
    assert 'aria-invalid="true"' in html
    assert audit_rows(AuditAction.LOGIN_FAILED) == []  # nothing was tried against an account


# Success and refusal side by side


def test_wrong_password_is_refused_with_a_linked_message_and_audited(client, ward):
    response = sign_in(client, "association_member", "not-the-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert not is_signed_in(client)
    assert str(INVALID_LOGIN_MESSAGE) in html
    assert f'id="{FORM_ERRORS_ID}"' in html
    assert html.count(f'aria-describedby="{FORM_ERRORS_ID}"') == 2  # both inputs point at the message
    [row] = audit_rows(AuditAction.LOGIN_FAILED)
    assert row.actor_id_value is None
    assert row.actor_username == "association_member"
    assert row.detail == {"stage": "password"}
    assert row.ip_address == "127.0.0.1"
    assert audit_rows(AuditAction.LOGIN) == []


def test_unknown_username_is_audited_with_the_name_tried(client, ward):
    sign_in(client, "no-such-person")
    [row] = audit_rows(AuditAction.LOGIN_FAILED)
    assert row.actor_username == "no-such-person"


def test_community_member_signs_in_with_password_only(client, ward):
    response = sign_in(client, "association_member")
    assert response.status_code == 302
    assert response.url == "/"
    assert is_signed_in(client)
    assert client.get("/").status_code == 200
    [row] = audit_rows(AuditAction.LOGIN)
    assert row.actor_id_value == ward.association_member.pk
    assert row.detail == {"stage": "password"}
    assert audit_rows(AuditAction.LOGIN_FAILED) == []


def test_staff_member_is_sent_to_the_second_factor_and_cannot_reach_home(client, ward):
    response = sign_in(client, "ward_officer")
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor")
    assert is_signed_in(client)
    home = client.get("/")
    assert home.status_code == 302
    assert home.url == "/accounts/two-factor/?next=%2F"
    # A staff member without a device is taken on to register one.
    assert client.get(response.url).url == reverse("accounts:two_factor_setup")


def test_middleware_keeps_the_whole_requested_address(client, ward):
    sign_in(client, "ward_officer")
    response = client.get("/people/?q=%E9%AB%99%E6%A9%8B&page=2")  # 髙橋, as a browser sends it
    assert response.status_code == 302
    assert response.url == "/accounts/two-factor/?next=%2Fpeople%2F%3Fq%3D%25E9%25AB%2599%25E6%25A9%258B%26page%3D2"


def test_requested_page_is_kept_through_the_second_factor(client, ward):
    response = sign_in(client, "ward_officer", next_url="/people/")
    assert response.url == "/accounts/two-factor/?next=%2Fpeople%2F"


def test_next_on_another_site_is_ignored(client, ward):
    response = sign_in(client, "association_member", next_url="https://evil.example/")
    assert response.url == "/"
    client.logout()
    response = sign_in(client, "ward_officer", next_url="//evil.example/")
    assert response.url == reverse("accounts:two_factor")


@override_settings(TSUNAGU_REQUIRE_2FA=False)
def test_switching_two_factor_off_lets_staff_in_with_a_password(client, ward):
    response = sign_in(client, "ward_officer")
    assert response.url == "/"
    assert client.get("/").status_code == 200


def test_signed_in_user_visiting_login_goes_on(client, ward):
    sign_in(client, "association_member")
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response.url == "/"


# Throttling and lockout (django-axes: 5 failures per username and address, 30 minutes)


def test_fifth_failure_locks_and_even_the_right_password_is_then_refused(client, ward):
    for _ in range(4):
        response = sign_in(client, "ward_officer", "wrong-password")
        assert response.status_code == 200
        assert str(INVALID_LOGIN_MESSAGE) in response.content.decode()

    fifth = sign_in(client, "ward_officer", "wrong-password")
    assert fifth.status_code == 429
    assert str(LOCKOUT_MESSAGE) in fifth.content.decode()

    sixth = sign_in(client, "ward_officer")  # the right password
    assert sixth.status_code == 429
    assert str(LOCKOUT_MESSAGE) in sixth.content.decode()
    assert not is_signed_in(client)
    assert audit_rows(AuditAction.LOGIN) == []
    failures = audit_rows(AuditAction.LOGIN_FAILED)
    assert len(failures) == 6
    assert failures[-1].detail == {"stage": "password", "locked_out": True}
    assert failures[0].detail == {"stage": "password"}


def test_lockout_is_per_username_and_address(client, ward):
    for _ in range(5):
        sign_in(client, "ward_officer", "wrong-password")
    assert sign_in(client, "ward_officer").status_code == 429
    # The same account from another address, and another account from the same address, still work.
    assert sign_in(client, "ward_officer", remote_addr="192.0.2.10").status_code == 302
    client.logout()
    assert sign_in(client, "association_member").status_code == 302


def test_success_resets_the_failure_count(client, ward):
    for _ in range(4):
        sign_in(client, "association_member", "wrong-password")
    assert sign_in(client, "association_member").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert sign_in(client, "association_member", "wrong-password").status_code == 200
    assert sign_in(client, "association_member").status_code == 302


def test_lockout_template_carries_the_lockout_sentence():
    assert str(LOCKOUT_MESSAGE) == (
        "ログインに続けて失敗したため、一時的にロックしました。30分後にもう一度お試しください。"
    )
    assert str(LOCKOUT_MESSAGE) in (TEMPLATES / "lockout.html").read_text(encoding="utf-8")
    assert settings.AXES_LOCKOUT_TEMPLATE == "accounts/lockout.html"
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=30)


# Sign-out


def test_logout_refuses_get(client, ward):
    sign_in(client, "association_member")
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert is_signed_in(client)
    assert audit_rows(AuditAction.LOGOUT) == []


def test_logout_by_post_ends_the_session_and_is_audited(client, ward):
    sign_in(client, "association_member")
    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain == [(LOGIN_URL, 302)]
    assert str(LOGGED_OUT_MESSAGE) in response.content.decode()
    assert not is_signed_in(client)
    [row] = audit_rows(AuditAction.LOGOUT)
    assert row.actor_id_value == ward.association_member.pk
    assert row.actor_username == "association_member"


# Sessions


def test_session_settings_end_idle_and_closed_browser_sessions():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_session_lasts_thirty_idle_minutes_and_dies_with_the_browser(client, ward):
    response = sign_in(client, "association_member")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""  # a browser-session cookie: gone when the browser closes
    assert cookie["expires"] == ""
    assert cookie["httponly"] is True
    session = client.session
    assert session.get_expire_at_browser_close() is True
    stored = Session.objects.get(session_key=session.session_key)
    remaining = (stored.expire_date - timezone.now()).total_seconds()
    assert 30 * 60 - 60 < remaining <= 30 * 60


def test_idle_session_past_its_age_is_signed_out(client, ward):
    sign_in(client, "association_member")
    assert client.get("/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


# The admin signs in through the same page


@pytest.mark.django_db
def test_admin_sign_in_goes_through_the_login_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/"
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response.url == "/accounts/login/?next=/admin/"


def test_admin_refuses_signed_in_non_staff(client, ward):
    sign_in(client, "association_member")
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_admin_logout_is_audited(client, ward, verified_client):
    ward.ward_officer.is_staff = True
    ward.ward_officer.save(update_fields=["is_staff"])
    verified = verified_client(ward.ward_officer)
    assert verified.get("/admin/login/?next=/admin/").url == "/admin/"
    response = verified.post("/admin/logout/")
    assert response.status_code == 302
    assert not is_signed_in(verified)
    [row] = audit_rows(AuditAction.LOGOUT)
    assert row.actor_username == "ward_officer"


def test_admin_user_page_shows_the_display_name(ward, verified_client):
    ward.ward_officer.is_staff = True
    ward.ward_officer.is_superuser = True
    ward.ward_officer.save(update_fields=["is_staff", "is_superuser"])
    client = verified_client(ward.ward_officer)
    assert client.get("/admin/accounts/user/?q=ward").status_code == 200
    response = client.get(f"/admin/accounts/user/{ward.association_member.pk}/change/")
    assert response.status_code == 200
    assert 'name="display_name"' in response.content.decode()
