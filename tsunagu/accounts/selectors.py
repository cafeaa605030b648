"""Reads about a user's sign-in state: whether the second factor applies and which devices they hold."""

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from tsunagu.organisations.selectors import has_staff_membership


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


def api_token_for(user) -> Token | None:  # noqa: ANN001
    return Token.objects.filter(user=user).first()
