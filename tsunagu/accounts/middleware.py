"""Staff roles must pass a TOTP check before reaching any page (see accounts.selectors.two_factor_required)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

# Paths a signed-in staff member may reach before the second factor: the 2FA pages themselves and sign-out.
# /api/ is checked per request by tsunagu.accounts.permissions.VerifiedStaffForSession instead.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not user.is_verified()
        ):
            from .selectors import two_factor_required

            if two_factor_required(user):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:two_factor')}?{query}")
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """When a session has expired during a live search, an htmx request would otherwise follow the redirect
    and paint the login page inside the results. Tell htmx to load the login page as a whole page instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code == 302:
            location = response.get("Location", "")
            if location.startswith((reverse("accounts:login"), reverse("accounts:two_factor"))):
                return HttpResponseClientRedirect(location)
        return response
