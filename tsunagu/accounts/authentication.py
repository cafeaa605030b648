"""API token authentication: `Authorization: Token <key>` against accounts.models.ApiToken.

Besides the key, every request checks what can change after the token was issued: the expiry, the user still
being active, and — for a user who must pass TOTP on the pages (staff) — a confirmed authenticator still being
registered. A read-only token is refused for any method that is not safe (GET, HEAD, OPTIONS). These checks are
made here, during authentication, rather than in a permission class, so that a view with its own
permission_classes cannot skip them."""

from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from .models import ApiToken
from .selectors import api_token_allowed, api_token_by_key
from .services import api_token_touch

# An unknown key and an inactive user get DRF's AuthenticationFailed, which the API answers with one generic
# message (tsunagu.core.api.AUTHENTICATION_FAILED_MESSAGE): guessing keys teaches nothing. A known token that may
# not be used now gets a 403 that says why, so its owner knows what to do; the exception handler keeps the
# Japanese message of a PermissionDenied.
TOKEN_EXPIRED_MESSAGE = gettext_lazy(
    "このAPIトークンは有効期限が切れています。「APIトークン」の画面で新しいトークンを発行してください。"
)
TOKEN_TWO_FACTOR_MISSING_MESSAGE = gettext_lazy(
    "認証アプリ（二段階認証）の登録がないため、この職員のAPIトークンは使えません。認証アプリを登録してから、"
    "トークンを発行し直してください。"
)
TOKEN_READ_ONLY_MESSAGE = gettext_lazy(
    "このAPIトークンは読み取り専用です。データを変更する操作には、読み取り専用でないトークンが必要です。"
)


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # not ours: another authenticator (the session) may apply
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed from None
        token = api_token_by_key(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed
        self._check_usable(token, request)
        api_token_touch(token=token)
        return token.user, token

    @staticmethod
    def _check_usable(token: ApiToken, request: Request) -> None:
        if token.expires_at <= timezone.now():
            raise exceptions.PermissionDenied(TOKEN_EXPIRED_MESSAGE)
        if not api_token_allowed(token.user):
            raise exceptions.PermissionDenied(TOKEN_TWO_FACTOR_MISSING_MESSAGE)
        if token.read_only and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(TOKEN_READ_ONLY_MESSAGE)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
