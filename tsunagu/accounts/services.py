"""Sign-in events and the credentials a user manages for themselves (TOTP devices, API tokens).

Each service makes its change and then writes its audit row, in one place."""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.audit.models import AuditAction
from tsunagu.audit.services import audit_record

from .models import ApiToken
from .selectors import (
    api_key_hash,
    api_token_allowed,
    api_token_for,
    has_confirmed_totp,
    is_verified,
    totp_devices,
)

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
TOKEN_NEEDS_TWO_FACTOR_MESSAGE = gettext_lazy(
    "職員のAPIトークンは、認証アプリ（二段階認証）を登録している利用者にだけ発行します。先に認証アプリを登録してください。"
)
TOKEN_USER_INACTIVE_MESSAGE = gettext_lazy("利用が停止されているアカウントには、APIトークンを発行できません。")

# Keys look like "tsn_" + 43 URL-safe characters (32 random bytes). The marker lets a secret scanner or a person
# recognise a leaked tsunagu key; the prefix kept in the database is the marker and the next 8 characters.
API_KEY_MARKER = "tsn_"
API_KEY_BYTES = 32
API_KEY_PREFIX_LENGTH = len(API_KEY_MARKER) + 8
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


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


@dataclass(frozen=True)
class IssuedApiToken:
    """A new token and its key. The key exists only here: the database keeps its hash."""

    token: ApiToken
    key: str


def api_token_issue(*, user, read_only: bool = False, request: HttpRequest | None = None) -> IssuedApiToken:  # noqa: ANN001
    """Issue `user` a new API token; an earlier one stops working (one token per user, so a user never has to
    wonder which of several keys is still out there). The only way to make a token (ApiToken.save refuses any
    other), so every token ever issued has its audit row.

    A user who must pass TOTP on the pages gets a token only while they have a confirmed authenticator."""
    if not user.is_active:
        raise PermissionDenied(TOKEN_USER_INACTIVE_MESSAGE)
    if not api_token_allowed(user):
        raise PermissionDenied(TOKEN_NEEDS_TWO_FACTOR_MESSAGE)
    key = API_KEY_MARKER + secrets.token_urlsafe(API_KEY_BYTES)
    now = timezone.now()
    days = settings.TSUNAGU_API_TOKEN_DAYS
    with transaction.atomic():
        # Two issues at once for one user wait for each other here, so the second replaces the first instead of
        # failing on the one-token-per-user constraint.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        replaced, _ = ApiToken.objects.filter(user=user).delete()
        token = ApiToken(
            user=user,
            prefix=key[:API_KEY_PREFIX_LENGTH],
            key_hash=api_key_hash(key),
            read_only=read_only,
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
        token.save(issue=True)
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            target_type="api_token",
            target_ids=[token.pk],
            detail={"replaced": bool(replaced), "read_only": read_only, "days": days},
            request=request,
        )
    return IssuedApiToken(token=token, key=key)


def api_token_create(*, request: HttpRequest, read_only: bool = False) -> IssuedApiToken:
    """The tokens page: issue a token to the signed-in user, whose session must have passed the second factor."""
    if not is_verified(request.user):
        raise PermissionDenied(VERIFICATION_REQUIRED_MESSAGE)
    return api_token_issue(user=request.user, read_only=read_only, request=request)


def api_token_delete(*, token: ApiToken, actor, request: HttpRequest | None = None) -> None:  # noqa: ANN001
    """Revoke one token. An admin revoking someone else's token is named in the row with the owner."""
    detail: dict = {"revoked": True}
    if actor is None or actor.pk != token.user_id:
        detail["user"] = token.user.get_username()
    with transaction.atomic():
        token_id = token.pk
        token.delete()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target_type="api_token", target_ids=[token_id], detail=detail,
            request=request,
        )


def api_token_revoke(*, request: HttpRequest) -> bool:
    """Revoke the signed-in user's API token. Returns whether there was one."""
    user = request.user
    if not is_verified(user):
        raise PermissionDenied(VERIFICATION_REQUIRED_MESSAGE)
    token = api_token_for(user)
    if token is None:
        return False
    api_token_delete(token=token, actor=user, request=request)
    return True


def api_token_touch(*, token: ApiToken) -> None:
    """Note that the token was used. At most once a minute per token: the time is for the owner's overview
    ("last used"), not an access log (the audit log is that), and an API client should not cost a write each call."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
