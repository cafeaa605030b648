"""Sign-in, two-factor and API token pages."""

from .pages import (
    LOCKOUT_MESSAGE,
    LOGGED_OUT_MESSAGE,
    NO_TOKEN_MESSAGE,
    SETUP_DONE_MESSAGE,
    TOKEN_REVOKED_MESSAGE,
    SignInView,
    SignOutView,
    tokens,
    tokens_revoke,
    two_factor,
    two_factor_setup,
)

__all__ = [
    "LOCKOUT_MESSAGE",
    "LOGGED_OUT_MESSAGE",
    "NO_TOKEN_MESSAGE",
    "SETUP_DONE_MESSAGE",
    "TOKEN_REVOKED_MESSAGE",
    "SignInView",
    "SignOutView",
    "tokens",
    "tokens_revoke",
    "two_factor",
    "two_factor_setup",
]
