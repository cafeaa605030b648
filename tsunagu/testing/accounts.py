"""Shared steps for the sign-in tests."""

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.accounts.selectors import has_confirmed_totp, two_factor_required
from tsunagu.accounts.services import api_token_issue
from tsunagu.audit.models import AuditEntry
from tsunagu.testing.factories import PASSWORD


def sign_in(client: Client, username: str, password: str = PASSWORD, *, next_url: str = "", remote_addr: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    meta = {"REMOTE_ADDR": remote_addr} if remote_addr else {}
    return client.post(reverse("accounts:login"), data, **meta)


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods later, still within the tolerance)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A well-formed code that no step in the device's tolerance window accepts."""
    valid = {code_for(device, steps_ahead=s) for s in range(-device.tolerance - 1, device.tolerance + 2)}
    return next(c for c in (f"{n:06d}" for n in range(1000000)) if c not in valid)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)


def audit_rows(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def issued_key(user, *, read_only: bool = False) -> str:
    """An API key for `user`, issued by the one issuing service (which writes its audit row). A staff user is
    issued one only with a confirmed authenticator, so one is registered first, as the tokens page requires."""
    if two_factor_required(user) and not has_confirmed_totp(user):
        confirmed_device(user)
    return api_token_issue(user=user, read_only=read_only).key


def token_client(user, *, read_only: bool = False) -> Client:
    """A test client that sends `user`'s API token (issued by issued_key) with every request."""
    return Client(headers={"Authorization": f"Token {issued_key(user, read_only=read_only)}"})


def last_audit() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()
