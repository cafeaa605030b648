"""Reads about a user's sign-in state: whether the second factor applies, which devices and API token they hold."""

import hashlib

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tsunagu.organisations.selectors import has_staff_membership

from .models import ApiToken


def two_factor_required(user) -> bool:  # noqa: ANN001 - a User or an AnonymousUser
    """Whether this user must pass TOTP before reaching pages or the session API."""
    if not settings.TSUNAGU_REQUIRE_2FA or user is None or not user.is_authenticated:
        return False
    # Staff roles (ward, 社協, care plaza) see personal data in full; community members sign in with a password.
    return bool(getattr(user, "is_superuser", False)) or has_staff_membership(user, timezone.localdate())


def is_verified(user) -> bool:  # noqa: ANN001
    """True when the session passed the second factor (OTPMiddleware adds `is_verified` to the user)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def totp_devices(user, *, confirmed: bool = True) -> list[TOTPDevice]:  # noqa: ANN001
    return list(TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk"))


def has_confirmed_totp(user) -> bool:  # noqa: ANN001
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def api_token_for(user) -> ApiToken | None:  # noqa: ANN001
    return ApiToken.objects.filter(user=user).first()


def api_key_hash(key: str) -> str:
    """What the database keeps of a key. A plain SHA-256 is enough: the key is 256 random bits, so there is
    nothing to guess that a slow, salted hash would protect; and an exact hash can be looked up by index."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_by_key(key: str) -> ApiToken | None:
    """The token whose key this is, with its user, or None."""
    return ApiToken.objects.select_related("user").filter(key_hash=api_key_hash(key)).first()


def api_token_allowed(user) -> bool:  # noqa: ANN001
    """Whether this user may hold and use an API token: a user who must pass TOTP on the pages (staff) only
    while they have a confirmed authenticator, so a token never outlives the second factor it stands in for."""
    return not two_factor_required(user) or has_confirmed_totp(user)
