from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class JapaneseFirstMiddleware:
    """Pages are Japanese unless the user chose English with the language switcher (a cookie).

    A browser's Accept-Language is ignored on purpose: shared ward PCs and personal phones are often set to
    English while the staff and the residents' records are Japanese. Placed before LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
