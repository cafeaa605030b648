"""Middleware that needs no tsunagu app: the language rule and the cache rule for personal data."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Every JSON API URL starts here (config/urls.py).
API_PREFIX = "/api/"


class JapaneseFirstMiddleware:
    """Pages are Japanese unless the user chose English with the language switcher (a cookie).

    A browser's Accept-Language is ignored on purpose: shared ward PCs and personal phones are often set to
    English while the staff and the residents' records are Japanese. Placed before LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response that may hold personal data, decided once here instead of
    view by view: every response to a signed-in user (pages, htmx fragments, exports, maps' GeoJSON) and every
    API response (a token client has no session, and an error body can name what was asked for). A browser, a
    shared ward PC's disk cache or a proxy then keeps none of it.

    Left alone: static files (no personal data; they should be cached), and a response that already says
    no-store (e.g. never_cache's fuller header, or a view's own). Placed after AuthenticationMiddleware, so the
    user is known; needs no tsunagu app."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self._may_hold_personal_data(request) and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, no_store=True, private=True)
        return response

    @staticmethod
    def _may_hold_personal_data(request: HttpRequest) -> bool:
        path = request.path_info
        static_url = settings.STATIC_URL or ""
        if static_url.startswith("/") and request.path.startswith(static_url):
            return False
        if path.startswith(API_PREFIX):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)
