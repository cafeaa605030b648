"""API permission: the session API follows the same second-factor rule as the pages.

TwoFactorRequiredMiddleware leaves /api/ alone, because token clients cannot answer a redirect to a TOTP page.
So for a request signed in with the browser session, a staff user must have passed TOTP in that session.
A token request passes here: a staff user's token is issued only to a user with a confirmed authenticator, and
tsunagu.accounts.authentication checks on every request that the authenticator is still registered."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module through its settings: no runtime import
    from rest_framework.views import APIView

from .authentication import ApiTokenAuthentication
from .selectors import is_verified, two_factor_required

TWO_FACTOR_REQUIRED_API_MESSAGE = gettext_lazy(
    "二段階認証が済んでいません。画面で確認コードを入力してから、もう一度お試しください。"
)


class VerifiedStaffForSession(BasePermission):
    """Signed in, and for a session that needs the second factor, verified. Works alone or next to IsAuthenticated."""

    message = TWO_FACTOR_REQUIRED_API_MESSAGE

    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = request.user
        if user is None or not user.is_authenticated:
            return False
        if isinstance(request.successful_authenticator, ApiTokenAuthentication):
            return True
        return not two_factor_required(user) or is_verified(user)
