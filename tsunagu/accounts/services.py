"""Sign-in events and the credentials a user manages for themselves (TOTP devices, API tokens).

Each service makes its change and then writes its audit row, in one place."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record

from .selectors import has_confirmed_totp, is_verified, totp_devices

STAGE_PASSWORD = "password"  # noqa: S105 - the name of a sign-in stage, not a password
STAGE_TOTP = "totp"
STAGE_TOTP_SETUP = "totp_setup"

TOTP_DEVICE_NAME = "認証アプリ"

INVALID_CODE_MESSAGE = gettext_lazy(
    "確認コードが正しくありません。認証アプリに表示されている6桁の数字を入力してください。"
)
THROTTLED_MESSAGE = gettext_lazy(
    "確認コードの誤りが続いたため、受付を一時的に止めています。少し待ってから、新しいコードを入力してください。"
)
SETUP_NOT_ALLOWED_MESSAGE = gettext_lazy(
    "認証アプリはすでに登録されています。登録済みのアプリで確認コードを入力してください。"
)
VERIFICATION_REQUIRED_MESSAGE = gettext_lazy("この操作の前に、二段階認証の確認コードを入力してください。")


def login_record(*, request: HttpRequest, user, stage: str) -> None:  # noqa: ANN001
    audit_record(actor=user, action=AuditAction.LOGIN, detail={"stage": stage}, request=request)


def login_failure_record(
    *,
    request: HttpRequest | None,
    username: str,
    stage: str,
    user=None,  # noqa: ANN001 - set when the password already passed (a wrong TOTP code)
    detail: dict | None = None,
) -> None:
    audit_record(
        actor=user,
        action=AuditAction.LOGIN_FAILED,
        detail={"stage": stage, **(detail or {})},
        request=request,
        username=username,
    )


def logout_record(*, request: HttpRequest, user) -> None:  # noqa: ANN001
    audit_record(actor=user, action=AuditAction.LOGOUT, request=request)


def _second_factor_passed(*, request: HttpRequest, device: TOTPDevice) -> None:
    # The session gains privileges here, so it gets a new key (as django.contrib.auth.login does for the password).
    request.session.cycle_key()
    otp_login(request, device)
    login_record(request=request, user=request.user, stage=STAGE_TOTP)


def _check_code(*, request: HttpRequest, user, devices: list[TOTPDevice], token: str, stage: str) -> TOTPDevice:  # noqa: ANN001
    """The device that accepts `token`, or a ValidationError. A failure is counted on the device (django-otp's
    growing delay) and audited; the count must survive the refusal, so nothing here is rolled back."""
    matched: TOTPDevice | None = None
    throttled = 0
    for candidate in devices:
        with transaction.atomic():
            # Locking the row keeps two parallel guesses from both passing the throttle check.
            device = TOTPDevice.objects.select_for_update().get(pk=candidate.pk)
            if not device.verify_is_allowed()[0]:
                throttled += 1
                continue
            if device.verify_token(token):
                matched = device
                break
    if matched is not None:
        return matched
    if devices and throttled == len(devices):
        login_failure_record(
            request=request, username=user.get_username(), user=user, stage=stage, detail={"throttled": True}
        )
        raise ValidationError(THROTTLED_MESSAGE, code="throttled")
    login_failure_record(request=request, username=user.get_username(), user=user, stage=stage)
    raise ValidationError(INVALID_CODE_MESSAGE, code="invalid")


def totp_verify(*, request: HttpRequest, token: str) -> TOTPDevice:
    """Check a code against the signed-in user's confirmed devices; on success the session is verified."""
    user = request.user
    device = _check_code(request=request, user=user, devices=totp_devices(user), token=token, stage=STAGE_TOTP)
    _second_factor_passed(request=request, device=device)
    return device


def totp_setup_allowed(*, user) -> bool:  # noqa: ANN001
    """A first device may be registered after the password alone; another one only from a verified session.
    Otherwise a stolen password would be enough to add the thief's own authenticator."""
    return not has_confirmed_totp(user) or is_verified(user)


def totp_device_start(*, user) -> TOTPDevice:  # noqa: ANN001
    """The unconfirmed device whose QR code the setup page shows. Reloading the page keeps the same secret."""
    if not totp_setup_allowed(user=user):
        raise PermissionDenied(SETUP_NOT_ALLOWED_MESSAGE)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_device_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm a new device with its first code, then treat the session as verified with it."""
    user = request.user
    if device.user_id != user.pk or device.confirmed or not totp_setup_allowed(user=user):
        raise PermissionDenied(SETUP_NOT_ALLOWED_MESSAGE)
    device = _check_code(request=request, user=user, devices=[device], token=token, stage=STAGE_TOTP_SETUP)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_record(
        actor=user, action=AuditAction.CREATE, target_type="totp_device", target_ids=[device.pk], request=request
    )
    _second_factor_passed(request=request, device=device)
    return device


def api_token_create(*, request: HttpRequest) -> Token:
    """Issue a new API token for the signed-in, verified user; an earlier token stops working."""
    user = request.user
    if not is_verified(user):
        raise PermissionDenied(VERIFICATION_REQUIRED_MESSAGE)
    with transaction.atomic():
        replaced, _ = Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
    audit_record(
        actor=user, action=AuditAction.CREATE, target_type="api_token", detail={"replaced": bool(replaced)},
        request=request,
    )
    return token


def api_token_revoke(*, request: HttpRequest) -> bool:
    """Revoke the signed-in user's API token. Returns whether there was one."""
    user = request.user
    if not is_verified(user):
        raise PermissionDenied(VERIFICATION_REQUIRED_MESSAGE)
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(
            actor=user, action=AuditAction.UPDATE, target_type="api_token", detail={"revoked": True}, request=request
        )
    return bool(deleted)
